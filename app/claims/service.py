"""Compensation and unpaid-wage claims: filing, status changes and their history.

Amounts are in one ISO 4217 currency per claim. ``amount_paid`` is the total paid so far
(it only grows), never more than the amount awarded. Dates follow the claim's life:
filed, then decided, then paid, none of them in the future.

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
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_territory_currencies
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.cases.service import Errors, choice, open_case_id
from app.claims.models import Claim, ClaimRoute, ClaimStatus, ClaimStatusChange, DefendantType
from app.clients.service import get_client
from app.context import Actor
from app.db.base import utcnow
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.regions import COUNTRIES

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


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    """ISO 4217 codes of the currencies in use today in some country (CLDR data)."""
    found: set[str] = set()
    for country in COUNTRIES:
        found.update(get_territory_currencies(country))
    return frozenset(found)


def default_currency(country: str) -> str:
    """The currency of the organisation's country, to preselect on the claim form."""
    found = get_territory_currencies(country) if country else []
    return found[0] if found else "EUR"


@dataclass(frozen=True)
class StatusUpdate:
    """What the status form (or the API) asks to record."""

    status: str
    changed_on: date | None
    amount_awarded: Decimal | str | None = None
    amount_paid: Decimal | str | None = None
    decided_on: date | None = None
    paid_on: date | None = None


def _amount(value: Decimal | str | None, field: str, errors: Errors) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [N_("Enter an amount such as 1250.00.")]
        return None
    if not amount.is_finite() or amount < 0:
        errors[field] = [N_("Enter an amount of zero or more.")]
    elif amount > MAX_AMOUNT:
        errors[field] = [N_("This amount is too large.")]
    elif amount != amount.quantize(Decimal("0.01")):
        errors[field] = [N_("Use at most two decimal places.")]
    else:
        return amount.quantize(Decimal("0.01"))
    return None


def _past_date(value: date | None, field: str, today: date, errors: Errors) -> None:
    if value is not None and value > today:
        errors[field] = [N_("This date is in the future.")]


def file_claim(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    *,
    route: str,
    defendant_type: str,
    currency: str,
    amount_claimed: Decimal | str | None,
    filed_on: date | None,
    today: date | None = None,
) -> Claim:
    """A new claim of the client, linked to their open case if there is one. Without a
    filing date it is still being prepared."""
    client = get_client(session, ctx, client_id)
    today = today or ctx.today()
    errors: Errors = {}
    route_value = choice(ClaimRoute, route, "route", errors)
    defendant = choice(DefendantType, defendant_type, "defendant_type", errors)
    currency = (currency or "").strip().upper()
    if currency not in currencies():
        errors["currency"] = [N_("Enter a three-letter ISO 4217 currency code, e.g. EUR.")]
    claimed = _amount(amount_claimed, "amount_claimed", errors)
    _past_date(filed_on, "filed_on", today, errors)
    if errors:
        raise ValidationFailed(errors)
    case_id = open_case_id(session, client.id)
    status = ClaimStatus.filed if filed_on else ClaimStatus.preparing
    claim = Claim(
        id=uuid.uuid4(),
        tenant_id=ctx.tenant_id,
        client_id=client.id,
        case_id=case_id,
        route=route_value,
        defendant_type=defendant,
        currency=currency,
        amount_claimed=claimed,
        filed_on=filed_on,
        status=status,
    )
    session.add(claim)
    _add_history(session, ctx, claim, status, filed_on or min(today, utcnow().date()))
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
    session: Session, ctx: Actor, claim: Claim, update: StatusUpdate, today: date | None = None
) -> Claim:
    """Move the claim to a new status, with the amounts and dates that status needs, and
    add the change to its history."""
    require(ctx, Permission.casework)
    today = today or ctx.today()
    errors: Errors = {}
    status = choice(ClaimStatus, update.status, "status", errors)
    if status is not None and status not in TRANSITIONS[claim.status]:
        errors["status"] = [N_("A claim cannot move from its current status to this one.")]
    awarded = _amount(update.amount_awarded, "amount_awarded", errors)
    paid = _amount(update.amount_paid, "amount_paid", errors)
    if update.changed_on is None:
        errors["changed_on"] = [N_("Enter the date of the change.")]
    for field in ("changed_on", "decided_on", "paid_on"):
        _past_date(getattr(update, field), field, today, errors)
    if errors:
        raise ValidationFailed(errors)
    assert status is not None and update.changed_on is not None
    new = _next_values(claim, status, update, awarded, paid)
    _check_next(session, claim, status, update, new, errors)
    if errors:
        raise ValidationFailed(errors)
    claim.filed_on, claim.decided_on, claim.paid_on = new.filed_on, new.decided_on, new.paid_on
    claim.amount_awarded, claim.amount_paid = new.amount_awarded, new.amount_paid
    claim.status = status
    _add_history(session, ctx, claim, status, update.changed_on)
    session.flush()
    record_event(
        session, ctx, AuditAction.claim_status_changed, "claim", claim.id, status=status.value
    )
    return claim


