"""People and access: users (global), memberships and role grants (tenant-owned), sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.context import Role
from app.db.base import Base, OptionalTimestamp, TenantScoped, Timestamp, UUIDPk


class User(Base):
    """A person who signs in. Staff, never clients: clients never log in."""

    __tablename__ = "users"

    id: Mapped[UUIDPk]
    #: Case-folded e-mail, the sign-in name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    #: argon2id hash (argon2-cffi's encoded form, parameters included).
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Set for one-time passwords issued by the CLI or an admin: must be changed at sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    #: TOTP secret, sealed under the platform key (never stored in the clear).
    totp_secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enrolled_at: Mapped[OptionalTimestamp]
    #: Last accepted TOTP time step, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: Preferred interface locale; None follows the organisation's default.
    locale: Mapped[str | None] = mapped_column(String(8))
    #: Manages organisations; never reads client data.
    is_platform_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]
    disabled_at: Mapped[OptionalTimestamp]


class Membership(TenantScoped, Base):
    """A user's belonging to one organisation; a person may belong to several."""

    __tablename__ = "memberships"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[Timestamp]
    user: Mapped[User] = relationship(lazy="joined")
    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="membership", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)


class RoleGrant(TenantScoped, Base):
    __tablename__ = "role_grants"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "user_id"],
            ["memberships.tenant_id", "memberships.user_id"],
            ondelete="CASCADE",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=True, length=32), primary_key=True
    )
    granted_at: Mapped[Timestamp]
    membership: Mapped[Membership] = relationship(back_populates="grants")


class UserSession(Base):
    """A server-side sign-in session; the browser holds only a random token.

    Owned by the user, not by a tenant: one session moves between the user's organisations.
    """

    __tablename__ = "user_sessions"

    id: Mapped[UUIDPk]
    #: SHA-256 of the token in the cookie; a database dump gives no usable session.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Organisation picked for this session; None until the user picks one.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    #: True once the second factor was checked in this session.
    mfa_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]
    last_seen_at: Mapped[Timestamp]
    revoked_at: Mapped[OptionalTimestamp]
    user: Mapped[User] = relationship(lazy="joined")

    def is_live(self, now: datetime, idle_minutes: int, max_hours: int) -> bool:
        if self.revoked_at is not None:
            return False
        idle = (now - _aware(self.last_seen_at)).total_seconds() / 60
        age = (now - _aware(self.created_at)).total_seconds() / 3600
        return idle < idle_minutes and age < max_hours


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything Haven stores is UTC.
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


class ApiToken(TenantScoped, Base):
    """A token for an integration: one organisation, one role, hashed at rest, revocable.

    The token reads ``hvn_<tenant id hex>_<secret>``: the tenant part lets the server bind
    the tenant (and so pass row-level security) before it looks the hash up.
    """

    __tablename__ = "api_tokens"

    id: Mapped[UUIDPk]
    #: What the integration is, e.g. "helpline CRM sync".
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, create_constraint=True, length=32)
    )
    #: SHA-256 of the secret part; the secret is shown once at creation.
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[Timestamp]
    last_used_at: Mapped[OptionalTimestamp]
    revoked_at: Mapped[OptionalTimestamp]
