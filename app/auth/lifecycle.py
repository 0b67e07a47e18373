"""Staff who come and go: an organisation admin deactivates a member, reactivates them,
and resets their password or second factor.

A deactivated member is a membership with no role: it stays (with the audit trail, the
case assignments and everything the person recorded), but gives no access, so the person
cannot switch into the organisation and no page or API call of it answers them. Their
sessions and the API tokens they created end in the same transaction.

A reset issues a one-time password (shown once to the admin) and ends the person's
sessions. XXX: an account is global, so an admin of one organisation may reset only a
person who belongs to no other organisation (and is no platform admin): otherwise an
admin could take over an account that opens other organisations' clients.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth import service
from app.auth.models import ApiToken, Membership, RoleGrant
from app.auth.permissions import Permission, require
from app.auth.sessions import revoke_all_sessions
from app.context import Actor, Role
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD, USER_KEY, bind_actor
from app.errors import Conflict, ValidationFailed
from app.i18n import N_

OWN_ACCOUNT = N_("You cannot deactivate or reset your own account here.")
ELSEWHERE = N_(
    "This person also belongs to another organisation: only the platform admin can reset "
    "their account."
)


def is_active(membership: Membership) -> bool:
    """A member with at least one role; deactivation removes them all."""
    return bool(membership.grants)


def _other_member(session: Session, ctx: Actor, user_id: uuid.UUID) -> Membership:
    require(ctx, Permission.manage_members)
    membership = service.membership_in(session, ctx, user_id)
    if user_id == ctx.user_id:
        raise Conflict(OWN_ACCOUNT)
    return membership


def deactivate_member(session: Session, ctx: Actor, user_id: uuid.UUID) -> Membership:
    """No more access to this organisation, at once: roles removed, every session and
    the API tokens the person created ended. What they recorded stays."""
    membership = _other_member(session, ctx, user_id)
    membership.grants = []
    sessions = revoke_all_sessions(session, user_id)
    tokens = session.execute(
        update(ApiToken)
        .where(ApiToken.created_by == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")
    ).rowcount  # type: ignore[attr-defined]
    session.flush()
    record_event(
        session,
        ctx,
        AuditAction.member_deactivated,
        "user",
        user_id,
        sessions=sessions,
        tokens=int(tokens),
    )
    return membership


def reactivate_member(
    session: Session, ctx: Actor, user_id: uuid.UUID, roles: frozenset[Role]
) -> Membership:
    """Give a deactivated member their access back, with the roles chosen now."""
    membership = _other_member(session, ctx, user_id)
    if is_active(membership):
        raise Conflict(N_("This member is active."))
    if not roles:
        raise ValidationFailed({"roles": [N_("Choose at least one role.")]})
    membership.grants = [RoleGrant(tenant_id=ctx.tenant_id, role=role) for role in roles]
    session.flush()
    record_event(session, ctx, AuditAction.member_reactivated, "user", user_id, roles=sorted(roles))
    return membership


def _organisations_of_member(session: Session, ctx: Actor, user_id: uuid.UUID) -> int:
    """How many organisations the person belongs to. Row-level security shows a session
    its own tenant's memberships and the signed-in user's: the count is taken with the
    member's id bound for this one statement, then the admin's binding comes back."""
    previous = session.info.get(USER_KEY)
    bind_actor(session, ctx.tenant_id, user_id)
    try:
        found = session.scalar(
            select(func.count()).select_from(Membership).where(Membership.user_id == user_id),
            execution_options={SKIP_GUARD: True},
        )
    finally:
        bind_actor(session, ctx.tenant_id, previous)
    return int(found or 0)


def _resettable(session: Session, ctx: Actor, user_id: uuid.UUID) -> Membership:
    membership = _other_member(session, ctx, user_id)
    if membership.user.is_platform_admin or _organisations_of_member(session, ctx, user_id) > 1:
        raise Conflict(ELSEWHERE)
    return membership


def reset_member_password(session: Session, ctx: Actor, user_id: uuid.UUID) -> str:
    """A one-time password for a member who lost theirs; their sessions end."""
    membership = _resettable(session, ctx, user_id)
    one_time = service.reset_password(session, membership.user)
    revoke_all_sessions(session, user_id)
    record_event(session, ctx, AuditAction.member_password_reset, "user", user_id)
    return one_time


def reset_member_second_factor(session: Session, ctx: Actor, user_id: uuid.UUID) -> str:
    """A lost phone: the authenticator is forgotten and a one-time password issued, so
    whoever signs in next with it enrols a new one (the old password alone is not
    enough to enrol); their sessions end."""
    membership = _resettable(session, ctx, user_id)
    user = membership.user
    user.totp_secret_sealed = None
    user.totp_enrolled_at = None
    user.totp_last_step = None
    one_time = service.reset_password(session, user)
    revoke_all_sessions(session, user_id)
    record_event(session, ctx, AuditAction.member_second_factor_reset, "user", user_id)
    return one_time
