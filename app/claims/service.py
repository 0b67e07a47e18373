"""Compensation and unpaid-wage claims: filing, status changes and their history.

Amounts are in one ISO 4217 currency per claim. ``amount_paid`` is the total paid so far
(it only grows), never more than the amount awarded. Dates follow the claim's life:
filed, then decided, then paid, none of them before 1900 or after the organisation's
today (:mod:`app.validation`).

Status changes a caseworker may record (anything else is refused):

- ``preparing`` → ``filed`` or ``withdrawn``
- ``filed`` → ``awarded``, ``rejected`` or ``withdrawn``
- ``awarded`` → ``partially_paid`` or ``paid``
- ``partially_paid`` → ``partially_paid`` (a further instalment) or ``paid``
- ``rejected`` → ``filed``: an appeal or a re-filing; the only way out of a rejection
- ``withdrawn`` and ``paid`` are final: a new claim is filed instead
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.numbers import get_territory_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.cases.service import open_case_id
from app.claims.models import Claim, ClaimRoute, ClaimStatus, ClaimStatusChange, DefendantType
from app.clients.service import get_client
from app.context import Actor
from app.errors import NotFound
from app.i18n import N_
from app.validation import REQUIRED, FieldReader

#: Numeric(14, 2): twelve digits before the decimal point.
MAX_AMOUNT = Decimal("999999999999.99")

TRANSITIONS: dict[ClaimStatus, frozenset[ClaimStatus]] = {
    ClaimStatus.preparing: frozenset({ClaimStatus.filed, ClaimStatus.withdrawn}),
    ClaimStatus.filed: frozenset(
        {ClaimStatus.awarded, ClaimStatus.rejected, ClaimStatus.withdrawn}
    ),
    ClaimStatus.awarded: frozenset({ClaimStatus.partially_paid, ClaimStatus.paid}),
    ClaimStatus.partially_paid: frozenset({ClaimStatus.partially_paid, ClaimStatus.paid}),
    ClaimStatus.rejected: frozenset({ClaimStatus.filed}),
    ClaimStatus.withdrawn: frozenset(),
    ClaimStatus.paid: frozenset(),
}

CLOSED = N_("This claim is closed (paid in full or withdrawn): its status no longer changes.")


def is_closed(claim: Claim) -> bool:
    """Paid in full or withdrawn: no status follows."""
    return not TRANSITIONS[claim.status]


def default_currency(country: str) -> str:
    """The currency of the organisation's country, to preselect on the claim form."""
    found = get_territory_currencies(country) if country else []
    return found[0] if found else "EUR"


@dataclass(frozen=True)
class ClaimFiling:
    """What the filing form (or the API) asks to record. Without a filing date the claim
    is still being prepared."""

    #: A ClaimRoute and a DefendantType.
    route: str | None
    defendant_type: str | None
    #: ISO 4217.
    currency: str | None
    amount_claimed: Decimal | str | None = None
    filed_on: date | None = None


@dataclass(frozen=True)
class StatusUpdate:
    """What the status form (or the API) asks to record."""

    #: A ClaimStatus.
    status: str | None
    changed_on: date | None
    amount_awarded: Decimal | str | None = None
    amount_paid: Decimal | str | None = None
    decided_on: date | None = None
    paid_on: date | None = None


def file_claim(session: Session, ctx: Actor, client_id: uuid.UUID, filing: ClaimFiling) -> Claim:
    """A new claim of the client, linked to their open case if there is one."""
    client = get_client(session, ctx, client_id)
    r = FieldReader.of(filing, today=ctx.today())
    route, defendant = r.choice("route", ClaimRoute), r.choice("defendant_type", DefendantType)
    currency = r.currency("currency")
    if currency is None and r.ok("currency"):
        r.fail("currency", REQUIRED)
    claimed = r.amount("amount_claimed", maximum=MAX_AMOUNT)
    filed_on = r.past_day("filed_on")
    r.raise_if_failed()
    status = ClaimStatus.filed if filed_on else ClaimStatus.preparing
    claim = Claim(
        id=uuid.uuid4(),
        tenant_id=ctx.tenant_id,
        client_id=client.id,
        case_id=open_case_id(session, client.id),
        route=route,
        defendant_type=defendant,
        currency=currency,
        amount_claimed=claimed,
        filed_on=filed_on,
        status=status,
    )
    session.add(claim)
    _add_history(session, ctx, claim, status, filed_on or ctx.today())
    session.flush()
    record_event(session, ctx, AuditAction.claim_filed, "claim", claim.id, status=status.value)
    return claim


def _add_history(
    session: Session, ctx: Actor, claim: Claim, status: ClaimStatus, changed_on: date
) -> None:
    session.add(
        ClaimStatusChange(
            tenant_id=ctx.tenant_id,
            claim_id=claim.id,
            status=status,
            changed_on=changed_on,
            recorded_by=ctx.user_id,
        )
    )


def claims_of(session: Session, ctx: Actor, client_id: uuid.UUID) -> list[Claim]:
    client = get_client(session, ctx, client_id)
    return list(
        session.scalars(
            select(Claim).where(Claim.client_id == client.id).order_by(Claim.created_at.desc())
        )
    )


def get_claim(session: Session, ctx: Actor, client_id: uuid.UUID, claim_id: uuid.UUID) -> Claim:
    """The claim of this client in the actor's organisation; anything else is not found."""
    require(ctx, Permission.casework)
    claim = session.get(Claim, (ctx.tenant_id, claim_id))
    if claim is None or claim.client_id != client_id:
        raise NotFound(N_("No such claim."))
    return claim


def history_of(
    session: Session, claim_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ClaimStatusChange]]:
    """Status changes per claim, oldest first."""
    rows = session.scalars(
        select(ClaimStatusChange)
        .where(ClaimStatusChange.claim_id.in_(claim_ids))
        .order_by(ClaimStatusChange.changed_on, ClaimStatusChange.recorded_at)
    )
    found: dict[uuid.UUID, list[ClaimStatusChange]] = {cid: [] for cid in claim_ids}
    for row in rows:
        found[row.claim_id].append(row)
    return found


def _last_change(session: Session, claim: Claim) -> date | None:
    return session.scalar(
        select(ClaimStatusChange.changed_on)
        .where(ClaimStatusChange.claim_id == claim.id)
        .order_by(ClaimStatusChange.changed_on.desc())
        .limit(1)
    )


def update_claim_status(
    session: Session, ctx: Actor, client_id: uuid.UUID, claim_id: uuid.UUID, update: StatusUpdate
) -> Claim:
    """Move the claim to a new status, with the amounts and dates that status needs, and
    add the change to its history."""
    claim = get_claim(session, ctx, client_id, claim_id)
    r = FieldReader.of(update, today=ctx.today())
    status = r.choice("status", ClaimStatus)
    if status is not None and status not in TRANSITIONS[claim.status]:
        r.fail("status", N_("A claim cannot move from its current status to this one."))
    changed_on = r.past_day("changed_on", required=True)
    decided_on, paid_on = r.past_day("decided_on"), r.past_day("paid_on")
    awarded = r.amount("amount_awarded", maximum=MAX_AMOUNT)
    paid = r.amount("amount_paid", maximum=MAX_AMOUNT)
    r.raise_if_failed()
    assert status is not None and changed_on is not None
    given = _Given(changed_on, decided_on, paid_on, awarded, paid)
    new = _next_values(claim, status, given)
    _check_next(session, claim, status, given, new, r)
    r.raise_if_failed()
    claim.filed_on, claim.decided_on, claim.paid_on = new.filed_on, new.decided_on, new.paid_on
    claim.amount_awarded, claim.amount_paid = new.amount_awarded, new.amount_paid
    claim.status = status
    _add_history(session, ctx, claim, status, changed_on)
    session.flush()
    record_event(
        session, ctx, AuditAction.claim_status_changed, "claim", claim.id, status=status.value
    )
    return claim


@dataclass(frozen=True)
class _Given:
    """The checked values of a status update."""

    changed_on: date
    decided_on: date | None
    paid_on: date | None
    amount_awarded: Decimal | None
    amount_paid: Decimal | None


@dataclass(frozen=True)
class _Next:
    filed_on: date | None
    decided_on: date | None
    paid_on: date | None
    amount_awarded: Decimal | None
    amount_paid: Decimal | None


def _next_values(claim: Claim, status: ClaimStatus, given: _Given) -> _Next:
    """The claim's dates and amounts after the change: given values replace stored ones.
    Filing (again, after a rejection) starts a new round: the date of the change is the
    filing date and the old decision no longer stands."""
    if status is ClaimStatus.filed:
        return _Next(given.changed_on, None, None, None, None)
    return _Next(
        filed_on=claim.filed_on,
        decided_on=given.decided_on or claim.decided_on,
        paid_on=given.paid_on or claim.paid_on,
        amount_awarded=_first(given.amount_awarded, claim.amount_awarded),
        amount_paid=_first(given.amount_paid, claim.amount_paid),
    )


def _first(given: Decimal | None, stored: Decimal | None) -> Decimal | None:
    return given if given is not None else stored


def _check_next(
    session: Session,
    claim: Claim,
    status: ClaimStatus,
    given: _Given,
    new: _Next,
    r: FieldReader,
) -> None:
    last = _last_change(session, claim)
    if last is not None and given.changed_on < last:
        r.fail("changed_on", N_("This date is before the claim's last recorded change."))
    if status in (ClaimStatus.awarded, ClaimStatus.rejected) and given.decided_on is None:
        r.fail("decided_on", N_("Enter the date of the decision."))
    if status is ClaimStatus.awarded and new.amount_awarded is None:
        r.fail("amount_awarded", N_("Enter the amount awarded."))
    if status in (ClaimStatus.partially_paid, ClaimStatus.paid):
        _check_payment(claim, status, given, new, r)
    _check_order(new, r)


def _check_payment(
    claim: Claim, status: ClaimStatus, given: _Given, new: _Next, r: FieldReader
) -> None:
    """A payment status needs the total paid so far and the payment date, given with it."""
    if given.amount_paid is None or not new.amount_paid:
        r.fail("amount_paid", N_("Enter the total amount paid so far."))
    elif claim.amount_paid is not None and new.amount_paid < claim.amount_paid:
        r.fail("amount_paid", N_("The total paid cannot be less than before."))
    elif (
        status is ClaimStatus.partially_paid
        and new.amount_awarded is not None
        and new.amount_paid >= new.amount_awarded
    ):
        r.fail("amount_paid", N_("The full amount is paid: choose the status “paid”."))
    if given.paid_on is None:
        r.fail("paid_on", N_("Enter the date of the payment."))


def _check_order(new: _Next, r: FieldReader) -> None:
    """Each only when its field has no message yet: one problem at a time per field."""
    if (
        new.amount_paid is not None
        and new.amount_awarded is not None
        and new.amount_paid > new.amount_awarded
        and r.ok("amount_paid")
    ):
        r.fail("amount_paid", N_("The amount paid cannot exceed the amount awarded."))
    if new.filed_on and new.decided_on and new.decided_on < new.filed_on and r.ok("decided_on"):
        r.fail("decided_on", N_("The decision cannot come before the filing."))
    if new.decided_on and new.paid_on and new.paid_on < new.decided_on and r.ok("paid_on"):
        r.fail("paid_on", N_("The payment cannot come before the decision."))
