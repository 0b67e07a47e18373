"""Audit events: append-only, one per security-relevant action, never any plaintext.

Per organisation the events become the leaves of an RFC 6962 tree when a checkpoint takes
them in (:mod:`app.audit.log`): ``audit_leaves`` fixes each event's index, and
``audit_checkpoints`` keeps every signed checkpoint. All three tables are append-only.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TenantScoped, Timestamp, UUIDPk


class AuditEvent(TenantScoped, Base):
    __tablename__ = "audit_events"

    id: Mapped[UUIDPk]
    occurred_at: Mapped[Timestamp]
    #: The user who acted; None for the system (CLI without a user, scheduled jobs).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: The API token that acted, for integrations (then ``actor_id`` is None).
    api_token_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: Dotted verb, e.g. ``auth.sign_in``, ``members.roles_assigned``, ``client.revealed``.
    action: Mapped[str] = mapped_column(String(64))
    #: Kind and id of the object acted on: ids and pseudonyms only.
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    #: Small, non-identifying facts (role names, counts, policy ids). Never plaintext.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The actor's roles when it acted (sorted role names); None for events before 0009.
    actor_roles: Mapped[list[str] | None] = mapped_column(JSON)
    #: The disclosure policies that decided: ``{"ids": [...], "set_hash": "sha256:..."}``.
    policy: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The consent record relied on.
    consent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: ``sha256:<hex>`` of the canonical request context a decision was made on.
    context_hash: Mapped[str | None] = mapped_column(String(71))

    __table_args__ = (Index("ix_audit_events_tenant_time", "tenant_id", "occurred_at"),)


class AuditLeaf(TenantScoped, Base):
    """An event's place in its organisation's log, fixed by the checkpoint that took it in."""

    __tablename__ = "audit_leaves"
    __table_args__ = (UniqueConstraint("tenant_id", "event_id"),)

    #: 0-based index in the organisation's log (the entry's ``index``).
    log_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: SHA-256(0x00 || entry bytes) as hashed when the leaf was added: bundles take their
    #: proofs from these, so an entry changed afterwards no longer matches its proof.
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class AuditCheckpoint(TenantScoped, Base):
    """A signed checkpoint of the organisation's log (C2SP tlog-checkpoint signed note)."""

    __tablename__ = "audit_checkpoints"

    #: How many leaves it covers; one checkpoint per size, so a second root for the same
    #: size (a fork) cannot be stored beside the first.
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: The tree's right border (``CompactRange.hashes``, 32 bytes each, concatenated): the
    #: next checkpoint extends the tree from it without reading old leaves.
    border: Mapped[bytes] = mapped_column(LargeBinary)
    #: The signed note, exactly as auditors receive it.
    note: Mapped[str] = mapped_column(Text)
    #: Version of the organisation's ``audit_log`` signing key that signed it.
    key_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[Timestamp]
