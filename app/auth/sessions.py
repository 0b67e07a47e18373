"""Server-side sign-in sessions: the cookie carries a random token, the store its hash
(database rows in the embedded default, Redis in production: :mod:`app.auth.session_store`)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, UserSession
from app.auth.permissions import Permission, require
from app.auth.service import membership_in, memberships_of
from app.auth.session_store import SessionRecord, hash_token, store_of
from app.context import Actor
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD
from app.errors import NotFound
from app.i18n import N_


def open_session(
    session: Session, user_id: uuid.UUID, *, mfa_verified: bool
) -> tuple[str, SessionRecord]:
    """A new session: the token for the cookie (never stored) and the record (its hash)."""
    store = store_of(session)
    if store is not None:
        return store.open(user_id, mfa_verified=mfa_verified)
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
        if membership.tenant_id != organisation_id:
            continue
        store = store_of(session)
        if store is not None:
            store.set_organisation(record, organisation_id)
        else:
            session.execute(
                update(UserSession)
                .where(UserSession.id == record.id)
                .values(organisation_id=organisation_id),
                execution_options={SKIP_GUARD: True, "synchronize_session": False},
            )
        return replace(record, organisation_id=organisation_id), membership
    raise NotFound(N_("You are not a member of that organisation."))


def end_session(session: Session, record: SessionRecord) -> None:
    store = store_of(session)
    if store is not None:
        store.end(record)
        return
    session.execute(
        update(UserSession).where(UserSession.id == record.id).values(revoked_at=utcnow()),
        execution_options={SKIP_GUARD: True, "synchronize_session": False},
    )


def revoke_all_sessions(session: Session, user_id: uuid.UUID) -> int:
    """Sign a user out everywhere; returns how many live sessions were ended."""
    store = store_of(session)
    if store is not None:
        return store.revoke_all(user_id)
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
