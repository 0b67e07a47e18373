"""The signed-in person for one request: account, server-side session, membership, actor.

Flask-Login asks :func:`_load_principal` for the principal of the session cookie; everything
else reads ``current_user`` (a :class:`Principal`) or the actor from
:func:`app.web.request.actor`. The lookup itself is :mod:`app.auth.signed_in` (one round
trip on PostgreSQL).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import g
from flask_login import UserMixin, current_user

from app.auth.models import User
from app.auth.service import organisations_of
from app.auth.session_store import SessionRecord
from app.auth.signed_in import (
    ActiveMembership,
    NotSignedIn,
    SignedInUser,
    find_signed_in,
)
from app.context import Actor
from app.db import utcnow
from app.tenants.models import Organisation
from app.web.extensions import login_manager
from app.web.request import db, settings

__all__ = [
    "ActiveMembership",
    "Principal",
    "SignedInUser",
    "account",
    "my_organisations",
    "signed_in_user",
]


@dataclass
class Principal(UserMixin):  # type: ignore[misc]
    """The signed-in person for this request: account, server-side session, membership."""

    token: str
    user: SignedInUser
    user_session: SessionRecord
    membership: ActiveMembership | None

    def get_id(self) -> str:
        return self.token

    @functools.cached_property
    def actor(self) -> Actor:
        return Actor(
            user_id=self.user.id,
            tenant_id=self.membership.tenant_id if self.membership else None,
            roles=self.membership.roles if self.membership else frozenset(),
            is_platform_admin=self.user.is_platform_admin,
            country=self.membership.organisation.country
            if self.membership and self.membership.organisation
            else None,
        )


def signed_in_user(user: User) -> SignedInUser:
    """The snapshot of an account row (at sign-in, where the row is at hand)."""
    return SignedInUser(
        user.id,
        user.email,
        user.display_name,
        user.locale,
        user.must_change_password,
        user.is_platform_admin,
        user.totp_enrolled_at,
    )


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load_principal(token: str) -> Principal | None:
    found = find_signed_in(db(), token, utcnow(), settings())
    if found is NotSignedIn.expired:
        g.session_expired = True
        return None
    if found is NotSignedIn.unknown:
        return None
    return Principal(token, found.user, found.session, found.membership)


def account() -> User:
    """The signed-in person's account row, for the few pages that change it (password,
    second factor, language); every other page reads the snapshot."""
    user = db().get(User, current_user.user.id)
    if user is None:  # deleted while signed in: the session went with it
        raise LookupError("the signed-in account no longer exists")
    return user


def my_organisations() -> list[Organisation]:
    """The signed-in user's organisations, read once per request (the header's switcher,
    when there are several)."""
    if "my_organisations" not in g:
        g.my_organisations = organisations_of(db(), current_user.user.id)
    found: list[Organisation] = g.my_organisations
    return found
