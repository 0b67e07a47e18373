"""Assistance records (the 15-category taxonomy), organisation subtypes, and grants."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import (
    Base,
    OptionalTimestamp,
    TenantScoped,
    Timestamp,
    UUIDPk,
    enum_column,
)
from app.keys.sealed import SealedOwner
from app.taxonomy import ServiceCategory, ServiceOutcome, ServiceUnit

Money = Numeric(14, 2)


class Grant(TenantScoped, Base):
    """A funding line that pays for services; reports are per grant and period."""

    __tablename__ = "grants"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    id: Mapped[UUIDPk]
    #: Short reference the funder uses, e.g. ``AMIF-2026-17``.
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    funder: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))


class ServiceSubtype(TenantScoped, Base):
    """An organisation's own subdivision of a top-level category."""

    __tablename__ = "service_subtypes"
    __table_args__ = (UniqueConstraint("tenant_id", "category", "name"),)

    id: Mapped[UUIDPk]
    category: Mapped[ServiceCategory] = mapped_column(enum_column(ServiceCategory))
    name: Mapped[str] = mapped_column(String(80))
    #: Set when the organisation stops offering this type: new records may not use it,
    #: the records that do keep it (and its name).
    retired_at: Mapped[OptionalTimestamp]


class AssistanceRecord(TenantScoped, Base):
    __tablename__ = "assistance_records"
    #: Whose key seals this table's ``sealed_*`` values (:mod:`app.keys.sealed`).
    __sealed_owner__ = SealedOwner()
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"], ondelete="SET NULL"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "grant_id"], ["grants.tenant_id", "grants.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "subtype_id"],
            ["service_subtypes.tenant_id", "service_subtypes.id"],
            ondelete="RESTRICT",
        ),
        Index("ix_assistance_records_client", "tenant_id", "client_id", "started_on"),
    )

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    category: Mapped[ServiceCategory] = mapped_column(enum_column(ServiceCategory))
    subtype_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: A single day, or a period (``ended_on`` set), e.g. nights of shelter.
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    unit: Mapped[ServiceUnit] = mapped_column(enum_column(ServiceUnit))
    #: BCP 47 tag of the language the service was delivered in.
    language: Mapped[str | None] = mapped_column(String(35))
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    grant_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    cost: Mapped[Decimal | None] = mapped_column(Money)
    currency: Mapped[str | None] = mapped_column(String(3))
    outcome: Mapped[ServiceOutcome] = mapped_column(
        enum_column(ServiceOutcome), default=ServiceOutcome.delivered
    )
    #: Sealed under the client's key.
    sealed_notes: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: Shared by the records of one group intake (a raid, a group referral).
    group_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[Timestamp]
