"""The child module: who may see it (supervisors, caseworkers assigned to the case), that
it applies to minors only, sealed guardian and contact, and audited reveals."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.cases import children
from app.cases.inputs import Assignee, ChildModule
from app.cases.models import ChildDetails
from app.cases.overview import case_overview
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.cases.conftest import SECRET, count

CONTACT = "Mme Irina Protectova, +33 1 23 45 67 89"


@pytest.fixture
def child_case(world, new_client, new_case):
    """A minor's case opened by ``world.worker`` (so assigned to them)."""
    client_id = new_client(world.north, minor=True)
    return client_id, new_case(world.north, client_id, world.worker)


def _update(work, who, client_id, case_id, roles=("caseworker",), **values):
    fields = {
        "guardian": SECRET,
        "schooling": "enrolled",
        "child_protection_service": "ASE Rhône",
        "child_protection_contact": CONTACT,
        **values,
    }
    with work(who[0], who[1], roles) as (session, ctx):
        return children.update_child_details(
            session, ctx, client_id, case_id, ChildModule(**fields)
        )


def test_supervisors_and_assigned_caseworkers_see_the_child_module(world, work, child_case):
    client_id, case_id = child_case
    _update(work, (world.north, world.worker), client_id, case_id)
    for person, roles in [(world.worker, ("caseworker",)), (world.supervisor, ("supervisor",))]:
        with work(world.north, person, roles) as (session, ctx):
            assert children.child_details(session, ctx, client_id, case_id) is not None
            assert case_overview(session, ctx, client_id).shows_child_module


def test_other_caseworkers_of_the_organisation_are_refused(world, work, child_case):
    client_id, case_id = child_case
    _update(work, (world.north, world.worker), client_id, case_id)
    calls = [
        lambda s, c: children.child_details(s, c, client_id, case_id),
        lambda s, c: children.reveal_child_details(s, c, client_id, case_id),
        lambda s, c: children.update_child_details(
            s,
            c,
            client_id,
            case_id,
            ChildModule(
                guardian="",
                schooling="waiting",
                child_protection_service=None,
                child_protection_contact="",
            ),
        ),
    ]
    for call in calls:
        with pytest.raises(Forbidden), work(world.north, world.colleague) as (session, ctx):
            call(session, ctx)
    with work(world.north, world.colleague) as (session, ctx):
        view = case_overview(session, ctx, client_id)
        assert not view.shows_child_module and view.child is None
    with work(world.north) as (session, _ctx):
        details = session.scalar(select(ChildDetails))
        assert details.schooling == "enrolled" and details.sealed_guardian is not None
    assert count(work, world.north, AuditEvent, AuditEvent.action == "case.revealed") == 0


def test_assignment_by_a_supervisor_opens_the_module_to_a_caseworker(world, work, child_case):
    client_id, case_id = child_case
    from app.cases import service

    with work(world.north, world.supervisor, ("supervisor",)) as (session, ctx):
        service.assign_caseworker(
            session, ctx, client_id, case_id, Assignee(world.colleague.user.id)
        )
    with work(world.north, world.colleague) as (session, ctx):
        assert children.child_details(session, ctx, client_id, case_id) is None  # nothing yet


def test_the_child_module_applies_to_minors_only(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    with pytest.raises(Conflict):
        _update(work, (world.north, world.supervisor), client_id, case_id, ("supervisor",))
    with work(world.north, world.supervisor, ("supervisor",)) as (session, ctx):
        assert not case_overview(session, ctx, client_id).shows_child_module


def test_guardian_and_contact_are_sealed_and_revealed_with_an_audit_event(world, work, child_case):
    client_id, case_id = child_case
    _update(work, (world.north, world.worker), client_id, case_id)
    with work(world.north) as (session, _ctx):
        row = session.execute(
            text("SELECT sealed_guardian, sealed_child_protection_contact FROM child_details")
        ).one()
    for value in row:
        assert b"Zoryana" not in bytes(value) and b"Protectova" not in bytes(value)
    with work(world.north, world.worker) as (session, ctx):
        secrets = children.reveal_child_details(session, ctx, client_id, case_id)
    assert (secrets.guardian, secrets.child_protection_contact) == (SECRET, CONTACT)
    with work(world.north) as (session, _ctx):
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.revealed"))
    assert event.target_type == "case" and event.target_id == str(case_id)
    assert event.details == {"fields": ["child_protection_contact", "guardian"]}
    assert event.actor_id == world.worker.user.id


def test_none_keeps_a_sealed_value_and_empty_clears_it(world, work, child_case):
    client_id, case_id = child_case
    who = (world.north, world.worker)
    _update(work, who, client_id, case_id)
    _update(
        work,
        who,
        client_id,
        case_id,
        guardian=None,
        child_protection_contact="",
        schooling="waiting",
    )
    with work(world.north, world.worker) as (session, ctx):
        secrets = children.reveal_child_details(session, ctx, client_id, case_id)
        details = children.child_details(session, ctx, client_id, case_id)
    assert (secrets.guardian, secrets.child_protection_contact) == (SECRET, None)
    assert details.schooling == "waiting"


def test_nothing_recorded_reveals_nothing_and_logs_nothing(world, work, child_case):
    client_id, case_id = child_case
    with work(world.north, world.worker) as (session, ctx):
        secrets = children.reveal_child_details(session, ctx, client_id, case_id)
    assert secrets == children.ChildSecrets(None, None)
    assert count(work, world.north, AuditEvent, AuditEvent.action == "case.revealed") == 0


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"schooling": "homeschool"}, {"schooling"}),
        ({"guardian": "g" * 501}, {"guardian"}),
        ({"child_protection_contact": "c" * 501}, {"child_protection_contact"}),
        ({"child_protection_service": "s" * 121}, {"child_protection_service"}),
        # No text field holds a NUL, a control character or a lone surrogate.
        ({"guardian": "Anna\x00Mazur"}, {"guardian"}),
        ({"child_protection_contact": "Irina \ud800"}, {"child_protection_contact"}),
        ({"child_protection_service": "ASE\x07"}, {"child_protection_service"}),
    ],
)
def test_bad_child_details_are_refused_and_store_nothing(world, work, child_case, values, fields):
    client_id, case_id = child_case
    with pytest.raises(ValidationFailed) as error:
        _update(work, (world.north, world.worker), client_id, case_id, **values)
    assert set(error.value.fields) == fields
    assert count(work, world.north, ChildDetails) == 0


def test_another_organisation_cannot_reach_the_child_module(world, work, new_client, child_case):
    client_id, case_id = child_case
    _update(work, (world.north, world.worker), client_id, case_id)
    south_client = new_client(world.south, minor=True)
    for target in (client_id, south_client):
        with pytest.raises(NotFound), work(world.south, roles=("supervisor",)) as (session, ctx):
            children.reveal_child_details(session, ctx, target, case_id)
        with pytest.raises(NotFound):
            _update(work, (world.south, None), target, case_id, ("supervisor",), guardian="")
    with work(world.north, world.worker) as (session, ctx):
        assert children.reveal_child_details(session, ctx, client_id, case_id).guardian == SECRET


def test_a_reveal_of_one_field_opens_and_audits_that_field_only(world, work, child_case):
    client_id, case_id = child_case
    _update(work, (world.north, world.worker), client_id, case_id)
    with work(world.north, world.supervisor, ("supervisor",)) as (session, ctx):
        secrets = children.reveal_child_details(session, ctx, client_id, case_id, ["guardian"])
        assert (secrets.guardian, secrets.child_protection_contact) == (SECRET, None)
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.revealed"))
        assert event is not None and event.details["fields"] == ["guardian"]
