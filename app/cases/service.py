"""Cases: support episodes of one client. The business rules, tenant-scoped by the session.

The rules:

- A client has at most one open case. A case opens on a day that is not in the future
  and not before the client's previous case closed; the caseworker or supervisor who opens
  it is assigned to it.
- Closing needs a reason and a date between the opening day and today. Closing also closes
  the case's open risks, so they leave the "reviews due" list. A closed case is read-only:
  a client who comes back gets a new case.
- Reflection period: a start date, and an end date (optional, as it may not be known) not
  before the start.
- NRM state: every change is an :class:`NrmEvent` dated on or after the latest recorded
  change and not in the future, so the newest event is always the case's current state;
  the history is listed newest first.
- Assignments: only supervisors assign and unassign (DOMAIN.md: supervisors "assign
  cases"), because an assignment opens the child module of a minor's case
  (:mod:`app.cases.children`). The assignee must be a member of this organisation with
  the caseworker or supervisor role; another organisation's user is "not found".

Every function starts from :func:`get_client`, so an id of another organisation (client,
case, member) is indistinguishable from a missing one (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, User
from app.auth.permissions import Permission, can, require, roles_with
from app.cases.inputs import (
    Assignee,
    CaseClosing,
    CaseOpening,
    NrmChange,
    PermitTrackChoice,
    ReflectionPeriod,
)
from app.cases.models import (
    Case,
    CaseAssignment,
    CloseReason,
    NrmEvent,
    NrmState,
    PermitTrack,
    Risk,
)
from app.clients.models import Client
from app.clients.service import get_client
from app.context import Actor, Role
from app.db.base import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import N_
from app.validation import FieldReader


@dataclass(frozen=True)
class Member:
    """A member of staff as the case tab shows them: a name, never client data."""

    user_id: uuid.UUID
    display_name: str


def get_case(session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """One case of the client, in the actor's organisation; anything else is not found."""
    client = get_client(session, ctx, client_id)
    case = session.get(Case, (ctx.tenant_id, case_id))
    if case is None or case.client_id != client.id:
        raise NotFound(N_("No such case."))
    return case


