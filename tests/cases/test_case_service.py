"""Case rules: one open case, dates, close reasons, reflection period, permit track, NRM
history, assignments; and every lookup stays inside the organisation."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import inputs, risks, service
from app.cases.models import Case, CaseAssignment, NrmEvent, NrmState, Risk
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.cases.conftest import count

FUTURE = date.today() + timedelta(days=3)


def _fields(error: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return set(error.value.fields)


def test_opening_a_case_assigns_the_opener_and_is_audited(world, work, new_client):
    client_id = new_client(world.north)
    with work(world.north, world.worker) as (session, ctx):
        case = service.open_case(
            session, ctx, client_id, inputs.CaseOpening(date(2025, 1, 10), "reflection_period")
        )
        assert case.nrm_state == NrmState.not_referred
        assert service.is_assigned(session, case, world.worker.user.id)
        events = session.scalars(select(AuditEvent.action)).all()
    assert "case.opened" in events
    assert count(work, world.north, CaseAssignment) == 1


def test_a_client_has_one_open_case_at_a_time(world, work, new_client, new_case):
    client_id = new_client(world.north)
    new_case(world.north, client_id)
    with pytest.raises(Conflict), work(world.north) as (session, ctx):
        service.open_case(session, ctx, client_id, inputs.CaseOpening(date(2025, 4, 1)))
    assert count(work, world.north, Case) == 1


@pytest.mark.parametrize(
    ("opened_on", "track", "fields"),
    [
        (None, "none", {"opened_on"}),
        (FUTURE, "none", {"opened_on"}),
        (date(2025, 1, 1), "golden_visa", {"permit_track"}),
        (FUTURE, "", {"opened_on", "permit_track"}),
    ],
)
def test_bad_opening_is_refused_per_field_and_stores_nothing(
    world, work, new_client, opened_on, track, fields
):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.open_case(session, ctx, client_id, inputs.CaseOpening(opened_on, track))
    assert _fields(error) == fields
    assert count(work, world.north, Case) == 0


def test_a_new_case_cannot_open_before_the_previous_one_closed(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, opened_on=date(2025, 1, 1))
    with work(world.north) as (session, ctx):
        service.close_case(
            session, ctx, client_id, case_id, inputs.CaseClosing(date(2025, 2, 1), "goals_met")
        )
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.open_case(session, ctx, client_id, inputs.CaseOpening(date(2025, 1, 20)))
    assert _fields(error) == {"opened_on"}
    with work(world.north) as (session, ctx):
        service.open_case(session, ctx, client_id, inputs.CaseOpening(date(2025, 2, 1)))
    assert count(work, world.north, Case) == 2


@pytest.mark.parametrize(
    ("closed_on", "reason", "fields"),
    [
        (date(2025, 2, 28), "goals_met", {"closed_on"}),  # before it opened
        (FUTURE, "goals_met", {"closed_on"}),
        (None, "goals_met", {"closed_on"}),
        (date(2025, 4, 1), "", {"reason"}),
        (date(2025, 4, 1), "bored", {"reason"}),
    ],
)
def test_bad_closing_is_refused_per_field(
    world, work, new_client, new_case, closed_on, reason, fields
):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)  # opened 2025-03-01
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.close_case(session, ctx, client_id, case_id, inputs.CaseClosing(closed_on, reason))
    assert _fields(error) == fields
    assert count(work, world.north, Case, Case.closed_on.is_not(None)) == 0


def test_closing_closes_open_risks_and_makes_the_case_read_only(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    with work(world.north) as (session, ctx):
        risks.add_risk(
            session, ctx, client_id, case_id, inputs.RiskInput("retaliation", "high", date.today())
        )
        case = service.close_case(
            session, ctx, client_id, case_id, inputs.CaseClosing(date(2025, 3, 1), "other")
        )
        assert case.close_reason == "other"
    assert count(work, world.north, Risk, Risk.closed_at.is_(None)) == 0
    for change in (
        lambda s, c: service.record_nrm_state(
            s, c, client_id, case_id, inputs.NrmChange("referred", date.today())
        ),
        lambda s, c: service.set_permit_track(
            s, c, client_id, case_id, inputs.PermitTrackChoice("humanitarian")
        ),
        lambda s, c: service.close_case(
            s, c, client_id, case_id, inputs.CaseClosing(date.today(), "other")
        ),
        lambda s, c: risks.add_risk(
            s, c, client_id, case_id, inputs.RiskInput("other", "low", date.today())
        ),
    ):
        with pytest.raises(Conflict), work(world.north) as (session, ctx):
            change(session, ctx)


def test_reflection_period_end_is_not_before_its_start(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    for start, end, fields in [
        (date(2025, 3, 10), date(2025, 3, 9), {"reflection_end"}),
        (None, date(2025, 3, 9), {"reflection_start"}),
    ]:
        with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
            service.set_reflection_period(
                session, ctx, client_id, case_id, inputs.ReflectionPeriod(start, end)
            )
        assert _fields(error) == fields
    with work(world.north) as (session, ctx):
        service.set_reflection_period(
            session,
            ctx,
            client_id,
            case_id,
            inputs.ReflectionPeriod(date(2025, 3, 10), date(2025, 3, 10)),
        )
        service.set_reflection_period(
            session, ctx, client_id, case_id, inputs.ReflectionPeriod(date(2025, 3, 10), None)
        )
        case = service.get_case(session, ctx, client_id, case_id)
        assert (case.reflection_start, case.reflection_end) == (date(2025, 3, 10), None)


def test_permit_track_takes_known_values_only(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.set_permit_track(
            session, ctx, client_id, case_id, inputs.PermitTrackChoice("asylum please")
        )
    assert _fields(error) == {"permit_track"}
    with work(world.north) as (session, ctx):
        case = service.set_permit_track(
            session, ctx, client_id, case_id, inputs.PermitTrackChoice("humanitarian")
        )
        assert case.permit_track == "humanitarian"


def test_nrm_changes_are_kept_as_history_newest_first(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    steps = [
        ("referred", date(2025, 3, 2)),
        ("positive_reasonable_grounds", date(2025, 4, 1)),
        ("positive_conclusive", date(2025, 4, 1)),  # same day: the later record is newer
    ]
    for state, day in steps:
        with work(world.north, world.worker) as (session, ctx):
            service.record_nrm_state(session, ctx, client_id, case_id, inputs.NrmChange(state, day))
    with work(world.north) as (session, ctx):
        case = service.get_case(session, ctx, client_id, case_id)
        assert case.nrm_state == NrmState.positive_conclusive
        history = service.nrm_history(session, case)
        assert [e.state for e in history] == [
            "positive_conclusive",
            "positive_reasonable_grounds",
            "referred",
        ]
        assert {e.recorded_by for e in history} == {world.worker.user.id}


@pytest.mark.parametrize(
    ("state", "changed_on", "fields"),
    [
        ("referred", date(2025, 3, 4), {"nrm_state"}),  # already referred
        ("withdrawn", date(2025, 3, 1), {"changed_on"}),  # before the latest change
        ("withdrawn", FUTURE, {"changed_on"}),
        ("withdrawn", None, {"changed_on"}),
        ("lost", date(2025, 3, 4), {"nrm_state"}),
    ],
)
def test_bad_nrm_changes_are_refused_and_store_nothing(
    world, work, new_client, new_case, state, changed_on, fields
):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    with work(world.north) as (session, ctx):
        service.record_nrm_state(
            session, ctx, client_id, case_id, inputs.NrmChange("referred", date(2025, 3, 2))
        )
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.record_nrm_state(
            session, ctx, client_id, case_id, inputs.NrmChange(state, changed_on)
        )
    assert _fields(error) == fields
    assert count(work, world.north, NrmEvent) == 1


def test_supervisor_assigns_and_unassigns_caseworkers(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    colleague = world.colleague.user.id
    with work(world.north, world.supervisor, ("supervisor",)) as (session, ctx):
        service.assign_caseworker(session, ctx, client_id, case_id, inputs.Assignee(str(colleague)))
        service.assign_caseworker(
            session, ctx, client_id, case_id, inputs.Assignee(colleague)
        )  # no change
        case = service.get_case(session, ctx, client_id, case_id)
        names = [m.display_name for m in service.assigned_members(session, case)]
        assert names == ["Cw", "Cw2"]
        service.unassign(session, ctx, client_id, case_id, world.worker.user.id)
    assert count(work, world.north, CaseAssignment) == 1
    with pytest.raises(NotFound), work(world.north, world.supervisor, ("supervisor",)) as (s, c):
        service.unassign(s, c, client_id, case_id, world.worker.user.id)


def test_only_supervisors_assign(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    with pytest.raises(Forbidden), work(world.north, world.worker) as (session, ctx):
        service.assign_caseworker(
            session, ctx, client_id, case_id, inputs.Assignee(world.colleague.user.id)
        )
    with pytest.raises(Forbidden), work(world.north, world.worker) as (session, ctx):
        service.unassign(session, ctx, client_id, case_id, world.worker.user.id)
    assert count(work, world.north, CaseAssignment) == 1


def test_assignee_must_be_a_caseworker_or_supervisor_of_this_organisation(
    world, work, new_client, new_case
):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    sup = (world.north, world.supervisor, ("supervisor",))
    with pytest.raises(ValidationFailed) as error, work(*sup) as (session, ctx):
        service.assign_caseworker(
            session, ctx, client_id, case_id, inputs.Assignee(world.admin.user.id)
        )
    assert _fields(error) == {"user_id"}
    for other in (world.stranger.user.id, uuid.uuid4()):
        with pytest.raises(NotFound), work(*sup) as (session, ctx):
            service.assign_caseworker(session, ctx, client_id, case_id, inputs.Assignee(other))
    with pytest.raises(ValidationFailed), work(*sup) as (session, ctx):
        service.assign_caseworker(session, ctx, client_id, case_id, inputs.Assignee("not-an-id"))
    assert count(work, world.north, CaseAssignment) == 1  # the opener only
    with work(*sup) as (session, ctx):
        names = [m.display_name for m in service.assignable_members(session, ctx)]
    assert names == ["Sup"]  # the admin is no caseworker; south's people are elsewhere


def test_another_organisations_client_and_case_are_not_found(world, work, new_client, new_case):
    north_client = new_client(world.north)
    north_case = new_case(world.north, north_client)
    south_client = new_client(world.south)
    today = date.today()
    calls = [
        lambda s, c: service.get_case(s, c, north_client, north_case),
        lambda s, c: service.get_case(s, c, south_client, north_case),
        lambda s, c: service.cases_of(s, c, north_client),
        lambda s, c: service.open_case(s, c, north_client, inputs.CaseOpening(today)),
        lambda s, c: service.close_case(
            s, c, south_client, north_case, inputs.CaseClosing(today, "other")
        ),
        lambda s, c: service.record_nrm_state(
            s, c, north_client, north_case, inputs.NrmChange("referred", today)
        ),
        lambda s, c: service.set_reflection_period(
            s, c, south_client, north_case, inputs.ReflectionPeriod(today, None)
        ),
        lambda s, c: service.set_permit_track(
            s, c, north_client, north_case, inputs.PermitTrackChoice("other")
        ),
        lambda s, c: service.assign_caseworker(
            s, c, north_client, north_case, inputs.Assignee(world.stranger_supervisor.user.id)
        ),
        lambda s, c: service.unassign(s, c, north_client, north_case, uuid.uuid4()),
    ]
    for call in calls:
        with pytest.raises(NotFound), work(world.south, roles=("supervisor",)) as (s, c):
            call(s, c)
    assert count(work, world.north, Case) == 1
    assert count(work, world.south, Case) == 0
    with work(world.north) as (session, _ctx):
        case = session.get(Case, (world.north.id, north_case))
        assert case is not None and case.nrm_state == "not_referred" and case.closed_on is None


def test_a_case_of_another_client_is_not_found(world, work, new_client, new_case):
    first, second = new_client(world.north), new_client(world.north)
    case_id = new_case(world.north, first)
    with pytest.raises(NotFound), work(world.north) as (session, ctx):
        service.get_case(session, ctx, second, case_id)


def test_roles_without_casework_get_nothing(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id)
    for role in ("org_admin", "auditor", "funder"):
        with pytest.raises(Forbidden), work(world.north, roles=(role,)) as (session, ctx):
            service.get_case(session, ctx, client_id, case_id)


def test_the_case_team_lists_names_and_roles_of_this_case_only(world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    other = new_case(world.north, new_client(world.north), world.colleague)
    with work(world.north, world.supervisor, ("supervisor",)) as (session, ctx):
        service.assign_caseworker(
            session, ctx, client_id, case_id, inputs.Assignee(world.supervisor.user.id)
        )
    with work(world.north) as (session, ctx):
        team = service.case_team(session, ctx, client_id, case_id)
        assert [(m.display_name, set(m.roles)) for m in team] == [
            ("Cw", {"caseworker"}),
            ("Sup", {"supervisor"}),
        ]
        with pytest.raises(NotFound):
            service.case_team(session, ctx, client_id, other)
    with pytest.raises(NotFound), work(world.south) as (session, ctx):
        service.case_team(session, ctx, client_id, case_id)


def test_the_open_case_is_one_rule_in_python_and_in_sql(world, work, new_client, new_case):
    """``Case.is_open`` and the one query of the open case (claims and services link to it)
    agree with the case tab: the newest open case, should data hold several."""
    client_id, other_id = new_client(world.north), new_client(world.north)
    older = new_case(world.north, client_id, opened_on=date(2025, 1, 1))
    with work(world.north) as (session, _ctx):
        # Two open cases cannot be made through the service; older data may hold them.
        newer = Case(client_id=client_id, opened_on=date(2025, 2, 1))
        closed = Case(client_id=other_id, opened_on=date(2025, 1, 1), closed_on=date(2025, 1, 9))
        session.add_all([newer, closed])
        session.flush()
        newer_id = newer.id
    with work(world.north) as (session, ctx):
        assert service.open_case_ids(session, [client_id, other_id, uuid.uuid4()]) == {
            client_id: newer_id
        }
        assert service.open_case_id(session, other_id) is None
        assert service.current_case(service.cases_of(session, ctx, client_id)).id == newer_id
        open_ids = set(session.scalars(select(Case.id).where(Case.is_open)))
        assert open_ids == {older, newer_id}
        assert not session.get(Case, (world.north.id, closed.id)).is_open
    with work(world.south) as (session, _ctx):
        assert service.open_case_ids(session, [client_id]) == {}
