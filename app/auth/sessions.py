"""Server-side sign-in sessions: the cookie carries a random token, the database its hash."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, UserSession
from app.auth.permissions import Permission, require
from app.auth.service import membership_in, memberships_of
from app.context import Actor
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD
from app.errors import NotFound
from app.i18n import N_

#: last_seen_at is written at most this often, so reading a page is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class SessionRecord:
    """A server-side session as a request needs it: a snapshot, never an ORM object, so
    that reading it costs no ORM machinery and it looks the same whichever store holds it."""

    id: uuid.UUID
    user_id: uuid.UUID
    #: Organisation picked for this session; None until the user picks one.
    organisation_id: uuid.UUID | None
    mfa_verified: bool
    created_at: datetime


def open_session(
    session: Session, user_id: uuid.UUID, *, mfa_verified: bool
) -> tuple[str, SessionRecord]:
    """A new session: the token for the cookie (never stored) and the record (its hash)."""
    token = secrets.token_urlsafe(32)
    row = UserSession(token_hash=hash_token(token), user_id=user_id, mfa_verified=mfa_verified)
    session.add(row)
    session.flush()
    return token, SessionRecord(row.id, user_id, None, mfa_verified, row.created_at)


@dataclass(frozen=True)
class SessionOrganisation:
    """The organisation a session acts in, as the page header and the locale need it."""

    id: uuid.UUID
    name: str
    default_locale: str
    #: ISO 3166-1 alpha-2: the organisation's calendar and jurisdiction.
    country: str


def choose_organisation(
    session: Session, record: SessionRecord, organisation_id: uuid.UUID
) -> tuple[SessionRecord, Membership]:
    """Switch the session to one of the user's organisations; any other id is not found."""
    for membership in memberships_of(session, record.user_id):
        if membership.tenant_id == organisation_id:
            session.execute(
                update(UserSession)
                .where(UserSession.id == record.id)
                .values(organisation_id=organisation_id),
                execution_options={SKIP_GUARD: True, "synchronize_session": False},
            )
            return replace(record, organisation_id=organisation_id), membership
    raise NotFound(N_("You are not a member of that organisation."))


def end_session(session: Session, record: SessionRecord) -> None:
    session.execute(
        update(UserSession).where(UserSession.id == record.id).values(revoked_at=utcnow()),
        execution_options={SKIP_GUARD: True, "synchronize_session": False},
    )


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
