"""Organisations: the tenants. Global table (no tenant_id): the platform admin manages it."""

from __future__ import annotations

import enum
import uuid

from sqlalchemy import Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, OptionalTimestamp, Timestamp, UUIDPk


class OrganisationKind(enum.StrEnum):
    shelter = "shelter"
    legal_aid = "legal_aid"
    counselling_centre = "counselling_centre"
    helpline = "helpline"
    trade_union = "trade_union"
    network = "network"


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[UUIDPk]
    #: Display name; an organisation name is not client data (shelter addresses never go here).
    name: Mapped[str] = mapped_column(String(200))
    #: Short unique handle used by the CLI.
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(
        Enum(OrganisationKind, native_enum=False, create_constraint=True, length=32)
    )
    #: ISO 3166-1 alpha-2; selects the jurisdiction's disclosure policy set.
    country: Mapped[str] = mapped_column(String(2))
    #: Locale used when a user has not chosen one (one of settings.SUPPORTED_LOCALES).
    default_locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[Timestamp]
    disabled_at: Mapped[OptionalTimestamp]

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


def organisation_ids(orgs: list[Organisation]) -> list[uuid.UUID]:
    return [org.id for org in orgs]