@dataclass(frozen=True)
class _Next:
    filed_on: date | None
    decided_on: date | None
    paid_on: date | None
    amount_awarded: Decimal | None
    amount_paid: Decimal | None


def _next_values(
    claim: Claim,
    status: ClaimStatus,
    update: StatusUpdate,
    awarded: Decimal | None,
    paid: Decimal | None,
) -> _Next:
    """The claim's dates and amounts after the change: given values replace stored ones.
    Filing (again, after a rejection) starts a new round: the date of the change is the
    filing date and the old decision no longer stands."""
    if status is ClaimStatus.filed:
        return _Next(update.changed_on, None, None, None, None)
    return _Next(
        filed_on=claim.filed_on,
        decided_on=update.decided_on or claim.decided_on,
        paid_on=update.paid_on or claim.paid_on,
        amount_awarded=awarded if awarded is not None else claim.amount_awarded,
        amount_paid=paid if paid is not None else claim.amount_paid,
    )


def _check_next(
    session: Session,
    claim: Claim,
    status: ClaimStatus,
    update: StatusUpdate,
    new: _Next,
    errors: Errors,
) -> None:
    last = _last_change(session, claim)
    if last is not None and update.changed_on is not None and update.changed_on < last:
        errors["changed_on"] = [N_("This date is before the claim's last recorded change.")]
    if status in (ClaimStatus.awarded, ClaimStatus.rejected) and update.decided_on is None:
        errors["decided_on"] = [N_("Enter the date of the decision.")]
    if status is ClaimStatus.awarded and new.amount_awarded is None:
        errors["amount_awarded"] = [N_("Enter the amount awarded.")]
    if status in (ClaimStatus.partially_paid, ClaimStatus.paid):
        _check_payment(claim, status, update, new, errors)
    _check_order(new, errors)


def _check_payment(
    claim: Claim, status: ClaimStatus, update: StatusUpdate, new: _Next, errors: Errors
) -> None:
    """A payment status needs the total paid so far and the payment date, given with it."""
    if update.amount_paid in (None, "") or not new.amount_paid:
        errors["amount_paid"] = [N_("Enter the total amount paid so far.")]
    elif claim.amount_paid is not None and new.amount_paid < claim.amount_paid:
        errors["amount_paid"] = [N_("The total paid cannot be less than before.")]
    elif (
        status is ClaimStatus.partially_paid
        and new.amount_awarded is not None
        and new.amount_paid >= new.amount_awarded
    ):
        errors["amount_paid"] = [N_("The full amount is paid: choose the status “paid”.")]
    if update.paid_on is None:
        errors["paid_on"] = [N_("Enter the date of the payment.")]


def _check_order(new: _Next, errors: Errors) -> None:
    if (
        new.amount_paid is not None
        and new.amount_awarded is not None
        and new.amount_paid > new.amount_awarded
    ):
        errors.setdefault("amount_paid", [N_("The amount paid cannot exceed the amount awarded.")])
    if new.filed_on and new.decided_on and new.decided_on < new.filed_on:
        errors.setdefault("decided_on", [N_("The decision cannot come before the filing.")])
    if new.decided_on and new.paid_on and new.paid_on < new.decided_on:
        errors.setdefault("paid_on", [N_("The payment cannot come before the decision.")])