def changeable_case(session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """A case that may still change: an open one."""
    case = get_case(session, ctx, client_id, case_id)
    if not case.is_open:
        raise Conflict(N_("This case is closed. Open a new case to record more."))
    return case


#: A client's cases newest first; should several be open, the first of them is the open one.
NEWEST_FIRST = (Case.opened_on.desc(), Case.created_at.desc())


def cases_of(session: Session, ctx: Actor, client_id: uuid.UUID) -> list[Case]:
    """The client's cases, newest first."""
    client = get_client(session, ctx, client_id)
    return list(
        session.scalars(select(Case).where(Case.client_id == client.id).order_by(*NEWEST_FIRST))
    )


def current_case(cases: list[Case]) -> Case | None:
    """The open case among ``cases`` (as :func:`cases_of` lists them), if any."""
    return next((case for case in cases if case.is_open), None)


#: The open case of the Client row it is correlated to: the one query of "the open case"
#: (claims and services are linked to it).
_OPEN_CASE_ID = (
    select(Case.id)
    .where(Case.tenant_id == Client.tenant_id, Case.client_id == Client.id, Case.is_open)
    .order_by(*NEWEST_FIRST)
    .limit(1)
    .correlate(Client)
    .scalar_subquery()
)
_OPEN_CASE_IDS = select(Client.id, _OPEN_CASE_ID).where(
    Client.id.in_(bindparam("client_ids", expanding=True))
)
_CLIENT_AND_OPEN_CASE = select(Client, _OPEN_CASE_ID).where(Client.id == bindparam("client_id"))


def open_case_ids(
    session: Session, client_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The open case of each of the clients that has one (of the session's organisation)."""
    rows = session.execute(_OPEN_CASE_IDS, {"client_ids": list(client_ids)})
    return {client_id: case_id for client_id, case_id in rows if case_id is not None}


def open_case_id(session: Session, client_id: uuid.UUID) -> uuid.UUID | None:
    """The client's open case, if any."""
    return open_case_ids(session, [client_id]).get(client_id)


def client_and_open_case(
    session: Session, ctx: Actor, client_id: uuid.UUID
) -> tuple[Client, uuid.UUID | None]:
    """The client (as ``get_client``) and its open case in one statement: recording a
    service is the form caseworkers submit most, and a round trip is a tenth of it."""
    require(ctx, Permission.casework)
    found = session.execute(_CLIENT_AND_OPEN_CASE, {"client_id": client_id}).first()
    if found is None:
        raise NotFound(N_("No such client."))
    return found[0], found[1]


def open_case(session: Session, ctx: Actor, client_id: uuid.UUID, opening: CaseOpening) -> Case:
    """Open a support episode; the opener is assigned to it."""
    client = get_client(session, ctx, client_id)
    _lock(session, client)
    earlier = cases_of(session, ctx, client.id)
    if current_case(earlier) is not None:
        raise Conflict(N_("This client already has an open case."))
    r = FieldReader.of(opening, today=ctx.today())
    track = r.choice("permit_track", PermitTrack)
    day = r.past_day("opened_on", required=True)
    last_closed = max((c.closed_on for c in earlier if c.closed_on is not None), default=None)
    if day is not None and last_closed is not None and day < last_closed:
        r.fail("opened_on", N_("A new case cannot open before the previous case closed."))
    r.raise_if_failed()
    assert day is not None and track is not None
    case = Case(id=uuid.uuid4(), client_id=client.id, opened_on=day, permit_track=track)
    session.add(case)
    session.flush()
    if ctx.user_id is not None and can(ctx, Permission.casework):
        session.add(CaseAssignment(case_id=case.id, user_id=ctx.user_id))
    record_event(session, ctx, AuditAction.case_opened, "case", case.id, client=str(client.id))
    return case


def _lock(session: Session, client: Client) -> None:
    # Two caseworkers opening a case for the same client at once: the second waits for the
    # first to commit (PostgreSQL), then sees its case. SQLite serialises writers anyway.
    session.execute(select(Client.id).where(Client.id == client.id).with_for_update())


def close_case(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID, closing: CaseClosing
) -> Case:
    case = changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(closing, today=ctx.today())
    why = r.choice("reason", CloseReason)
    day = r.past_day("closed_on", required=True)
    if day is not None and day < case.opened_on:
        r.fail("closed_on", N_("A case cannot close before the day it opened."))
    r.raise_if_failed()
    case.closed_on, case.close_reason = day, why
    closed_risks = _close_open_risks(session, case)
    session.flush()
    record_event(
        session,
        ctx,
        AuditAction.case_closed,
        "case",
        case.id,
        reason=str(why),
        risks_closed=closed_risks,
    )
    return case


def _close_open_risks(session: Session, case: Case) -> int:
    risks = session.scalars(
        select(Risk).where(Risk.case_id == case.id, Risk.closed_at.is_(None))
    ).all()
    now = utcnow()
    for risk in risks:
        risk.closed_at = now
    return len(risks)


def set_reflection_period(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    case_id: uuid.UUID,
    period: ReflectionPeriod,
) -> Case:
    case = changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(period, today=ctx.today())
    start = r.day("reflection_start", required=True)
    end = r.day("reflection_end")
    if start is not None and end is not None and end < start:
        r.fail("reflection_end", N_("The end cannot be before the start."))
    r.raise_if_failed()
    case.reflection_start, case.reflection_end = start, end
    session.flush()
    record_event(session, ctx, AuditAction.case_reflection_period_set, "case", case.id)
    return case


def set_permit_track(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    case_id: uuid.UUID,
    choice: PermitTrackChoice,
) -> Case:
    case = changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(choice)
    track = r.choice("permit_track", PermitTrack)
    r.raise_if_failed()
    assert track is not None
    case.permit_track = track
    session.flush()
    record_event(session, ctx, AuditAction.case_permit_track_set, "case", case.id, track=str(track))
    return case


def record_nrm_state(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID, change: NrmChange
) -> NrmEvent:
    """A change of the case's NRM referral state, kept in its history."""
    case = changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(change, today=ctx.today())
    state = r.choice("nrm_state", NrmState)
    if state is not None and state == case.nrm_state:
        r.fail("nrm_state", N_("The case is already in this state."))
    day = r.past_day("changed_on", required=True)
    history = nrm_history(session, case)
    if day is not None and history and day < history[0].changed_on:
        r.fail("changed_on", N_("This is before the latest recorded change."))
    r.raise_if_failed()
    assert state is not None and day is not None
    event = NrmEvent(
        id=uuid.uuid4(), case_id=case.id, state=state, changed_on=day, recorded_by=ctx.user_id
    )
    session.add(event)
    case.nrm_state = state
    session.flush()
    record_event(
        session, ctx, AuditAction.case_nrm_state_recorded, "case", case.id, state=str(state)
    )
    return event


def nrm_history(session: Session, case: Case) -> list[NrmEvent]:
    """The case's NRM state changes, newest first (``case`` was loaded by get_case)."""
    return list(
        session.scalars(
            select(NrmEvent)
            .where(NrmEvent.case_id == case.id)
            .order_by(NrmEvent.changed_on.desc(), NrmEvent.recorded_at.desc())
        )
    )


def assigned_members(session: Session, case: Case) -> list[Member]:
    """Staff assigned to the case (``case`` was loaded by get_case), by name."""
    rows = session.execute(
        select(User.id, User.display_name)
        .join(CaseAssignment, CaseAssignment.user_id == User.id)
        .where(CaseAssignment.case_id == case.id)
        .order_by(User.display_name)
    )
    return [Member(row.id, row.display_name) for row in rows]


@dataclass(frozen=True)
class TeamMember:
    """A member of staff on a case team with their roles here, as the API lists them."""

    user_id: uuid.UUID
    display_name: str
    roles: frozenset[Role]


def case_team(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID
) -> list[TeamMember]:
    """The staff assigned to a case (open or closed), by name, with their roles."""
    case = get_case(session, ctx, client_id, case_id)
    memberships = session.scalars(
        select(Membership)
        .join(CaseAssignment, CaseAssignment.user_id == Membership.user_id)
        .join(User, User.id == Membership.user_id)
        .where(CaseAssignment.case_id == case.id)
        .order_by(User.display_name)
    ).unique()
    return [TeamMember(m.user_id, m.user.display_name, m.roles) for m in memberships]


def assignable_members(session: Session, ctx: Actor) -> list[Member]:
    """Members of the actor's organisation who may be assigned to a case, by name."""
    memberships = session.scalars(select(Membership)).unique().all()
    eligible = [m for m in memberships if m.roles & roles_with(Permission.casework)]
    return sorted(
        (Member(m.user_id, m.user.display_name) for m in eligible), key=lambda m: m.display_name
    )


def is_assigned(session: Session, case: Case, user_id: uuid.UUID | None) -> bool:
    if user_id is None:
        return False
    return session.get(CaseAssignment, (case.tenant_id, case.id, user_id)) is not None


def assign_caseworker(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID, assignee: Assignee
) -> CaseAssignment:
    """Assign a caseworker or supervisor of this organisation (again: no change)."""
    case = changeable_case(session, ctx, client_id, case_id)
    require(ctx, Permission.assign_cases)
    member = _member(session, ctx, assignee)
    if not member.roles & roles_with(Permission.casework):
        raise ValidationFailed(
            {"user_id": [N_("Only caseworkers and supervisors can be assigned to a case.")]}
        )
    existing = session.get(CaseAssignment, (ctx.tenant_id, case.id, member.user_id))
    if existing is not None:
        return existing
    assignment = CaseAssignment(case_id=case.id, user_id=member.user_id)
    session.add(assignment)
    session.flush()
    record_event(session, ctx, AuditAction.case_assigned, "case", case.id, user=str(member.user_id))
    return assignment


def unassign(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    case_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    case = changeable_case(session, ctx, client_id, case_id)
    require(ctx, Permission.assign_cases)
    assignment = session.get(CaseAssignment, (ctx.tenant_id, case.id, user_id))
    if assignment is None:
        raise NotFound(N_("This person is not assigned to the case."))
    session.delete(assignment)
    session.flush()
    record_event(session, ctx, AuditAction.case_unassigned, "case", case.id, user=str(user_id))


def _member(session: Session, ctx: Actor, assignee: Assignee) -> Membership:
    r = FieldReader.of(assignee)
    wanted = r.ref("user_id", required=True)
    r.raise_if_failed()
    membership = session.get(Membership, (ctx.tenant_id, wanted))
    if membership is None:
        raise NotFound(N_("No such member."))
    return membership
