"""The risk register: sealed notes, validation, reviews, closing, the reviews-due list,
and reveals that are always audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.cases import risks
from app.cases.inputs import RiskInput, RiskReview
from app.cases.models import Risk
from app.clients.models import Client
from app.clients.service import FieldUnreadable, erase_client
from app.errors import Conflict, NotFound, ValidationFailed
from tests.cases.conftest import SECRET, count

TODAY = date.today()


@pytest.fixture
def case(world, new_client, new_case):
    client_id = new_client(world.north)
    return client_id, new_case(world.north, client_id)


def _add(work, org, client_id, case_id, notes=SECRET, review_on=None, **values):
    with work(org) as (session, ctx):
        risk = risks.add_risk(
            session,
            ctx,
            client_id,
            case_id,
            RiskInput(
                values.get("kind", "retaliation"),
                values.get("level", "high"),
                review_on or TODAY + timedelta(days=14),
                notes,
            ),
        )
        return risk.id


def _reveals(work, org):
    with work(org) as (session, _ctx):
        return session.scalars(select(AuditEvent).where(AuditEvent.action == "case.revealed")).all()


def test_risk_notes_are_sealed_in_the_row(world, work, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    with work(world.north) as (session, _ctx):
        raw = session.execute(text("SELECT sealed_notes FROM risks")).scalar_one()
        events = session.scalars(select(AuditEvent)).all()
    raw = bytes(raw)
    assert SECRET.encode() not in raw and b"Zoryana" not in raw
    assert all("Zoryana" not in str(e.details) for e in events)
    with work(world.north) as (session, ctx):
        assert risks.reveal_risk_notes(session, ctx, client_id, risk_id) == SECRET


def test_a_risk_without_notes_stores_none(world, work, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id, notes="   ")
    with work(world.north) as (session, ctx):
        assert risks.get_risk(session, ctx, client_id, risk_id).sealed_notes is None
        assert risks.reveal_risk_notes(session, ctx, client_id, risk_id) is None
    assert _reveals(work, world.north) == []  # nothing shown, nothing logged


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"kind": "gossip"}, {"kind"}),
        ({"level": "extreme"}, {"level"}),
        ({"review_on": TODAY - timedelta(days=2)}, {"review_on"}),
        ({"notes": "x" * 10_001}, {"notes"}),
        ({"kind": "", "level": "", "notes": "y" * 20_000}, {"kind", "level", "notes"}),
        # No text field holds a NUL, a control character or a lone surrogate.
        ({"notes": "at the \x00 farm"}, {"notes"}),
        ({"notes": "Zoryana \udfff"}, {"notes"}),
        ({"review_on": date(1899, 12, 31)}, {"review_on"}),
    ],
)
def test_bad_risks_are_refused_per_field_and_store_nothing(world, work, case, values, fields):
    client_id, case_id = case
    with pytest.raises(ValidationFailed) as error:
        _add(work, world.north, client_id, case_id, **values)
    assert set(error.value.fields) == fields
    assert count(work, world.north, Risk) == 0


def test_a_review_date_is_required(world, work, case):
    client_id, case_id = case
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        risks.add_risk(session, ctx, client_id, case_id, RiskInput("self_harm", "low", None))
    assert set(error.value.fields) == {"review_on"}


def test_review_sets_level_and_date_and_closing_ends_the_risk(world, work, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    later = TODAY + timedelta(days=60)
    with work(world.north) as (session, ctx):
        risk = risks.review_risk(session, ctx, client_id, risk_id, RiskReview("low", later))
        assert (risk.level, risk.review_on) == ("low", later)
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        risks.review_risk(
            session, ctx, client_id, risk_id, RiskReview("none", TODAY - timedelta(days=5))
        )
    assert set(error.value.fields) == {"level", "review_on"}
    with work(world.north) as (session, ctx):
        risks.close_risk(session, ctx, client_id, risk_id)
    for change in (
        lambda s, c: risks.review_risk(s, c, client_id, risk_id, RiskReview("high", later)),
        lambda s, c: risks.close_risk(s, c, client_id, risk_id),
    ):
        with pytest.raises(Conflict), work(world.north) as (session, ctx):
            change(session, ctx)
    with work(world.north) as (session, ctx):
        risk = risks.get_risk(session, ctx, client_id, risk_id)
        assert risk.level == "low" and risk.closed_at is not None
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"risk.added", "risk.reviewed", "risk.closed"} <= actions


def test_reviews_due_lists_open_risks_whose_date_came_in_this_organisation(
    world, work, new_client, new_case, case
):
    client_id, case_id = case
    overdue = _add(work, world.north, client_id, case_id, kind="retaliation")
    due_today = _add(work, world.north, client_id, case_id, kind="self_harm")
    _add(work, world.north, client_id, case_id, kind="return_risk", review_on=TODAY + timedelta(90))
    closed = _add(work, world.north, client_id, case_id, kind="other")
    south_client = new_client(world.south)
    _add(work, world.south, south_client, new_case(world.south, south_client))
    with work(world.north) as (session, ctx):
        # Review dates cannot be set in the past: age two risks as time would.
        session.get(Risk, (world.north.id, overdue)).review_on = TODAY - timedelta(days=3)
        session.get(Risk, (world.north.id, due_today)).review_on = TODAY
        session.get(Risk, (world.north.id, closed)).review_on = TODAY - timedelta(days=3)
        risks.close_risk(session, ctx, client_id, closed)
    with work(world.north) as (session, ctx):
        due = risks.risks_due(session, ctx, TODAY)
        # The ORM guard scopes this to north; raw SQL would not be on SQLite.
        code = session.scalar(select(Client.code).where(Client.id == client_id))
    assert [(r.risk_id, r.overdue) for r in due] == [(overdue, True), (due_today, False)]
    assert {r.client_code for r in due} == {code}


def test_every_reveal_is_audited_without_the_plaintext(world, work, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    for _ in range(2):
        with work(world.north, world.worker) as (session, ctx):
            risks.reveal_risk_notes(session, ctx, client_id, risk_id)
    events = _reveals(work, world.north)
    assert len(events) == 2
    assert {(e.target_type, e.target_id, e.actor_id) for e in events} == {
        ("risk", str(risk_id), world.worker.user.id)
    }
    assert all(e.details == {"field": "notes"} for e in events)


def test_notes_moved_to_another_risk_do_not_open(world, work, case):
    client_id, case_id = case
    first = _add(work, world.north, client_id, case_id)
    second = _add(work, world.north, client_id, case_id, notes="other")
    with work(world.north) as (session, _ctx):
        a, b = (
            session.get(Risk, (world.north.id, first)),
            session.get(Risk, (world.north.id, second)),
        )
        b.sealed_notes = a.sealed_notes
    with pytest.raises(FieldUnreadable), work(world.north) as (session, ctx):
        risks.reveal_risk_notes(session, ctx, client_id, second)
    assert _reveals(work, world.north) == []


def test_an_erased_clients_notes_are_gone(world, work, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    with work(world.north, roles=("supervisor",)) as (session, ctx):
        erase_client(session, ctx, client_id)
    with pytest.raises(Conflict), work(world.north) as (session, ctx):
        risks.reveal_risk_notes(session, ctx, client_id, risk_id)
    with pytest.raises(Conflict), work(world.north) as (session, ctx):
        risks.add_risk(session, ctx, client_id, case_id, RiskInput("other", "low", TODAY, "more"))
    assert _reveals(work, world.north) == []


def test_another_organisations_risks_are_not_found(world, work, new_client, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    south_client = new_client(world.south)
    later = TODAY + timedelta(days=5)
    calls = [
        lambda s, c: risks.get_risk(s, c, client_id, risk_id),
        lambda s, c: risks.get_risk(s, c, south_client, risk_id),
        lambda s, c: risks.risks_of(s, c, client_id),
        lambda s, c: risks.add_risk(s, c, south_client, case_id, RiskInput("other", "low", later)),
        lambda s, c: risks.review_risk(s, c, south_client, risk_id, RiskReview("low", later)),
        lambda s, c: risks.close_risk(s, c, client_id, risk_id),
        lambda s, c: risks.reveal_risk_notes(s, c, south_client, risk_id),
    ]
    for call in calls:
        with pytest.raises(NotFound), work(world.south) as (session, ctx):
            call(session, ctx)
    with work(world.south) as (session, ctx):
        assert risks.risks_due(session, ctx, TODAY + timedelta(days=365)) == []
    with work(world.north) as (session, ctx):
        risk = risks.get_risk(session, ctx, client_id, risk_id)
        assert risk.level == "high" and risk.closed_at is None
    assert _reveals(work, world.north) == [] and _reveals(work, world.south) == []


def test_a_risk_of_another_clients_case_is_not_found(world, work, new_client, case):
    client_id, case_id = case
    risk_id = _add(work, world.north, client_id, case_id)
    other = new_client(world.north)
    with pytest.raises(NotFound), work(world.north) as (session, ctx):
        risks.reveal_risk_notes(session, ctx, other, risk_id)
