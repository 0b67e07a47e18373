"""Correcting grants, renaming service types, deleting unused ones: the service rules."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.assistance import grants, service
from app.assistance.inputs import (
    Changes,
    CorrectionInput,
    GrantInput,
    ServiceInput,
    SubtypeInput,
    SubtypeRename,
)
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.audit.models import AuditEvent
from app.db import bind_actor
from app.db.base import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.validation import typed_input

TODAY = utcnow().date()
GRANT = {
    "code": "AMIF-2026-17",
    "name": "Shelter places",
    "funder": "European Union",
    "starts_on": TODAY - timedelta(days=30),
    "ends_on": TODAY + timedelta(days=30),
    "budget": "120000",
    "currency": "EUR",
}


@pytest.fixture
def north_client(orgs, make_client):
    # Made first: it commits in its own unit of work, which SQLite would not let it do
    # while the test's session holds a write.
    return make_client(orgs.north, "K7-MORA-42")


@pytest.fixture
def grant(north_client, in_north, orgs):
    return grants.create_grant(in_north, orgs.north_admin, typed_input(GrantInput, GRANT))


@pytest.fixture
def subtype(north_client, in_north, orgs):
    return grants.create_subtype(
        in_north, orgs.north_admin, typed_input(SubtypeInput, {"category": "legal", "name": "Aid"})
    )


@pytest.fixture
def charged(north_client, in_north, orgs, grant, subtype):
    """Two services charged to the grant, with the subtype: 10 days ago, and 5 days ago to
    yesterday (a period)."""
    for started, ended in ((10, None), (5, 1)):
        service.record_service(
            in_north, orgs.north_worker, north_client,
            ServiceInput(category="legal", started_on=TODAY - timedelta(days=started),
                         ended_on=None if ended is None else TODAY - timedelta(days=ended),
                         quantity=Decimal(1), language="ru", interpreter_used=False,
                         grant_id=grant.id, subtype_id=subtype.id),
        )  # fmt: skip


def events(db, action):
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_managers_correct_a_grant_and_the_audit_names_fields_only(in_north, orgs, grant):
    done = grants.correct_grant(
        in_north,
        orgs.north_supervisor,
        grant.id,
        Changes.sent(GrantInput, {"code": "AMIF-2026-18", "budget": None}),
    )
    assert done.changed == ("budget", "code")
    assert (grant.code, grant.budget, grant.name) == ("AMIF-2026-18", None, "Shelter places")
    [event] = events(in_north, "grant.updated")
    assert event.details == {"fields": ["budget", "code"]}
    assert event.target_id == str(grant.id)
    assert "AMIF" not in repr(event.details)


def test_nothing_changed_writes_nothing(in_north, orgs, grant):
    same = {"code": " AMIF-2026-17 ", "budget": "120000.00", "currency": "eur"}
    assert (
        grants.correct_grant(
            in_north, orgs.north_admin, grant.id, Changes.sent(GrantInput, same)
        ).changed
        == ()
    )
    assert events(in_north, "grant.updated") == []


def test_caseworkers_cannot_correct_or_delete(in_north, orgs, grant, subtype):
    for call in (
        lambda: grants.correct_grant(
            in_north, orgs.north_worker, grant.id, Changes.sent(GrantInput, {"name": "x"})
        ),
        lambda: grants.delete_grant(in_north, orgs.north_worker, grant.id),
        lambda: grants.rename_subtype(
            in_north, orgs.north_worker, subtype.id, typed_input(SubtypeRename, {"name": "x"})
        ),
        lambda: grants.delete_subtype(in_north, orgs.north_worker, subtype.id),
    ):
        with pytest.raises(Forbidden):
            call()
    assert grant.name == "Shelter places" and subtype.name == "Aid"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": ""}, "code"),
        ({"name": None}, "name"),
        ({"funder": "x" * 201}, "funder"),
        ({"ends_on": TODAY - timedelta(days=31)}, "ends_on"),
        ({"starts_on": "soon"}, "starts_on"),
        ({"budget": "-1"}, "budget"),
        ({"currency": "EURO"}, "currency"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_correction_applies_the_rules_of_creation(change, field, in_north, orgs, grant):
    with pytest.raises(ValidationFailed) as caught:
        grants.correct_grant(
            in_north,
            orgs.north_admin,
            grant.id,
            Changes.sent(GrantInput, {"name": "New", **change}),
        )
    assert field in caught.value.fields
    assert grant.name == "Shelter places"
    assert events(in_north, "grant.updated") == []


def test_a_code_taken_by_another_grant_is_refused_its_own_is_not(in_north, orgs, grant):
    other = grants.create_grant(
        in_north, orgs.north_admin, typed_input(GrantInput, {**GRANT, "code": "OTHER"})
    )
    with pytest.raises(ValidationFailed) as caught:
        grants.correct_grant(
            in_north, orgs.north_admin, other.id, Changes.sent(GrantInput, {"code": "AMIF-2026-17"})
        )
    assert caught.value.fields["code"] == ["Another grant has this code."]
    grants.correct_grant(
        in_north, orgs.north_admin, grant.id, Changes.sent(GrantInput, {"code": "AMIF-2026-17"})
    )


def test_new_dates_must_cover_the_services_charged(in_north, orgs, grant, charged):
    narrower = {"starts_on": TODAY - timedelta(days=4), "ends_on": TODAY - timedelta(days=2)}
    with pytest.raises(ValidationFailed) as caught:
        grants.correct_grant(
            in_north, orgs.north_admin, grant.id, Changes.sent(GrantInput, narrower)
        )
    # Counts only: 2 services start before the new start; the period ends after the new end.
    assert caught.value.fields == {
        "starts_on": ["Services charged to this grant before this date:", "2"],
        "ends_on": ["Services charged to this grant after this date:", "1"],
    }
    assert grant.starts_on == GRANT["starts_on"]
    # Up to the services' own dates is fine.
    fits = {"starts_on": TODAY - timedelta(days=10), "ends_on": TODAY - timedelta(days=1)}
    assert grants.correct_grant(
        in_north, orgs.north_admin, grant.id, Changes.sent(GrantInput, fits)
    ).changed == (
        "ends_on",
        "starts_on",
    )


def test_rename_a_subtype_unique_within_its_category(in_north, orgs, subtype, charged):
    grants.create_subtype(
        in_north,
        orgs.north_admin,
        typed_input(SubtypeInput, {"category": "legal", "name": "Court"}),
    )
    grants.create_subtype(
        in_north,
        orgs.north_admin,
        typed_input(SubtypeInput, {"category": "medical", "name": "Dental"}),
    )
    with pytest.raises(ValidationFailed) as caught:
        grants.rename_subtype(
            in_north, orgs.north_admin, subtype.id, typed_input(SubtypeRename, {"name": "Court"})
        )
    assert caught.value.fields == {"name": ["This category already has a type of this name."]}
    done = grants.rename_subtype(
        in_north, orgs.north_supervisor, subtype.id, typed_input(SubtypeRename, {"name": "Dental"})
    )
    assert done.changed == ("name",) and subtype.name == "Dental"
    [event] = events(in_north, "service_subtype.updated")
    assert event.details == {"fields": ["name"]}
    # Records keep the same subtype and so show its new name.
    assert {r.subtype_id for r in in_north.scalars(select(AssistanceRecord))} == {subtype.id}


@pytest.mark.parametrize(
    "change", [{"name": ""}, {"name": "x" * 81}, {"category": "medical"}, {}, {"name": 5}]
)
def test_rename_refuses_bad_input(change, in_north, orgs, subtype):
    with pytest.raises(ValidationFailed):
        grants.rename_subtype(
            in_north, orgs.north_admin, subtype.id, typed_input(SubtypeRename, change)
        )
    assert (subtype.category, subtype.name) == ("legal", "Aid")
    assert events(in_north, "service_subtype.updated") == []


def test_unused_grant_and_subtype_can_be_deleted_and_it_is_audited(in_north, orgs, grant, subtype):
    grants.delete_grant(in_north, orgs.north_admin, grant.id)
    grants.delete_subtype(in_north, orgs.north_supervisor, subtype.id)
    assert in_north.scalars(select(Grant)).all() == []
    assert in_north.scalars(select(ServiceSubtype)).all() == []
    assert [e.target_id for e in events(in_north, "grant.deleted")] == [str(grant.id)]
    assert [e.target_id for e in events(in_north, "service_subtype.deleted")] == [str(subtype.id)]


def test_used_grant_and_subtype_cannot_be_deleted(in_north, orgs, grant, subtype, charged):
    with pytest.raises(Conflict) as refused:
        grants.delete_grant(in_north, orgs.north_admin, grant.id)
    assert refused.value.message == "Services are charged to this grant, so it cannot be deleted."
    with pytest.raises(Conflict):
        grants.delete_subtype(in_north, orgs.north_admin, subtype.id)
    assert len(in_north.scalars(select(Grant)).all()) == 1
    assert len(in_north.scalars(select(ServiceSubtype)).all()) == 1
    assert events(in_north, "grant.deleted") == []


def test_another_organisations_ids_are_not_found(db, in_north, orgs, grant, subtype):
    in_north.flush()  # north's own audit events, written before the session turns to south
    bind_actor(db, orgs.south.id, None)
    south_admin = orgs.ctx(orgs.south, "org_admin")
    for call in (
        lambda: grants.correct_grant(
            db, south_admin, grant.id, Changes.sent(GrantInput, {"name": "Mine"})
        ),
        lambda: grants.delete_grant(db, south_admin, grant.id),
        lambda: grants.rename_subtype(
            db, south_admin, subtype.id, typed_input(SubtypeRename, {"name": "Mine"})
        ),
        lambda: grants.retire_subtype(db, south_admin, subtype.id, True),
        lambda: grants.delete_subtype(db, south_admin, subtype.id),
        lambda: grants.delete_grant(db, south_admin, uuid.uuid4()),
    ):
        with pytest.raises(NotFound):
            call()
    bind_actor(db, orgs.north.id, None)
    assert (grant.name, subtype.name, subtype.retired_at) == ("Shelter places", "Aid", None)
    changes = select(AuditEvent.action).where(
        AuditEvent.action.startswith("grant.") | AuditEvent.action.startswith("service_subtype.")
    )
    # Only north's own creations: none of south's attempts was recorded.
    assert sorted(in_north.scalars(changes)) == ["grant.created", "service_subtype.created"]


def test_a_record_saved_after_the_check_still_stops_the_deletion(in_north, orgs, grant, charged):
    # As if the record had been saved between the check and the delete: the RESTRICT foreign
    # key refuses, and the user gets the same 409 with the request's other work intact.
    nothing_found = AssistanceRecord.id.is_(None)
    with pytest.raises(Conflict):
        grants._delete_unused(in_north, grant, nothing_found, "refused")
    assert in_north.scalars(select(Grant)).all() == [grant]
    assert len(in_north.scalars(select(AssistanceRecord)).all()) == 2


def test_a_retired_subtype_is_refused_for_new_records_and_kept_by_old_ones(
    in_north, orgs, north_client, subtype, charged
):
    from app.assistance import corrections

    with pytest.raises(Forbidden):
        grants.retire_subtype(in_north, orgs.north_worker, subtype.id, True)
    done = grants.retire_subtype(in_north, orgs.north_supervisor, subtype.id, True)
    assert done.changed and subtype.retired_at is not None
    assert grants.retire_subtype(in_north, orgs.north_admin, subtype.id, True).changed == ()
    assert grants.list_subtypes(in_north, orgs.north_worker, offered_only=True) == []
    assert grants.list_subtypes(in_north, orgs.north_worker) == [subtype]
    new = {"category": "legal", "started_on": TODAY, "quantity": 1, "language": "ru",
           "interpreter_used": False, "subtype_id": subtype.id}  # fmt: skip
    with pytest.raises(ValidationFailed) as caught:
        service.record_service(
            in_north, orgs.north_worker, north_client, typed_input(ServiceInput, new)
        )
    assert caught.value.fields == {"subtype_id": ["This service type is no longer offered."]}
    # A record made with it can still be corrected without choosing another type.
    old = in_north.scalars(select(AssistanceRecord)).first()
    fixed = corrections.correct_service(
        in_north,
        orgs.north_worker,
        north_client,
        old.id,
        Changes.sent(CorrectionInput, {"quantity": 2}),
    )
    assert fixed.changed == ("quantity",) and fixed.record.subtype_id == subtype.id

    grants.retire_subtype(in_north, orgs.north_admin, subtype.id, False)
    assert service.record_service(
        in_north, orgs.north_worker, north_client, typed_input(ServiceInput, new)
    ).subtype_id
    assert [len(events(in_north, f"service_subtype.{a}")) for a in ("retired", "reinstated")] == [
        1,
        1,
    ]


def test_creating_a_grant_or_a_type_is_audited_without_values(in_north, orgs, grant, subtype):
    [created] = events(in_north, "grant.created")
    assert created.target_id == str(grant.id) and "AMIF" not in str(created.details)
    [made] = events(in_north, "service_subtype.created")
    assert made.target_id == str(subtype.id) and "Aid" not in str(made.details)


def test_a_budget_beyond_what_the_column_holds_is_refused(in_north, orgs, north_client):
    with pytest.raises(ValidationFailed) as caught:
        grants.create_grant(
            in_north,
            orgs.north_admin,
            typed_input(GrantInput, {**GRANT, "budget": "1000000000000"}),
        )
    assert list(caught.value.fields) == ["budget"]
    made = grants.create_grant(
        in_north, orgs.north_admin, typed_input(GrantInput, {**GRANT, "budget": "999999999999.99"})
    )
    in_north.flush()
    assert made.budget == Decimal("999999999999.99")
