"""Server-side sign-in sessions: the cookie carries a random token, the database its hash."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, UserSession
from app.auth.permissions import Permission, require
from app.auth.service import find_user_by_email, membership_in, memberships_of
from app.context import Actor
from app.db import HavenSession, unit_of_work
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD, USER_KEY, acting_in, bind_actor, current_tenant
from app.errors import NotFound
from app.i18n import N_
from app.tenants.models import Organisation
from app.validation import clean_text

#: last_seen_at is written at most this often, so reading a page is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def open_session(
    session: Session, user_id: uuid.UUID, *, mfa_verified: bool
) -> tuple[str, UserSession]:
    """A new session: the token for the cookie (never stored) and the row (its hash)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(token_hash=_hash(token), user_id=user_id, mfa_verified=mfa_verified)
    session.add(row)
    session.flush()
    return token, row


@dataclass(frozen=True)
class SessionOrganisation:
    """The organisation a session acts in, as the page header and the locale need it."""

    id: uuid.UUID
    name: str
    default_locale: str
    #: ISO 3166-1 alpha-2: the organisation's calendar and jurisdiction.
    country: str


def find_session_and_organisation(
    session: Session, token: str
) -> tuple[UserSession, SessionOrganisation | None] | None:
    """The session (its user joined) and the organisation it acts in, in one statement:
    what every signed-in request needs before its first page query.

    Only platform tables (sessions, users, organisations) are read, so the tenant guard
    has nothing to filter and is skipped: it costs more than the lookup on every request.
    """
    found = session.execute(
        _SESSION_AND_ORGANISATION,
        {"token_hash": _hash(token)},
        execution_options={SKIP_GUARD: True},
    ).first()
    if found is None:
        return None
    user_session, org_id, name, locale, country = found
    org = SessionOrganisation(org_id, name, locale, country) if org_id is not None else None
    return user_session, org


#: Built once: constructing the statement cost as much as a third of executing it.
_SESSION_AND_ORGANISATION = (
    select(
        UserSession,
        Organisation.id,
        Organisation.name,
        Organisation.default_locale,
        Organisation.country,
    )
    .outerjoin(Organisation, Organisation.id == UserSession.organisation_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def touch(user_session: UserSession, now: datetime) -> None:
    last = user_session.last_seen_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    if now - last >= TOUCH_EVERY:
        user_session.last_seen_at = now


def choose_organisation(
    session: Session, user_session: UserSession, organisation_id: uuid.UUID
) -> Membership:
    """Switch the session to one of the user's organisations; any other id is not found."""
    for membership in memberships_of(session, user_session.user_id):
        if membership.tenant_id == organisation_id:
            user_session.organisation_id = organisation_id
            session.flush()
            return membership
    raise NotFound(N_("You are not a member of that organisation."))


def end_session(session: Session, user_session: UserSession) -> None:
    user_session.revoked_at = utcnow()
    session.flush()


def revoke_all_sessions(session: Session, user_id: uuid.UUID) -> int:
    """Sign a user out everywhere; returns how many live sessions were ended."""
    result = session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def revoke_member_sessions(session: Session, ctx: Actor, user_id: uuid.UUID) -> int:
    """An admin ends every session of a member of their organisation (lost laptop, leaver)."""
    require(ctx, Permission.manage_members)
    membership_in(session, ctx, user_id)
    count = revoke_all_sessions(session, user_id)
    record_event(session, ctx, AuditAction.member_sessions_revoked, "user", user_id, count=count)
    return count


def revoke_everywhere(session: Session, user_id: uuid.UUID, *, by: uuid.UUID | None) -> int:
    """Sign a user out everywhere (themselves: ``by`` is their id; an operator: None), and
    say so in the log of each organisation they belong to."""
    count = revoke_all_sessions(session, user_id)
    record_in_each_organisation(
        session, user_id, AuditAction.member_sessions_revoked, by=by, count=count
    )
    return count


def record_sign_in(session: Session, user_id: uuid.UUID, *, second_factor: bool) -> None:
    record_in_each_organisation(
        session, user_id, AuditAction.signed_in, by=user_id, second_factor=second_factor
    )


def record_failed_sign_in(
    factory: sessionmaker[HavenSession], email: str | None, user_id: uuid.UUID | None, step: str
) -> None:
    """A refused password or code, in its own transaction: the request's own is rolled back
    with the refusal. Only for an existing account (found by ``email`` or ``user_id``); the
    actor is the system, since nobody proved who they are."""
    with unit_of_work(factory) as session:
        clean = clean_text(email) if email else None
        user = find_user_by_email(session, clean) if clean else None
        target = user.id if user is not None else user_id
        if target is None:
            return
        record_in_each_organisation(session, target, AuditAction.sign_in_failed, by=None, step=step)


def record_in_each_organisation(
    session: Session,
    user_id: uuid.UUID,
    action: AuditAction,
    *,
    by: uuid.UUID | None,
    **details: str | int | bool,
) -> None:
    """``action`` about the user in every organisation they belong to, acted by ``by`` (with
    their roles there) or by the system (None)."""
    previous = (current_tenant(session), session.info.get(USER_KEY))
    # The memberships policy admits the rows of the session's user: be that user to read.
    bind_actor(session, previous[0], user_id)
    try:
        memberships = memberships_of(session, user_id)
    finally:
        bind_actor(session, *previous)
    for membership in memberships:
        org = membership.tenant_id
        roles = frozenset(membership.roles) if by == user_id else frozenset()
        ctx = Actor(by, org, roles) if by is not None else Actor.system(org)
        with acting_in(session, org):
            # Any: details are codes, counts and flags, never the decision's references.
            record_event(session, ctx, action, "user", user_id, **cast(dict[str, Any], details))
            session.flush()  # inside the organisation: its row-level security admits it
