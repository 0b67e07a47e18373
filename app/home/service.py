"""What waits for each role today: read-only lists for the home page.

Every list is what the actor can act on, and each function checks the permission that
acting needs (the same one the linked screen checks). Clients appear by their code only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assistance.models import AssistanceRecord
from app.auth.models import Membership
from app.auth.permissions import Permission, can, require
from app.cases.models import Case, CaseAssignment
from app.cases.risks import DueReview, risks_due
from app.clients.models import Client
from app.clients.service import find_by_code
from app.consent.service import ExpiringConsent, consents_expiring
from app.context import Actor
from app.errors import NotFound, ValidationFailed
from app.key_admin.maintenance import TenantState, organisation_key_state
from app.referrals.models import Direction, Referral, ReferralStatus

#: How far ahead the home page looks for consents that end.
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class CaseLine:
    client_id: uuid.UUID
    client_code: str
    opened_on: date
    #: The day of the client's latest service, None when none was recorded yet.
    last_service_on: date | None
    #: Display names of the caseworkers assigned (the supervisor's team view).
    assigned: tuple[str, ...] = ()


@dataclass(frozen=True)
class CaseworkDay:
    cases: list[CaseLine]
    reviews_due: list[DueReview]
    referrals_waiting: int
    consents_expiring: list[ExpiringConsent]


@dataclass(frozen=True)
class TeamDay:
    #: Open cases with their assignees (everyone's, for the supervisor).
    cases: list[CaseLine]
    #: Open cases with nobody assigned: the supervisor assigns them.
    unassigned: list[CaseLine]
    reviews_due: list[DueReview]


@dataclass(frozen=True)
class AdminDay:
    members: int
    #: Members who have not chosen their own password yet (invited, never signed in).
    pending: list[Membership]
    keys: TenantState


def _open_cases(session: Session, case_ids: list[uuid.UUID] | None) -> list[tuple[Case, str]]:
    query = (
        select(Case, Client.code)
        .join(Client, (Client.tenant_id == Case.tenant_id) & (Client.id == Case.client_id))
        .where(Case.is_open, Client.erased_at.is_(None))
        .order_by(Case.opened_on, Client.code)
    )
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return [(case, code) for case, code in session.execute(query).all()]


def _last_services(session: Session, client_ids: list[uuid.UUID]) -> dict[uuid.UUID, date]:
    if not client_ids:
        return {}
    rows = session.execute(
        select(AssistanceRecord.client_id, func.max(AssistanceRecord.started_on))
        .where(AssistanceRecord.client_id.in_(client_ids))
        .group_by(AssistanceRecord.client_id)
    )
    return {client_id: last for client_id, last in rows}


def _lines(
    session: Session,
    found: list[tuple[Case, str]],
    names: dict[uuid.UUID, tuple[str, ...]] | None = None,
) -> list[CaseLine]:
    last = _last_services(session, [case.client_id for case, _ in found])
    return [
        CaseLine(
            case.client_id,
            code,
            case.opened_on,
            last.get(case.client_id),
            (names or {}).get(case.id, ()),
        )
        for case, code in found
    ]


def _my_case_ids(session: Session, ctx: Actor) -> list[uuid.UUID]:
    return list(
        session.scalars(select(CaseAssignment.case_id).where(CaseAssignment.user_id == ctx.user_id))
    )


def caseworker_day(session: Session, ctx: Actor, today: date) -> CaseworkDay:
    """My open cases, the risk reviews of my clients due today or overdue, their consents
    that end within :data:`LOOK_AHEAD_DAYS`, and how
    many referrals from other organisations wait for an answer."""
    require(ctx, Permission.casework)
    cases = _lines(session, _open_cases(session, _my_case_ids(session, ctx)))
    mine = {line.client_id for line in cases}
    due = [r for r in risks_due(session, ctx, today) if r.client_id in mine]
    waiting = session.scalar(
        select(func.count())
        .select_from(Referral)
        .where(Referral.direction == Direction.incoming, Referral.status == ReferralStatus.sent)
    )
    expiring: list[ExpiringConsent] = []
    if can(ctx, Permission.record_consent):
        expiring = [
            c for c in consents_expiring(session, ctx, LOOK_AHEAD_DAYS) if c.client_id in mine
        ]
    return CaseworkDay(cases, due, waiting or 0, expiring)


def team_day(session: Session, ctx: Actor, today: date) -> TeamDay:
    """The organisation's open cases with who works on them, the cases nobody is assigned
    to, and every risk review that is due or overdue."""
    require(ctx, Permission.assign_cases)
    found = _open_cases(session, None)
    assigned = session.execute(
        select(CaseAssignment.case_id, Membership.user_id)
        .join(
            Membership,
            (Membership.tenant_id == CaseAssignment.tenant_id)
            & (Membership.user_id == CaseAssignment.user_id),
        )
        .where(CaseAssignment.case_id.in_([case.id for case, _ in found]))
    ).all()
    people = {m.user_id: m.user.display_name for m in session.scalars(select(Membership)).unique()}
    names: dict[uuid.UUID, tuple[str, ...]] = {}
    for case_id, user_id in assigned:
        names[case_id] = tuple(sorted((*names.get(case_id, ()), people.get(user_id, "?"))))
    lines = _lines(session, found, names)
    return TeamDay(
        [line for line in lines if line.assigned],
        [line for line in lines if not line.assigned],
        risks_due(session, ctx, today),
    )


def admin_day(session: Session, ctx: Actor) -> AdminDay:
    """How many members, who was invited and has not signed in yet, and the state of the
    organisation's keys (versions and counts; nothing is unwrapped)."""
    require(ctx, Permission.manage_members)
    assert ctx.tenant_id is not None
    found = session.scalars(select(Membership).order_by(Membership.created_at)).unique()
    members = [m for m in found if m.grants]  # a deactivated member holds no role
    pending = [m for m in members if m.user.must_change_password]
    return AdminDay(len(members), pending, organisation_key_state(session, ctx.tenant_id))


def client_for_service(session: Session, ctx: Actor, code: str) -> Client:
    """The client to record a service for, by code; an unknown code is a field message
    on the form (not a 404 page), so the caseworker can correct a typo."""
    require(ctx, Permission.casework)
    try:
        return find_by_code(session, ctx, code)
    except NotFound as error:
        raise ValidationFailed({"code": [error.message]}) from error
