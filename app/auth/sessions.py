"""Server-side sign-in sessions: the cookie carries a random token, the store its hash
(database rows in the embedded default, Redis in production: :mod:`app.auth.session_store`)."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any, cast

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, UserSession
from app.auth.permissions import Permission, require
from app.auth.service import find_user_by_email, membership_in, memberships_of
from app.auth.session_store import SessionRecord, hash_token, store_of
from app.context import Actor
from app.db import HavenSession, unit_of_work
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD, USER_KEY, acting_in, bind_actor, current_tenant
from app.errors import NotFound
from app.i18n import N_
from app.validation import clean_text


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
