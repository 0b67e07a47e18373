"""Accounts, memberships and roles: the business rules, as functions named by intent."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth import password_policy, passwords, totp
from app.auth.inputs import INVITATION_FIELDS, Invitation
from app.auth.models import Membership, RoleGrant, User
from app.auth.permissions import Permission, needs_second_factor, require
from app.context import Actor, Role
from app.db.base import utcnow
from app.db.tenancy import SKIP_GUARD
from app.errors import AuthenticationFailed, NotFound, ValidationFailed
from app.i18n import N_
from app.keys import service as keys
from app.tenants.models import Organisation
from app.validation import FieldReader, clean_text

log = logging.getLogger("haven.security")


def normalise_email(raw: str) -> str:
    return raw.strip().casefold()


#: A person's name as the organisation shows it (not client data).
NAME_MAX = 120
EMAIL_MAX = 254


def _read_email(r: FieldReader) -> str | None:
    """An e-mail address, normalised; text no column can hold is refused like anywhere
    else (and never reaches a query)."""
    address = r.text("email", EMAIL_MAX, required=True)
    if address is None or not r.ok("email"):
        return None
    local, _, domain = normalise_email(address).partition("@")
    if not local or "." not in domain or " " in local + domain:
        r.fail("email", N_("Enter a valid e-mail address."))
        return None
    return normalise_email(address)


def _read_roles(r: FieldReader) -> frozenset[Role]:
    roles = r.choices("roles", Role)
    if not roles and r.ok("roles"):
        r.fail("roles", N_("Choose at least one role."))
    return frozenset(roles)


def read_roles(raw: Iterable[str] | None) -> frozenset[Role]:
    """Roles chosen from the list, at least one (422 otherwise)."""
    r = FieldReader({"roles": list(raw or [])}, {"roles"})
    roles = _read_roles(r)
    r.raise_if_failed()
    return roles


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(session: Session, email: str, password: str) -> User:
    """The user whose password this is; the same error whether the account exists or not."""
    # Text no address can hold (a NUL) never reaches the query: refused like a wrong one.
    clean = clean_text(email)
    user = find_user_by_email(session, clean) if clean else None
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.disabled_at is not None:
        log.warning("sign-in refused: %s", f"user {user.id}" if user else "no such account")
        raise AuthenticationFailed(N_("Wrong e-mail address or password."))
    return user


def create_user(
    session: Session, email: str, display_name: str, *, is_platform_admin: bool = False
) -> tuple[User, str]:
    """A new account with a one-time password that must be changed at first sign-in."""
    r = FieldReader({"email": email, "display_name": display_name}, {"email", "display_name"})
    address = _read_email(r)
    name = r.text("display_name", NAME_MAX, required=True)
    r.raise_if_failed()
    assert address and name
    email, display_name = address, name
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
    # A deactivated membership (no role left, app.auth.lifecycle) opens nothing.
    stmt = select(Membership).where(Membership.user_id == user_id, Membership.grants.any())
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
            select(RoleGrant.tenant_id).where(RoleGrant.user_id == bindparam("user_id"))
        )
    )
    .order_by(Organisation.name)
)


def requires_totp(session: Session, user: User) -> bool:
    """A second factor for anyone whose roles can reveal sealed data or manage people or
    keys (the permission table's sensitive permissions), in any of their organisations,
    and for the platform admin. No organisation setting can turn this off."""
    if user.is_platform_admin:
        return True
    roles = frozenset(role for m in memberships_of(session, user.id) for role in m.roles)
    return needs_second_factor(roles)


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


def invite_member(session: Session, ctx: Actor, data: Invitation) -> tuple[Membership, str | None]:
    """Add a person to the organisation, creating the account if it is new.

    Returns the one-time password for a new account (shown once, never stored in clear),
    or None when the person already has an account from another organisation.
    """
    require(ctx, Permission.manage_members)
    r = FieldReader(asdict(data), INVITATION_FIELDS)
    roles = _read_roles(r)
    email = _read_email(r)
    name = r.text("display_name", NAME_MAX, required=True)
    r.raise_if_failed()
    assert email and name
    user = find_user_by_email(session, email)
    one_time = None
    if user is None:
        user, one_time = create_user(session, email, name)
    return add_member(session, ctx, user, roles), one_time


def assign_roles(
    session: Session, ctx: Actor, user_id: uuid.UUID, roles: Iterable[str] | None
) -> Membership:
    """Replace a member's roles (values of Role, at least one)."""
    require(ctx, Permission.manage_members)
    membership = membership_in(session, ctx, user_id)
    chosen = read_roles(roles)
    if user_id == ctx.user_id and Role.org_admin not in chosen:
        # Locking oneself out leaves an organisation without an admin to undo it.
        raise ValidationFailed({"roles": [N_("You cannot remove your own admin role.")]})
    keep = [g for g in membership.grants if g.role in chosen]
    new = [RoleGrant(tenant_id=ctx.tenant_id, role=r) for r in chosen - membership.roles]
    membership.grants = keep + new
    session.flush()
    record_event(
        session, ctx, AuditAction.member_roles_assigned, "user", user_id, roles=sorted(chosen)
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
