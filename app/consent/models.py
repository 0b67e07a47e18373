"""The consent ledger's tables.

Append-only by construction: a record's terms are written once (``consent_records``) and
what happens to it later (withdrawn, superseded, expiry first observed) is a new row of
``consent_events``; notice texts are versions that are never edited. On PostgreSQL the app
role may only SELECT and INSERT these three tables (``migrations/env.py``), so history
cannot be rewritten even by a bug or an injection. Why an events table rather than set-once
columns: the database can then refuse every UPDATE, and a record's whole story (given,
withdrawn by phone on 3 May, notified to two organisations) reads in order.

The scan of a signed form is the one sealed value, kept apart (``consent_evidence``) so
that erasing a client can clear it without giving the app role UPDATE on the records.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, OptionalTimestamp, TenantScoped, Timestamp, UUIDPk, enum_column
from app.keys.sealed import SealedOwner
from policies.vocabulary import LegalBasis


class Decision(enum.StrEnum):
    """What the client said when the record was made."""

    given = "given"
    refused = "refused"


class Method(enum.StrEnum):
    """How the client expressed it (DPV: the indication method)."""

    verbal = "verbal"
    written = "written"
    electronic = "electronic"


class EvidenceKind(enum.StrEnum):
    none = "none"
    #: A scan of the signed form, sealed under the client's key (``consent_evidence``).
    scan = "scan"
    #: The SHA-256 of a signature (e.g. from a signature pad) and a witness's code.
    signature = "signature"


class ReceiptKind(enum.StrEnum):
    """What the client chose to take away."""

    full = "full"
    minimal = "minimal"
    none = "none"


class EventKind(enum.StrEnum):
    withdrawn = "withdrawn"
    superseded = "superseded"
    #: The first time Haven saw the record past its expiry (the expiry itself is a term).
    expired = "expired"


class WithdrawalChannel(enum.StrEnum):
    in_person = "in_person"
    phone = "phone"
    message = "message"
    #: Through another organisation, a lawyer or a representative.
    representative = "representative"


class ConsentNotice(TenantScoped, Base):
    """A notice the organisation reads or gives to clients, for a set of purposes."""

    __tablename__ = "consent_notices"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    id: Mapped[UUIDPk]
    #: Short stable handle (``sharing``, ``authorities``); the shipped set uses fixed keys.
    key: Mapped[str] = mapped_column(String(40))
    #: Purpose values (``policies.vocabulary.Purpose``) the notice explains.
    purposes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[Timestamp]


class NoticeText(TenantScoped, Base):
    """One version of a notice in one language. Never changed: editing adds a version."""

    __tablename__ = "consent_notice_texts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "notice_id", "language", "version"),
        ForeignKeyConstraint(
            ["tenant_id", "notice_id"], ["consent_notices.tenant_id", "consent_notices.id"]
        ),
    )

    id: Mapped[UUIDPk]
    notice_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: BCP 47 tag; any language the organisation adds, not only the screens' languages.
    language: Mapped[str] = mapped_column(String(35))
    #: 1, 2, 3... per notice and language.
    version: Mapped[int] = mapped_column(Integer)
    #: A short title in the same language (shown to staff above the text).
    title: Mapped[str] = mapped_column(String(200))
    #: The text read or given to the client (organisation's text, not client data).
    body: Mapped[str] = mapped_column(Text)
    #: Hex SHA-256 of the UTF-8 title + blank line + body: what a record points at.
    sha256: Mapped[str] = mapped_column(String(64))
    #: Shipped with Haven as an example: to be checked and adapted by a lawyer.
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[Timestamp]
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class ConsentRecord(TenantScoped, Base):
    """One decision of a client about their data: terms written once, never changed.

    Shaped after ISO/IEC TS 27560 (W3C DPV profile); see ``app.consent.schemas``.
    """

    __tablename__ = "consent_records"
    __table_args__ = (
        Index("ix_consent_records_client", "tenant_id", "client_id"),
        Index("ix_consent_records_expires", "tenant_id", "expires_at"),
        UniqueConstraint("tenant_id", "receipt_number"),
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "notice_text_id"],
            ["consent_notice_texts.tenant_id", "consent_notice_texts.id"],
        ),
    )

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    #: Why the processing is lawful, apart from consent (a dependent person's consent may
    #: not be free): consent, statutory_duty (with ``legal_reference``), vital_interest,
    #: legal_claims.
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis))
    #: The statute's reference for a legal obligation (e.g. "Code pénal art. 434-3").
    legal_reference: Mapped[str | None] = mapped_column(String(200))
    #: Purpose values.
    purposes: Mapped[list[str]] = mapped_column(JSON)
    #: FieldGroup values (data categories).
    field_groups: Mapped[list[str]] = mapped_column(JSON)
    #: RecipientType values.
    recipient_types: Mapped[list[str]] = mapped_column(JSON)
    #: Named organisations on the platform (ids; no foreign key into another tenant).
    recipient_organisations: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Named organisations off the platform (an organisation's name, never a person's).
    recipient_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: The exact notice version read to the client, and its hash at that time.
    notice_text_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    notice_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    notice_language: Mapped[str] = mapped_column(String(35))
    notice_version: Mapped[int] = mapped_column(Integer)
    notice_sha256: Mapped[str] = mapped_column(String(64))
    #: BCP 47: the language it was explained in (an interpreter may translate the text).
    language: Mapped[str] = mapped_column(String(35))
    interpreter_used: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The interpreter as a code (e.g. ``INT-07``), never a name.
    interpreter_code: Mapped[str | None] = mapped_column(String(40))
    method: Mapped[Method] = mapped_column(enum_column(Method))
    evidence_kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind))
    #: Hex SHA-256 of a signature, for ``evidence_kind=signature``.
    signature_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The witness as a code (a member of staff's code, never a client's name).
    witness_code: Mapped[str | None] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Required: no consent lasts for ever (at most the organisation's maximum).
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The record this one renews or narrows (it gets a ``superseded`` event).
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    receipt_kind: Mapped[ReceiptKind] = mapped_column(enum_column(ReceiptKind))
    #: What a printed receipt carries (``R-7K3M-9Q``): no name, no date, no organisation.
    receipt_number: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[Timestamp]


class ConsentEvent(TenantScoped, Base):
    """What happened to a record after it was made. Insert-only."""

    __tablename__ = "consent_events"
    __table_args__ = (
        Index("ix_consent_events_record", "tenant_id", "record_id"),
        ForeignKeyConstraint(
            ["tenant_id", "record_id"], ["consent_records.tenant_id", "consent_records.id"]
        ),
    )

    id: Mapped[UUIDPk]
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: How a withdrawal reached the organisation.
    channel: Mapped[WithdrawalChannel | None] = mapped_column(enum_column(WithdrawalChannel))
    #: The record that replaced this one (``superseded``).
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class ConsentEvidence(TenantScoped, Base):
    """The scan of a signed consent form, sealed under the client's key (base64 inside)."""

    __tablename__ = "consent_evidence"
    __sealed_owner__ = SealedOwner()
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "record_id"], ["consent_records.tenant_id", "consent_records.id"]
        ),
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
    )

    #: The record's id: one scan per record.
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: ``application/pdf``, ``image/jpeg`` or ``image/png``, read from the content.
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    #: None once the client is erased.
    sealed_scan: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[Timestamp]


