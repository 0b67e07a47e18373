"""Wrapped keys. Only wrapped forms are stored; the master key never enters the database."""

from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
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
