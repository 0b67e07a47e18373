"""Claims: filing, amounts and currency, dates, status transitions and their history."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.cases.models import Case
from app.claims import service
from app.claims.models import Claim, ClaimStatus, ClaimStatusChange
from app.claims.service import ClaimFiling, StatusUpdate
from app.context import Actor
from app.errors import Forbidden, NotFound, ValidationFailed

#: The organisation's today (north is in France): the latest date a claim may record.
TODAY = Actor(None, None, country="FR").today()
FUTURE = TODAY + timedelta(days=1)
CIVIL = ClaimFiling(route="civil", defendant_type="employer", currency="EUR", amount_claimed="1")


def _file(work, org, client_id, **overrides):
    values = {
        "route": "labour_court",
        "defendant_type": "employer",
        "currency": "eur",
        "amount_claimed": "12500.5",
        "filed_on": date(2026, 1, 10),
        **overrides,
    }
    with work(org) as (session, ctx):
        claim = service.file_claim(session, ctx, client_id, ClaimFiling(**values))
        return claim.id


def _update(work, org, client_id, claim_id, **values):
    values.setdefault("changed_on", date(2026, 3, 1))
    with work(org) as (session, ctx):
        service.update_claim_status(session, ctx, client_id, claim_id, StatusUpdate(**values))


def _claim(work, org, claim_id):
    with work(org) as (session, _ctx):
        claim = session.get(Claim, (org.id, claim_id))
        history = session.scalars(
            select(ClaimStatusChange.status)
            .where(ClaimStatusChange.claim_id == claim_id)
            .order_by(ClaimStatusChange.changed_on, ClaimStatusChange.recorded_at)
        ).all()
        return claim, list(history)


def _count(work, org, model=Claim):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def test_filing_stores_amounts_currency_history_and_an_audit_event(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)
    claim, history = _claim(work, world.north, claim_id)
    assert claim.status is ClaimStatus.filed
    assert claim.currency == "EUR"
    assert claim.amount_claimed == Decimal("12500.50")
    assert claim.filed_on == date(2026, 1, 10)
    assert history == [ClaimStatus.filed]
    with work(world.north) as (session, _ctx):
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "claim.filed"))
        assert event.target_id == str(claim_id)
        assert event.details == {"status": "filed"}


def test_a_claim_without_filing_date_is_being_prepared(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id, filed_on=None, amount_claimed=None)
    claim, history = _claim(work, world.north, claim_id)
    assert claim.status is ClaimStatus.preparing
    assert claim.amount_claimed is None
    assert history == [ClaimStatus.preparing]


def test_claim_is_linked_to_the_open_case_only(world, work, new_client):
    client_id = new_client(world.north)
    other_id = new_client(world.north)
    with work(world.north) as (session, _ctx):
        open_case = Case(client_id=client_id, opened_on=date(2026, 1, 1))
        closed = Case(client_id=other_id, opened_on=date(2025, 1, 1), closed_on=date(2025, 6, 1))
        session.add_all([open_case, closed])
        session.flush()
        open_id = open_case.id
    assert _claim(work, world.north, _file(work, world.north, client_id))[0].case_id == open_id
    assert _claim(work, world.north, _file(work, world.north, other_id))[0].case_id is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"amount_claimed": "-3"}, "amount_claimed"),
        ({"amount_claimed": "12.345"}, "amount_claimed"),
        ({"amount_claimed": "1e15"}, "amount_claimed"),
        ({"amount_claimed": "lots"}, "amount_claimed"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "ABC"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"filed_on": FUTURE}, "filed_on"),
        ({"filed_on": date(732, 5, 20)}, "filed_on"),
        ({"filed_on": date(1899, 12, 31)}, "filed_on"),
        ({"currency": "EU\x00"}, "currency"),
        ({"currency": "E\ud800R"}, "currency"),
        ({"amount_claimed": "12\x00"}, "amount_claimed"),
        ({"route": "tv_show"}, "route"),
        ({"defendant_type": "neighbour"}, "defendant_type"),
    ],
)
def test_bad_claims_are_refused_per_field_and_nothing_is_stored(
    world, work, new_client, overrides, field
):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _file(work, world.north, client_id, **overrides)
    assert list(error.value.fields) == [field]
    assert _count(work, world.north) == 0
    assert _count(work, world.north, ClaimStatusChange) == 0


def test_award_needs_amount_and_decision_date(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)
    with pytest.raises(ValidationFailed) as error:
        _update(work, world.north, client_id, claim_id, status="awarded")
    assert set(error.value.fields) == {"amount_awarded", "decided_on"}
    _update(
        work,
        world.north,
        client_id,
        claim_id,
        status="awarded",
        amount_awarded=Decimal("8000"),
        decided_on=date(2026, 2, 27),
    )
    claim, history = _claim(work, world.north, claim_id)
    assert (claim.status, claim.amount_awarded, claim.decided_on) == (
        ClaimStatus.awarded,
        Decimal("8000.00"),
        date(2026, 2, 27),
    )
    assert history == [ClaimStatus.filed, ClaimStatus.awarded]


def _awarded(work, world, new_client, amount="8000"):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)
    _update(
        work,
        world.north,
        client_id,
        claim_id,
        status="awarded",
        amount_awarded=amount,
        decided_on=date(2026, 2, 27),
    )
    return client_id, claim_id


def test_payment_needs_amount_and_date_and_never_exceeds_the_award(world, work, new_client):
    client_id, claim_id = _awarded(work, world, new_client)
    for values, fields in [
        ({"status": "paid"}, {"amount_paid", "paid_on"}),
        ({"status": "paid", "amount_paid": "0", "paid_on": date(2026, 3, 1)}, {"amount_paid"}),
        (
            {"status": "paid", "amount_paid": "8000.01", "paid_on": date(2026, 3, 1)},
            {"amount_paid"},
        ),
        ({"status": "paid", "amount_paid": "-1", "paid_on": date(2026, 3, 1)}, {"amount_paid"}),
        (
            {"status": "partially_paid", "amount_paid": "8000", "paid_on": date(2026, 3, 1)},
            {"amount_paid"},
        ),
    ]:
        with pytest.raises(ValidationFailed) as error:
            _update(work, world.north, client_id, claim_id, **values)
        assert set(error.value.fields) == fields, values
    assert _claim(work, world.north, claim_id)[0].status is ClaimStatus.awarded


def test_instalments_then_paid_in_full(world, work, new_client):
    client_id, claim_id = _awarded(work, world, new_client)
    _update(
        work,
        world.north,
        client_id,
        claim_id,
        status="partially_paid",
        amount_paid="3000",
        paid_on=date(2026, 3, 1),
    )
    with pytest.raises(ValidationFailed) as error:
        _update(
            work,
            world.north,
            client_id,
            claim_id,
            status="partially_paid",
            amount_paid="2000",
            paid_on=date(2026, 4, 1),
            changed_on=date(2026, 4, 1),
        )
    assert "amount_paid" in error.value.fields
    _update(
        work,
        world.north,
        client_id,
        claim_id,
        status="paid",
        amount_paid="8000",
        paid_on=date(2026, 4, 2),
        changed_on=date(2026, 4, 2),
    )
    claim, history = _claim(work, world.north, claim_id)
    assert (claim.status, claim.amount_paid, claim.paid_on) == (
        ClaimStatus.paid,
        Decimal("8000.00"),
        date(2026, 4, 2),
    )
    assert history == ["filed", "awarded", "partially_paid", "paid"]


def test_dates_are_in_order_and_not_in_the_future(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)  # filed 2026-01-10
    cases = [
        ({"status": "rejected", "decided_on": date(2026, 1, 9)}, "decided_on"),
        ({"status": "rejected", "decided_on": FUTURE}, "decided_on"),
        ({"status": "rejected", "decided_on": date(1066, 10, 14)}, "decided_on"),
        (
            {"status": "rejected", "decided_on": date(2026, 2, 1), "changed_on": FUTURE},
            "changed_on",
        ),
        (
            {"status": "rejected", "decided_on": date(2026, 2, 1), "changed_on": date(2026, 1, 1)},
            "changed_on",
        ),
        ({"status": "rejected", "decided_on": date(2026, 2, 1), "changed_on": None}, "changed_on"),
    ]
    for values, field in cases:
        with pytest.raises(ValidationFailed) as error:
            _update(work, world.north, client_id, claim_id, **values)
        assert field in error.value.fields, values
    _, award_id = _awarded(work, world, new_client)
    with pytest.raises(ValidationFailed) as error:
        _update(
            work,
            world.north,
            _claim(work, world.north, award_id)[0].client_id,
            award_id,
            status="paid",
            amount_paid="100",
            paid_on=date(2026, 2, 1),
        )
    assert list(error.value.fields) == ["paid_on"]
    assert _claim(work, world.north, claim_id)[1] == ["filed"]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["withdrawn"], ["filed", "preparing", "awarded", "withdrawn"]),
        (["filed", "rejected"], ["awarded", "paid", "withdrawn", "preparing"]),
        (["filed", "awarded", "paid"], ["filed", "awarded", "withdrawn", "partially_paid"]),
        ([], ["awarded", "paid", "rejected", "preparing", "no_such_status"]),
    ],
)
def test_only_sensible_status_changes_are_allowed(world, work, new_client, path, refused):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id, filed_on=None)  # preparing, as of TODAY
    day = {"changed_on": TODAY}
    steps = {
        "withdrawn": {"status": "withdrawn"},
        "filed": {"status": "filed"},
        "rejected": {"status": "rejected", "decided_on": TODAY},
        "awarded": {"status": "awarded", "amount_awarded": "10", "decided_on": TODAY},
        "paid": {"status": "paid", "amount_paid": "10", "paid_on": TODAY},
    }
    for step in path:
        _update(work, world.north, client_id, claim_id, **steps[step], **day)
    before = _claim(work, world.north, claim_id)[1]
    for status in refused:
        with pytest.raises(ValidationFailed) as error:
            _update(
                work,
                world.north,
                client_id,
                claim_id,
                status=status,
                amount_awarded="10",
                amount_paid="10",
                decided_on=TODAY,
                paid_on=TODAY,
                **day,
            )
        assert "status" in error.value.fields, status
    assert _claim(work, world.north, claim_id)[1] == before


def test_a_rejected_claim_can_be_filed_again_on_appeal(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)
    _update(
        work,
        world.north,
        client_id,
        claim_id,
        status="rejected",
        decided_on=date(2026, 2, 1),
        changed_on=date(2026, 2, 1),
    )
    _update(work, world.north, client_id, claim_id, status="filed", changed_on=date(2026, 3, 5))
    claim, history = _claim(work, world.north, claim_id)
    assert (claim.status, claim.filed_on, claim.decided_on) == (
        ClaimStatus.filed,
        date(2026, 3, 5),
        None,
    )
    assert history == ["filed", "rejected", "filed"]


def test_claims_of_another_organisation_are_not_found(world, work, new_client):
    client_id = new_client(world.north)
    claim_id = _file(work, world.north, client_id)
    south_client = new_client(world.south)
    with work(world.south) as (session, ctx):
        with pytest.raises(NotFound):
            service.claims_of(session, ctx, client_id)
        with pytest.raises(NotFound):
            service.get_claim(session, ctx, client_id, claim_id)
        with pytest.raises(NotFound):
            service.get_claim(session, ctx, south_client, claim_id)
        with pytest.raises(NotFound):
            service.file_claim(session, ctx, client_id, CIVIL)
        assert service.claims_of(session, ctx, south_client) == []
    with work(world.north) as (session, ctx):
        with pytest.raises(NotFound):
            service.get_claim(session, ctx, new_client(world.north), claim_id)
        with pytest.raises(NotFound):
            service.get_claim(session, ctx, client_id, uuid.uuid4())
    assert _count(work, world.south) == 0
    assert _claim(work, world.north, claim_id)[1] == ["filed"]


def test_only_casework_roles_work_with_claims(world, work, new_client):
    client_id = new_client(world.north)
    with work(world.north) as (session, _ctx):
        admin = Actor(uuid.uuid4(), world.north.id, frozenset({Role.org_admin}))
        with pytest.raises(Forbidden):
            service.file_claim(session, admin, client_id, CIVIL)


def test_default_currency_follows_the_organisation_country():
    assert service.default_currency("FR") == "EUR"
    assert service.default_currency("MD") == "MDL"
    assert service.default_currency("") == "EUR"
