"""The signed-in person for one request: account, server-side session, membership, actor.

Flask-Login asks :func:`_load_principal` for the principal of the session cookie; everything
else reads ``current_user`` (a :class:`Principal`) or the actor from
:func:`app.web.request.actor`.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from flask import g
from flask_login import UserMixin, current_user
from sqlalchemy import bindparam, func, select

from app.auth.models import RoleGrant, User, UserSession
from app.auth.service import organisations_of
from app.auth.sessions import SessionOrganisation, find_session_and_organisation, touch
from app.context import Actor, Role
from app.db import HavenSession, bind_actor, utcnow
from app.tenants.models import Organisation
from app.web.extensions import login_manager
from app.web.request import db, settings


@dataclass(frozen=True)
class ActiveMembership:
    """The organisation this session acts in, the roles held there, and how many
    organisations the person belongs to (one: the header needs no switcher)."""

    tenant_id: uuid.UUID
    roles: frozenset[Role]
    organisation: SessionOrganisation | None = None
    organisations: int = 1

    @property
    def locale(self) -> str | None:
        return self.organisation.default_locale if self.organisation else None


@dataclass
class Principal(UserMixin):  # type: ignore[misc]
    """The signed-in person for this request: account, server-side session, membership."""

    token: str
    user: User
    user_session: UserSession
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


@login_manager.user_loader  # type: ignore[untyped-decorator]
def _load_principal(token: str) -> Principal | None:
    session = db()
    found = find_session_and_organisation(session, token)
    if found is None:
        return None
    user_session, org = found
    now = utcnow()
    conf = settings()
    if not user_session.is_live(now, conf.idle_timeout_minutes, conf.session_max_hours):
        g.session_expired = True
        return None
    touch(user_session, now)
    user = user_session.user
    org_id = user_session.organisation_id
    bind_actor(session, org_id, user.id)
    membership = _active_membership(session, org, user.id)
    return Principal(token, user, user_session, membership)


def _active_membership(
    session: HavenSession, org: SessionOrganisation | None, user_id: uuid.UUID
) -> ActiveMembership | None:
    """Roles in the session's organisation, and how many organisations the person belongs
    to, in one query (every member holds a role)."""
    if org is None:
        return None
    # The query that establishes the actor: its tenant and user predicates are explicit
    # (and RLS holds on PostgreSQL), so it runs as a plain Core statement, without the
    # ORM and the guard, which tripled its cost on every signed-in request.
    rows = session.connection().execute(_ROLES, {"tenant_id": org.id, "user_id": user_id}).all()
    if not rows:
        return None
    roles = frozenset(Role(role) for role, _count in rows)
    return ActiveMembership(org.id, roles, org, organisations=rows[0][1])


_GRANTS = RoleGrant.__table__.c
#: The same table under another name, so the count is not correlated with the outer query.
_ANY_GRANT = RoleGrant.__table__.alias("any_grant")
#: Built once, like the session lookup: this runs on every signed-in request.
_ROLES = select(
    _GRANTS.role,
    # Organisations where the person holds a role: a deactivated membership has none.
    select(func.count(func.distinct(_ANY_GRANT.c.tenant_id)))
    .where(_ANY_GRANT.c.user_id == bindparam("user_id"))
    .scalar_subquery()
    .label("organisations"),
).where(_GRANTS.tenant_id == bindparam("tenant_id"), _GRANTS.user_id == bindparam("user_id"))


def my_organisations() -> list[Organisation]:
    """The signed-in user's organisations, read once per request (the header's switcher,
    when there are several)."""
    if "my_organisations" not in g:
        g.my_organisations = organisations_of(db(), current_user.user.id)
    found: list[Organisation] = g.my_organisations
    return found
