"""Clients: pseudonymous by default. Identity is optional, sealed field by field under the
client's own key; coarse reportable facts stay in the clear because reports need them.

XXX: a ``sealed_*`` column holds ciphertext only (crypto.seal, bound to tenant, table,
column and row id). Nothing here decrypts: plaintext comes only from
``app.clients.service.reveal_field`` which checks the role and writes an audit event.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
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
from app.taxonomy import (
    AgeBand,
    Gender,
    IdentifyingBody,
    Movement,
    ReferralSource,
    Sector,
    VictimStatus,
)

#: Sealed identity fields, in the order the intake form shows them.
SEALED_FIELDS = (
    "name",
    "aliases",
    "date_of_birth",
    "phone",
    "contact_details",
    "identity_document",
    "address",
    "immigration_status",
    "health_notes",
    "narrative",
)
#: Record keys lie in [0, RECORD_KEY_MODULUS): the cell-key modulus of
#: ``app.reports.tables.CELL_KEY_MODULUS`` (a test checks they agree; the reports package
#: sits above this one, so the number is stated here rather than imported).
RECORD_KEY_MODULUS = 256


def new_record_key() -> int:
    """A client's record key for the ONS cell-key method, drawn once at intake."""
    return secrets.randbelow(RECORD_KEY_MODULUS)


#: Sealed fields searchable by exact match through a blind index.
INDEXED_FIELDS = ("name", "date_of_birth", "identity_document", "phone")


class Client(TenantScoped, Base):
    __tablename__ = "clients"
    #: Whose key seals this table's ``sealed_*`` values (:mod:`app.keys.sealed`).
    __sealed_owner__ = SealedOwner.itself()
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        Index("ix_clients_keyset", "tenant_id", "created_at", "id"),
        *(
            Index(f"ix_clients_blind_index_{f}", "tenant_id", f"blind_index_{f}")
            for f in ("name", "date_of_birth", "identity_document", "phone")
        ),
    )

    id: Mapped[UUIDPk]
    #: Pronounceable pseudonym, e.g. ``K7-MORA-42``: what staff see, say and search by.
    code: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[Timestamp]
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: Set when the client's key was destroyed: sealed fields are gone for good.
    erased_at: Mapped[OptionalTimestamp]

    # Sealed identity (ciphertext, all optional).
    sealed_name: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_aliases: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_date_of_birth: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_phone: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_contact_details: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_identity_document: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_address: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_immigration_status: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_health_notes: Mapped[bytes | None] = mapped_column(LargeBinary)
    sealed_narrative: Mapped[bytes | None] = mapped_column(LargeBinary)

    #: Truncated blind indexes (crypto.blind_index): shared by several people on purpose;
    #: search decrypts and confirms candidates.
    blind_index_name: Mapped[int | None] = mapped_column(Integer)
    blind_index_date_of_birth: Mapped[int | None] = mapped_column(Integer)
    blind_index_identity_document: Mapped[int | None] = mapped_column(Integer)
    blind_index_phone: Mapped[int | None] = mapped_column(Integer)

    # Coarse, reportable facts (never identifying on their own).
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.not_stated)
    age_band: Mapped[AgeBand] = mapped_column(enum_column(AgeBand), default=AgeBand.unknown)
    is_minor: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ISO 3166-1 alpha-2, or None when unknown / stateless.
    nationality: Mapped[str | None] = mapped_column(String(2))
    #: UN M49 region of the nationality, derived from it (the unit pooled reports use).
    nationality_region: Mapped[str | None] = mapped_column(String(40))
    #: BCP 47 tags of the languages the client speaks.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    preferred_language: Mapped[str | None] = mapped_column(String(35))
    #: FormOfExploitation values.
    forms_of_exploitation: Mapped[list[str]] = mapped_column(JSON, default=list)
    sector: Mapped[Sector] = mapped_column(enum_column(Sector), default=Sector.unknown)
    movement: Mapped[Movement] = mapped_column(enum_column(Movement), default=Movement.unknown)
    victim_status: Mapped[VictimStatus] = mapped_column(
        enum_column(VictimStatus), default=VictimStatus.potential
    )
    #: The kind of body that identified the client (a controlled list: never a name).
    identified_by: Mapped[IdentifyingBody | None] = mapped_column(enum_column(IdentifyingBody))
    identified_on: Mapped[date | None] = mapped_column(Date)
    referral_source: Mapped[ReferralSource] = mapped_column(
        enum_column(ReferralSource), default=ReferralSource.unknown
    )
    #: Random, uniform in [0, 256), drawn at intake and never shown: reports sum it per cell
    #: (``SUM(record_key) % 256``) so the same people always get the same noise
    #: (:mod:`app.reports.perturbation`). Not identifying: 256 values, shared by many.
    record_key: Mapped[int] = mapped_column(SmallInteger, default=new_record_key)


class AnonymousContact(TenantScoped, Base):
    """A helpline or outreach conversation with no client record; counts in reports."""

    __tablename__ = "anonymous_contacts"

    id: Mapped[UUIDPk]
    occurred_on: Mapped[date] = mapped_column(Date)
    #: phone, chat, email, outreach, in_person.
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(35))
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ServiceCategory values discussed or provided.
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender), default=Gender.not_stated)
    age_band: Mapped[AgeBand] = mapped_column(enum_column(AgeBand), default=AgeBand.unknown)
    form_of_exploitation: Mapped[str | None] = mapped_column(String(40))
    referral_made: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[Timestamp]
