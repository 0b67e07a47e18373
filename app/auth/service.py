"""Accounts, memberships and roles: the business rules, as functions named by intent."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth import password_policy, passwords, totp
from app.auth.models import ROLES_REQUIRING_TOTP, Membership, RoleGrant, User
from app.auth.permissions import Permission, require
from app.context import Actor, Role
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD
from app.errors import AuthenticationFailed, NotFound, ValidationFailed
from app.i18n import N_
from app.keys import service as keys
from app.tenants.models import Organisation

log = logging.getLogger("haven.security")


def normalise_email(raw: str) -> str:
    return raw.strip().casefold()


def _validate_email(email: str) -> None:
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or " " in email:
        raise ValidationFailed({"email": [N_("Enter a valid e-mail address.")]})


def parse_roles(raw: list[str]) -> frozenset[Role]:
    try:
        return frozenset(Role(value) for value in raw)
    except ValueError:
        raise ValidationFailed({"roles": [N_("Unknown role.")]}) from None


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User:
    """The user whose password this is; the same error whether the account exists or not."""
    user = find_user_by_email(session, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled_at is not None:
        log.warning("sign-in refused: %s", f"user {user.id}" if user else "no such account")
        raise AuthenticationFailed(N_("Wrong e-mail address or password."))
    return user


def create_user(
    session: Session, email: str, display_name: str, *, is_platform_admin: bool = False
) -> tuple[User, str]:
    """A new account with a one-time password that must be changed at first sign-in."""
    email = normalise_email(email)
    _validate_email(email)
    display_name = display_name.strip()
    if not display_name or len(display_name) > 120:
        raise ValidationFailed({"display_name": [N_("Enter a name of at most 120 characters.")]})
    if find_user_by_email(session, email) is not None:
        raise ValidationFailed({"email": [N_("An account with this e-mail address exists.")]})
    one_time = passwords.one_time_password()
    user = User(
        email=email,
        display_name=display_name,
        password_hash=passwords.hash_password(one_time),
        must_change_password=True,
        is_platform_admin=is_platform_admin,
    )
    session.add(user)
    session.flush()
    return user, one_time


def reset_password(session: Session, user: User) -> str:
    """A new one-time password (lost password, leaver returning); shown once, then hashed."""
    one_time = passwords.one_time_password()
    user.password_hash = passwords.hash_password(one_time)
    user.must_change_password = True
    session.flush()
    return one_time


def change_password(session: Session, user: User, current: str, new: str) -> None:
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed({"current_password": [N_("The current password is wrong.")]})
    weak = password_policy.problems(new, (user.email, user.display_name))
    if weak:
        raise ValidationFailed({"new_password": weak})
    if new == current:
        raise ValidationFailed({"new_password": [N_("Choose a password you have not used here.")]})
    user.password_hash = passwords.hash_password(new)
    user.must_change_password = False
    session.flush()


def memberships_of(session: Session, user_id: uuid.UUID) -> list[Membership]:
    """Every organisation the user belongs to, for the switcher.

    XXX: the one cross-tenant read in auth. It is limited to the user's own rows here, and
    on PostgreSQL the memberships policy admits exactly the rows whose user_id is the
    session's signed-in user.
    """
    stmt = select(Membership).where(Membership.user_id == user_id)
    return list(session.scalars(stmt, execution_options={SKIP_GUARD: True}).unique())


def organisations_of(session: Session, user_id: uuid.UUID) -> list[Organisation]:
    """The organisations the user belongs to, by name, in one query (the switcher)."""
    found = session.scalars(
        _ORGANISATIONS_OF, {"user_id": user_id}, execution_options={SKIP_GUARD: True}
    )
    return list(found)


#: Built once: every page header needs it.
_ORGANISATIONS_OF = (
    select(Organisation)
    .where(
        Organisation.id.in_(
            select(Membership.tenant_id).where(Membership.user_id == bindparam("user_id"))
        )
    )
    .order_by(Organisation.name)
)


def requires_totp(session: Session, user: User) -> bool:
    if user.is_platform_admin:
        return True
    return any(m.roles & ROLES_REQUIRING_TOTP for m in memberships_of(session, user.id))


def membership_in(session: Session, ctx: Actor, user_id: uuid.UUID) -> Membership:
    """A member of the actor's organisation; another tenant's member is simply not found."""
    membership = session.get(Membership, (ctx.tenant_id, user_id))
    if membership is None:
        raise NotFound(N_("No such member in this organisation."))
    return membership


def add_member(session: Session, ctx: Actor, user: User, roles: frozenset[Role]) -> Membership:
    require(ctx, Permission.manage_members)
    if not roles:
        raise ValidationFailed({"roles": [N_("Choose at least one role.")]})
    if session.get(Membership, (ctx.tenant_id, user.id)) is not None:
        raise ValidationFailed({"email": [N_("This person is already a member.")]})
    membership = Membership(tenant_id=ctx.tenant_id, user_id=user.id)
    membership.grants = [RoleGrant(tenant_id=ctx.tenant_id, role=role) for role in roles]
    session.add(membership)
    session.flush()
    record_event(session, ctx, AuditAction.member_added, "user", user.id, roles=sorted(roles))
    return membership


def invite_member(
    session: Session, ctx: Actor, email: str, display_name: str, roles: frozenset[Role]
) -> tuple[Membership, str | None]:
    """Add a person to the organisation, creating the account if it is new.

    Returns the one-time password for a new account (shown once, never stored in clear),
    or None when the person already has an account from another organisation.
    """
    require(ctx, Permission.manage_members)
    if not roles:
        raise ValidationFailed({"roles": [N_("Choose at least one role.")]})
    user = find_user_by_email(session, email)
    one_time = None
    if user is None:
        user, one_time = create_user(session, email, display_name)
    return add_member(session, ctx, user, roles), one_time


def assign_roles(
    session: Session, ctx: Actor, user_id: uuid.UUID, roles: frozenset[Role]
) -> Membership:
    require(ctx, Permission.manage_members)
    membership = membership_in(session, ctx, user_id)
    if not roles:
        raise ValidationFailed({"roles": [N_("Choose at least one role.")]})
    if user_id == ctx.user_id and Role.org_admin not in roles:
        # Locking oneself out leaves an organisation without an admin to undo it.
        raise ValidationFailed({"roles": [N_("You cannot remove your own admin role.")]})
    keep = [g for g in membership.grants if g.role in roles]
    new = [RoleGrant(tenant_id=ctx.tenant_id, role=r) for r in roles - membership.roles]
    membership.grants = keep + new
    session.flush()
    record_event(
        session, ctx, AuditAction.member_roles_assigned, "user", user_id, roles=sorted(roles)
    )
    return membership


def enrol_totp(session: Session, user: User, secret: str, code: str) -> None:
    """Confirm enrolment: the code proves the authenticator app holds the secret."""
    step = totp.accepted_step(secret, code, None)
    if step < 0:
        raise ValidationFailed({"code": [N_("That code is not right. Check your device clock.")]})
    user.totp_secret_sealed = keys.seal_user_secret(session, user.id, "totp", secret)
    user.totp_enrolled_at = user.totp_enrolled_at or utcnow()
    user.totp_last_step = step
    session.flush()


def check_totp(session: Session, user: User, code: str) -> None:
    if user.totp_secret_sealed is None:
        raise AuthenticationFailed(N_("No authenticator is enrolled for this account."))
    secret = keys.open_user_secret(session, user.id, "totp", user.totp_secret_sealed)
    step = totp.accepted_step(secret, code, user.totp_last_step)
    if step < 0:
        log.warning("second factor refused: user %s", user.id)
        raise AuthenticationFailed(N_("That code is not right."))
    user.totp_last_step = step
    session.flush()
