"""Who is signed in, in one round trip: the session, the user, the organisation the session
acts in, the roles held there and the row-level-security context, together. Every
signed-in request pays this before its first page query, so it is built for cost.

- PostgreSQL: one statement, ``SELECT * FROM haven_session_principal(...)`` (migration
  0012): it checks that the session is live, writes its last-seen time when due, and sets
  ``app.user_id`` and, for a member only, ``app.tenant_id`` for the transaction.
- Other databases (SQLite, the embedded default): the same answer from two prebuilt Core
  statements (a third when the last-seen time is due); there is no RLS to set.

Nothing is cached between requests: a session revoked a moment ago is refused by the next
request, and a role taken away is gone from it.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from app.auth.models import RoleGrant, User, UserSession
from app.auth.session_store import TOUCH_EVERY, SessionRecord, hash_token, store_of
from app.auth.sessions import SessionOrganisation
from app.context import Role
from app.db.tenancy import bind_actor, note_database_context
from app.settings import Settings
from app.tenants.models import Organisation


@dataclass(frozen=True)
class SignedInUser:
    """The signed-in account as pages read it (a snapshot: changing the account goes
    through :func:`app.auth.principal.account`, which loads the row)."""

    id: uuid.UUID
    email: str
    display_name: str
    locale: str | None
    must_change_password: bool
    is_platform_admin: bool
    totp_enrolled_at: datetime | None


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


@dataclass(frozen=True)
class SignedIn:
    session: SessionRecord
    user: SignedInUser
    membership: ActiveMembership | None


class NotSignedIn(enum.Enum):
    #: No session has this token.
    unknown = "unknown"
    #: The session was revoked, idle too long or too old.
    expired = "expired"


def find_signed_in(
    session: Session, token: str, now: datetime, conf: Settings
) -> SignedIn | NotSignedIn:
    """The principal of a session token, with the database bound to it for this
    transaction (tenant only when the person is a member of the session's organisation)."""
    postgres = session.get_bind().dialect.name == "postgresql"
    store = store_of(session)
    if store is not None:
        record = store.find(token, now)
        if record is None:
            return NotSignedIn.unknown
        if record is False:
            return NotSignedIn.expired
        assert isinstance(record, SessionRecord)
        if postgres:
            return _actor_in_one_statement(session, record)
        return _actor_in_core_statements(session, record)
    if postgres:
        return _in_one_statement(session, token, now, conf)
    return _in_core_statements(session, token, now, conf)


def _actor_in_one_statement(session: Session, record: SessionRecord) -> SignedIn | NotSignedIn:
    """Sessions in Redis: the person, organisation, roles and RLS settings in one statement."""
    params = {"user_id": record.user_id, "org_id": record.organisation_id}
    row = session.connection().execute(_ACTOR, params).first()
    if row is None:  # the account was deleted
        return NotSignedIn.unknown
    found = _from_actor_row(record, row)
    tenant = found.membership.tenant_id if found.membership else None
    # XXX: haven_actor has just set exactly these for the transaction (see below).
    note_database_context(session, tenant, record.user_id)
    return found


_ACTOR = text("SELECT * FROM haven_actor(:user_id, :org_id)")


def _actor_in_core_statements(session: Session, record: SessionRecord) -> SignedIn | NotSignedIn:
    connection = session.connection()
    params = {"user_id": record.user_id, "org_id": record.organisation_id}
    row = connection.execute(_USER_AND_ORGANISATION, params).first()
    if row is None:
        return NotSignedIn.unknown
    return _with_roles(session, record, row)


def _in_one_statement(
    session: Session, token: str, now: datetime, conf: Settings
) -> SignedIn | NotSignedIn:
    row = (
        session.connection()
        .execute(
            _SESSION_PRINCIPAL,
            {
                "token_hash": hash_token(token),
                "now": now,
                "idle": timedelta(minutes=conf.idle_timeout_minutes),
                "max": timedelta(hours=conf.session_max_hours),
                "touch": TOUCH_EVERY,
            },
        )
        .first()
    )
    if row is None:
        return NotSignedIn.unknown
    if not row.live:
        return NotSignedIn.expired
    record = SessionRecord(
        row.session_id, row.user_id, row.organisation_id, row.mfa_verified, row.created_at
    )
    found = _from_actor_row(record, row)
    tenant = found.membership.tenant_id if found.membership else None
    # XXX: the function has just set exactly these for the transaction; recording them
    # lets the ORM guard filter by the same tenant without a second round trip.
    note_database_context(session, tenant, record.user_id)
    return found


#: Intervals go as Python timedeltas: psycopg sends them as PostgreSQL intervals.
_SESSION_PRINCIPAL = text(
    "SELECT * FROM haven_session_principal(:token_hash, :now, :idle, :max, :touch)"
)


def _from_actor_row(record: SessionRecord, row: Row[Any]) -> SignedIn:
    """A row of the columns ``haven_actor`` returns (also ``haven_session_principal``'s)."""
    membership = None
    if row.org_id is not None and row.roles:
        membership = _membership(row, row.roles, row.organisations)
    return SignedIn(record, _user(record, row), membership)


def _user(record: SessionRecord, row: Any) -> SignedInUser:
    return SignedInUser(
        record.user_id,
        row.email,
        row.display_name,
        row.user_locale,
        row.must_change_password,
        row.is_platform_admin,
        row.totp_enrolled_at,
    )


def _membership(row: Any, roles: Iterable[str], organisations: int) -> ActiveMembership:
    org = SessionOrganisation(row.org_id, row.org_name, row.org_locale, row.org_country)
    return ActiveMembership(org.id, frozenset(Role(r) for r in roles), org, organisations)


def _in_core_statements(
    session: Session, token: str, now: datetime, conf: Settings
) -> SignedIn | NotSignedIn:
    connection = session.connection()
    row = connection.execute(_SESSION_USER, {"token_hash": hash_token(token)}).first()
    if row is None:
        return NotSignedIn.unknown
    last_seen = _aware(row.last_seen_at)
    if (
        row.revoked_at is not None
        or now - last_seen >= timedelta(minutes=conf.idle_timeout_minutes)
        or now - _aware(row.created_at) >= timedelta(hours=conf.session_max_hours)
    ):
        return NotSignedIn.expired
    if now - last_seen >= TOUCH_EVERY:
        connection.execute(_TOUCH, {"session_id": row.session_id, "now": now})
    record = SessionRecord(
        row.session_id, row.user_id, row.organisation_id, row.mfa_verified, row.created_at
    )
    return _with_roles(session, record, row)


def _with_roles(session: Session, record: SessionRecord, row: Any) -> SignedIn:
    """The user and organisation of ``row``, with the roles held there (a third query)."""
    membership = None
    if row.org_id is not None:
        params = {"tenant_id": row.org_id, "user_id": record.user_id}
        grants = session.connection().execute(_ROLES, params).all()
        if grants:
            membership = _membership(row, (role for role, _count in grants), grants[0][1])
    bind_actor(session, membership.tenant_id if membership else None, record.user_id)
    return SignedIn(record, _user(record, row), membership)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything Haven stores is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


_SESSIONS, _USERS = UserSession.__table__.c, User.__table__.c
_GRANTS = RoleGrant.__table__.c
_ORGS = Organisation.__table__.c
#: Built once: these run on every signed-in request. Platform tables only (sessions,
#: users, organisations), and the grants by explicit tenant and user: no tenant guard.
_SESSION_USER = (
    select(
        _SESSIONS.id.label("session_id"),
        _SESSIONS.user_id,
        _SESSIONS.organisation_id,
        _SESSIONS.mfa_verified,
        _SESSIONS.created_at,
        _SESSIONS.last_seen_at,
        _SESSIONS.revoked_at,
        _USERS.email,
        _USERS.display_name,
        _USERS.locale.label("user_locale"),
        _USERS.must_change_password,
        _USERS.is_platform_admin,
        _USERS.totp_enrolled_at,
        _ORGS.id.label("org_id"),
        _ORGS.name.label("org_name"),
        _ORGS.default_locale.label("org_locale"),
        _ORGS.country.label("org_country"),
    )
    .select_from(
        UserSession.__table__.join(User.__table__, _USERS.id == _SESSIONS.user_id).outerjoin(
            Organisation.__table__,
            _ORGS.id == _SESSIONS.organisation_id,
        )
    )
    .where(_SESSIONS.token_hash == bindparam("token_hash"))
)
_USER_AND_ORGANISATION = (
    select(
        _USERS.email,
        _USERS.display_name,
        _USERS.locale.label("user_locale"),
        _USERS.must_change_password,
        _USERS.is_platform_admin,
        _USERS.totp_enrolled_at,
        _ORGS.id.label("org_id"),
        _ORGS.name.label("org_name"),
        _ORGS.default_locale.label("org_locale"),
        _ORGS.country.label("org_country"),
    )
    .select_from(User.__table__.outerjoin(Organisation.__table__, _ORGS.id == bindparam("org_id")))
    .where(_USERS.id == bindparam("user_id"))
)
_TOUCH = (
    update(UserSession)
    .where(UserSession.id == bindparam("session_id"))
    .values(last_seen_at=bindparam("now"))
)
#: The same table under another name, so the count is not correlated with the outer query.
_ANY_GRANT = RoleGrant.__table__.alias("any_grant")
_ROLES = select(
    _GRANTS.role,
    # Organisations where the person holds a role: a deactivated membership has none.
    select(func.count(func.distinct(_ANY_GRANT.c.tenant_id)))
    .where(_ANY_GRANT.c.user_id == bindparam("user_id"))
    .scalar_subquery()
    .label("organisations"),
).where(_GRANTS.tenant_id == bindparam("tenant_id"), _GRANTS.user_id == bindparam("user_id"))