class ConsentSettings(TenantScoped, Base):
    """The organisation's consent settings; no row means the defaults."""

    __tablename__ = "consent_settings"

    #: One row per organisation: the primary key is the tenant alone plus this constant.
    singleton: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    #: The longest a consent may last, in months (default 12).
    max_months: Mapped[int] = mapped_column(Integer, default=12)
    updated_at: Mapped[OptionalTimestamp]
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class ConsentShare(TenantScoped, Base):
    """The sender's record that a referral carried identity under a consent: whom to tell
    when that consent is withdrawn. Insert-only."""

    __tablename__ = "consent_shares"
    __table_args__ = (
        Index("ix_consent_shares_record", "tenant_id", "record_id"),
        ForeignKeyConstraint(
            ["tenant_id", "record_id"], ["consent_records.tenant_id", "consent_records.id"]
        ),
    )

    id: Mapped[UUIDPk]
    #: The consent relied on when the referral was sent.
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: The outgoing referral, and the exchange linking it to the receiver's row.
    referral_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    exchange_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    receiver_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: FieldGroup values carried, and the identity fields they held.
    field_groups: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON)
    shared_at: Mapped[Timestamp]


class CarriedIdentity(TenantScoped, Base):
    """The receiver's copy of identity fields a referral carried, until it takes the person
    on: sealed server-side under a key of its own for this exchange, wrapped by the
    receiver's organisation key (the sender never sees either key). Taking the person on
    re-seals the fields under the new client's own key and destroys this one.

    XXX: the column is ``carried_fields``, not ``sealed_*``: it belongs to no client of the
    receiver yet, so client-key erasure and verification do not walk it; the row is
    shredded (key and ciphertext cleared) on take-on, decline, cancel or withdrawal.
    """

    __tablename__ = "carried_identities"
    __table_args__ = (UniqueConstraint("tenant_id", "exchange_id"),)

    id: Mapped[UUIDPk]
    exchange_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sender_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    field_groups: Mapped[list[str]] = mapped_column(JSON)
    fields: Mapped[list[str]] = mapped_column(JSON)
    #: The exchange's data key, wrapped by ``tenant_key_id``; None once shredded.
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    tenant_key_id: Mapped[str] = mapped_column(String(16))
    #: The fields as sealed JSON under the exchange's key; None once shredded.
    carried_fields: Mapped[bytes | None] = mapped_column(LargeBinary)
    #: The receiver's client, once the person is taken on.
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    received_at: Mapped[Timestamp]
    opened_at: Mapped[OptionalTimestamp]
    shredded_at: Mapped[OptionalTimestamp]


class WithdrawalNotice(TenantScoped, Base):
    """An inbox item of the receiving organisation: a consent under which it received
    identity was withdrawn; it must stop using that data."""

    __tablename__ = "consent_withdrawal_notices"

    id: Mapped[UUIDPk]
    exchange_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    sender_organisation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: The receiver's client, when the person was taken on.
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    field_groups: Mapped[list[str]] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[Timestamp]
    acknowledged_at: Mapped[OptionalTimestamp]
    acknowledged_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
