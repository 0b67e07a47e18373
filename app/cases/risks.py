"""The risk register of a case: retaliation, re-trafficking, return risk, self-harm.

Each risk has a level and a review date; a review sets a new level and a new date, and
closing ends it (closing the case closes its risks too). A review date is set no earlier
than today, where "today" is the earliest calendar day anywhere on Earth (UTC-12), so a
caseworker west of the server is never refused their own today. A risk is *due* on its
review date and *overdue* the day after.

XXX: risk notes name people and places (who threatens the client, where). They are sealed
under the client's key, bound to the risk row, and only :func:`reveal_risk_notes` opens
them, after the role check of :func:`get_client`, writing a ``case.revealed`` audit event.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.cases.inputs import RiskInput, RiskReview
from app.cases.models import Case, Risk, RiskKind, RiskLevel
from app.cases.service import changeable_case
from app.clients.models import Client
from app.clients.service import ClientErased, get_client, open_for_reveal
from app.context import Actor
from app.db.base import utcnow
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.keys.service import binding, seal_for_client
from app.validation import FieldReader

log = logging.getLogger("haven.cases")

ERASED = N_("This client was erased: their notes no longer exist.")


@dataclass(frozen=True)
class DueReview:
    """One line of the "reviews due" list: the pseudonym and the risk's coarse facts."""

    client_id: uuid.UUID
    client_code: str
    risk_id: uuid.UUID
    kind: RiskKind
    level: RiskLevel
    review_on: date
    overdue: bool


def earliest_day() -> date:
    """The earliest date that is today somewhere (UTC-12)."""
    return (utcnow() - timedelta(hours=12)).date()


def is_overdue(risk: Risk, today: date) -> bool:
    return risk.closed_at is None and risk.review_on < today


def get_risk(session: Session, ctx: Actor, client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    """One risk of one of the client's cases; anything else is not found."""
    client = get_client(session, ctx, client_id)
    risk = session.get(Risk, (ctx.tenant_id, risk_id))
    case = session.get(Case, (ctx.tenant_id, risk.case_id)) if risk is not None else None
    if risk is None or case is None or case.client_id != client.id:
        raise NotFound(N_("No such risk."))
    return risk


def risks_of(session: Session, ctx: Actor, client_id: uuid.UUID) -> list[Risk]:
    """The risks of all the client's cases: open ones first, soonest review first."""
    client = get_client(session, ctx, client_id)
    return list(
        session.scalars(
            select(Risk)
            .join(Case, (Case.tenant_id == Risk.tenant_id) & (Case.id == Risk.case_id))
            .where(Case.client_id == client.id)
            .order_by(Risk.closed_at.is_not(None), Risk.review_on, Risk.recorded_at)
        )
    )


def _review_day(r: FieldReader) -> date | None:
    day = r.day("review_on", required=True)
    if day is not None and day < earliest_day():
        r.fail("review_on", N_("The next review cannot be in the past."))
        return None
    return day


def add_risk(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID, risk: RiskInput
) -> Risk:
    """A new risk on an open case; its notes (optional) are sealed."""
    case = changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(risk)
    kind, level = r.choice("kind", RiskKind), r.choice("level", RiskLevel)
    review_on = _review_day(r)
    notes = r.notes("notes")
    r.raise_if_failed()
    assert kind is not None and level is not None and review_on is not None
    row = Risk(
        id=uuid.uuid4(),
        case_id=case.id,
        kind=kind,
        level=level,
        review_on=review_on,
        recorded_by=ctx.user_id,
    )
    if notes:
        row.sealed_notes = _sealed_notes(session, ctx, case, row.id, notes)
    session.add(row)
    session.flush()
    record_event(
        session, ctx, AuditAction.risk_added, "risk", row.id, kind=str(kind), level=str(level)
    )
    return row


def _sealed_notes(
    session: Session, ctx: Actor, case: Case, risk_id: uuid.UUID, notes: str
) -> bytes:
    if get_client(session, ctx, case.client_id).erased_at is not None:
        raise ClientErased(ERASED)
    where = binding(session, "risks", "notes", risk_id)
    return seal_for_client(session, case.client_id, where, notes)


def _open_risk(session: Session, ctx: Actor, client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    risk = get_risk(session, ctx, client_id, risk_id)
    if risk.closed_at is not None:
        raise Conflict(N_("This risk is closed."))
    return risk


def review_risk(
    session: Session, ctx: Actor, client_id: uuid.UUID, risk_id: uuid.UUID, review: RiskReview
) -> Risk:
    """Record a review: the level found and the day of the next review."""
    risk = _open_risk(session, ctx, client_id, risk_id)
    r = FieldReader.of(review)
    level = r.choice("level", RiskLevel)
    review_on = _review_day(r)
    r.raise_if_failed()
    assert level is not None and review_on is not None
    risk.level, risk.review_on = level, review_on
    session.flush()
    record_event(session, ctx, AuditAction.risk_reviewed, "risk", risk.id, level=str(level))
    return risk


def close_risk(session: Session, ctx: Actor, client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    risk = _open_risk(session, ctx, client_id, risk_id)
    risk.closed_at = utcnow()
    session.flush()
    record_event(session, ctx, AuditAction.risk_closed, "risk", risk.id)
    return risk


def reveal_risk_notes(
    session: Session, ctx: Actor, client_id: uuid.UUID, risk_id: uuid.UUID
) -> str | None:
    """The plaintext notes of one risk, audited as ``case.revealed``; None if there are none."""
    risk = get_risk(session, ctx, client_id, risk_id)
    # Erased first: erasure also clears the notes, and "erased" is the answer then.
    if get_client(session, ctx, client_id).erased_at is not None:
        raise ClientErased(ERASED)
    if risk.sealed_notes is None:
        return None
    where = binding(session, "risks", "notes", risk.id)
    text = open_for_reveal(session, client_id, risk.sealed_notes, where, ERASED)
    record_event(session, ctx, AuditAction.case_revealed, "risk", risk.id, field="notes")
    return text


def risks_due(session: Session, ctx: Actor, on_date: date) -> list[DueReview]:
    """Open risks of the organisation whose review date is on or before ``on_date``,
    soonest first; a risk is overdue when its review date is before ``on_date``."""
    require(ctx, Permission.casework)
    rows = session.execute(
        select(Risk.id, Risk.kind, Risk.level, Risk.review_on, Client.id, Client.code)
        .join(Case, (Case.tenant_id == Risk.tenant_id) & (Case.id == Risk.case_id))
        .join(Client, (Client.tenant_id == Case.tenant_id) & (Client.id == Case.client_id))
        .where(Risk.closed_at.is_(None), Risk.review_on <= on_date)
        .order_by(Risk.review_on, Client.code)
    ).all()
    return [
        DueReview(client_id, code, risk_id, kind, level, review_on, review_on < on_date)
        for risk_id, kind, level, review_on, client_id, code in rows
    ]
