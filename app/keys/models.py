"""Wrapped keys. Only wrapped forms are stored; the master key never enters the database."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKeyConstraint, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, OptionalTimestamp, TenantScoped, Timestamp


class PlatformKey(Base):
    """Key for platform-level secrets of staff accounts (TOTP seeds), wrapped by the master."""

    __tablename__ = "platform_keys"

    #: Key id written into every value sealed under it, e.g. ``p1``.
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    #: Master key version that wraps it (readable from ``wrapped`` too; kept for status).
    master_key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]


class TenantKey(TenantScoped, Base):
    """One version of an organisation's key; client keys are wrapped by the active one."""

    __tablename__ = "tenant_keys"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Key id written into values and wrapped client keys, e.g. ``t3``.
    key_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]
    #: Set once nothing is wrapped under this version any more; then it can be deleted.
    retired_at: Mapped[OptionalTimestamp]


class ClientKey(TenantScoped, Base):
    """The client's data key, wrapped by a tenant key version. Deleting ``wrapped`` (and
    every backup holding it) erases the client: crypto-shredding."""

    __tablename__ = "client_keys"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Key id written into the client's sealed values, e.g. ``c1``.
    key_id: Mapped[str] = mapped_column(String(16))
    #: None once destroyed.
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Tenant key version (``t<n>``) that wraps it; rotation moves it to the active one.
    tenant_key_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]
    destroyed_at: Mapped[OptionalTimestamp]


class SigningKey(TenantScoped, Base):
    """An organisation's Ed25519 key for one purpose (signed exports, the audit log's
    checkpoints), its 32-byte seed wrapped by the master key like a tenant key. The public
    half is kept in clear: anyone may check a signature with it."""

    __tablename__ = "signing_keys"

    #: What it signs (``app.keys.signing.SigningPurpose``); one key per purpose and version.
    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: Key id inside its owner, e.g. ``s2``.
    key_id: Mapped[str] = mapped_column(String(16))
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(16))
    #: Raw Ed25519 public key (32 bytes).
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[Timestamp]
    #: Set when a newer version took over; kept so old signatures can still be checked.
    retired_at: Mapped[OptionalTimestamp]
