"""Declarative base, the constraint naming convention and the column shapes used everywhere."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Annotated

from sqlalchemy import DateTime, Enum, ForeignKey, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

#: Stable constraint names, so migrations can drop and alter them by name on every engine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


UUIDPk = Annotated[uuid.UUID, mapped_column(Uuid, primary_key=True, default=uuid.uuid4)]
Timestamp = Annotated[datetime, mapped_column(DateTime(timezone=True), default=utcnow)]
OptionalTimestamp = Annotated[datetime | None, mapped_column(DateTime(timezone=True))]


class TenantScoped:
    """Mixin for every tenant-owned table.

    The primary key starts with ``tenant_id`` so rows of one tenant sit together and the
    schema can later be sharded by tenant. The ORM guard (``app.db.tenancy``) filters every
    statement on it and PostgreSQL row-level security enforces it again below the app.
    """

    #: Owning organisation. Part of the primary key; every foreign key between tenant-owned
    #: tables includes it, so a row can never point into another tenant.
    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 - declared_attr receives the class
        return mapped_column(
            Uuid,
            ForeignKey("organisations.id", ondelete="RESTRICT"),
            primary_key=True,
            sort_order=-10,
        )


def enum_column(values: type[enum.StrEnum]) -> Enum:
    """A portable enum column: a VARCHAR with a CHECK constraint, storing the values."""
    return Enum(
        values,
        native_enum=False,
        create_constraint=True,
        length=40,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )
