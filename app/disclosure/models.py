"""Disclosure: the organisation's policy choice, requests with their decisions, the
register of everything that happened to them, and break-glass openings.

XXX: nothing here holds client plaintext. A request names the client by id; its decision,
reasons and the register's details are policy ids, codes and hashes. Plaintext exists
only inside a released package, made at release time and handed out, never stored. The
reason text of a break-glass opening is sealed under the client's key.

The register (``disclosure_events``) is append-only: ``migrations/env.py`` grants the app
role SELECT and INSERT only on it.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
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
from policies.vocabulary import LegalBasis, Purpose, RecipientType


class Status(enum.StrEnum):
    """Where a request stands."""

    #: Every group asked for was denied; nothing can be released.
    refused = "refused"
    #: Some groups need a supervisor's approval (a legal obligation without consent).
    awaiting_approval = "awaiting_approval"
    #: Allowed (or approved): the package can be released.
    ready = "ready"
    #: The approval was attempted and failed (consent withdrawn or expired meanwhile).
    approval_failed = "approval_failed"
    #: A supervisor declined to approve.
    declined = "declined"
    #: The package was made and handed out.
    released = "released"


class EventKind(enum.StrEnum):
    """What the register records."""

    #: A request that could not be decided (bad input): its reason codes.
    refused_input = "refused_input"
    decided = "decided"
    approved = "approved"
    approval_failed = "approval_failed"
    declined = "declined"
    released = "released"
    release_refused = "release_refused"
    break_glass_opened = "break_glass_opened"
    break_glass_refused = "break_glass_refused"
    break_glass_reviewed = "break_glass_reviewed"
    policy_changed = "policy_changed"


class NotifyReason(enum.StrEnum):
    """Why the client is not told of a disclosure (a closed list, no free text)."""

    #: Telling the client would put them in danger (e.g. someone reads their messages).
    endangers_client = "endangers_client"
    #: Telling would prejudice an ongoing investigation (the recipient asked for secrecy).
    prejudices_investigation = "prejudices_investigation"
    #: The client cannot be reached safely.
    unreachable = "unreachable"


class BreakGlassReason(enum.StrEnum):
    """Why a case is opened outside one's normal access."""

    #: The person's life or health is in immediate danger.
    emergency = "emergency"
    #: The assigned caseworker is away and the client needs help now.
    cover_for_absent_colleague = "cover_for_absent_colleague"
    #: A safeguarding concern about a child needs checking now.
    child_safeguarding = "child_safeguarding"


class PolicyChoice(TenantScoped, Base):
    """The organisation's disclosure policy: a shipped set and its own stricter rules."""

    __tablename__ = "disclosure_policy_choices"

    #: Always 1: one row per organisation.
    singleton: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    #: A shipped set's name (policies.shipped_sets()).
    policy_set: Mapped[str] = mapped_column(String(64))
    #: The organisation's overrides (Cedar, forbid only); empty for none.
    overrides: Mapped[str] = mapped_column(Text, default="")
    #: SHA-256 of the set in force (schema, files and overrides), as the audit names it.
    set_sha256: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[Timestamp]
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class DisclosureRequest(TenantScoped, Base):
    """One request to disclose field groups of one client to one recipient."""

    __tablename__ = "disclosure_requests"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_disclosure_requests_client", "tenant_id", "client_id"),
    )

    id: Mapped[UUIDPk]
    #: ``D-`` and eight characters: what the package, the register and the recipient quote.
    number: Mapped[str] = mapped_column(String(16))
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    requested_at: Mapped[Timestamp]
    recipient_type: Mapped[RecipientType] = mapped_column(enum_column(RecipientType))
    #: The receiving body (a police station, a court), never a client's name.
    recipient_name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose))
    legal_basis: Mapped[LegalBasis] = mapped_column(enum_column(LegalBasis))
    #: The court order's or the statute's reference, when the basis needs one.
    legal_reference: Mapped[str | None] = mapped_column(String(200))
    #: FieldGroup values asked for.
    field_groups: Mapped[list[str]] = mapped_column(JSON)
    is_minor: Mapped[bool] = mapped_column(Boolean)
    policy_set: Mapped[str] = mapped_column(String(64))
    policy_set_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the canonical policy context (what was decided on, without plaintext).
    context_sha256: Mapped[str] = mapped_column(String(64))
    #: The consent record relied on (or the one explaining why there is none).
    consent_record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    consent_reason: Mapped[str] = mapped_column(String(40))
    #: ``policies.Decision.as_audit()``: per group outcome, policy ids, reason codes.
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[Status] = mapped_column(enum_column(Status))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approved_at: Mapped[OptionalTimestamp]
    #: Whether the client is told; when not, the reason (NotifyReason).
    notify_client: Mapped[bool | None] = mapped_column(Boolean)
    notify_reason: Mapped[str | None] = mapped_column(String(40))
    released_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    released_at: Mapped[OptionalTimestamp]
    #: SHA-256 of the signed JSON of the package, and the signature's key version.
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    signing_key_version: Mapped[int | None] = mapped_column(Integer)


class DisclosureEvent(TenantScoped, Base):
    """The register: one row per thing that happened, append-only, codes and ids only."""

    __tablename__ = "disclosure_events"
    __table_args__ = (
        Index("ix_disclosure_events_client", "tenant_id", "client_id"),
        Index("ix_disclosure_events_when", "tenant_id", "occurred_at"),
    )

    id: Mapped[UUIDPk]
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    request_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    occurred_at: Mapped[Timestamp]
    policy_set_hash: Mapped[str | None] = mapped_column(String(64))
    #: Codes, ids and hashes only (policy ids, reason codes, the consent record's id).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class BreakGlass(TenantScoped, Base):
    """A case opened outside one's normal access, for a stated reason and a limited time."""

    __tablename__ = "break_glass_openings"
    __sealed_owner__ = SealedOwner()
    __table_args__ = (Index("ix_break_glass_openings_client", "tenant_id", "client_id"),)

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    opened_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reason_code: Mapped[BreakGlassReason] = mapped_column(enum_column(BreakGlassReason))
    #: The person's own words for why (sealed under the client's key: it may name them).
    sealed_reason: Mapped[bytes | None] = mapped_column(LargeBinary)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    opened_at: Mapped[Timestamp]
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    policy_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    policy_set_hash: Mapped[str] = mapped_column(String(64))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[OptionalTimestamp]
