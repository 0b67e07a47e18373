"""Audit events: append-only, one per security-relevant action, never any plaintext."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, String, Uuid
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
    #: Dotted verb, e.g. ``auth.sign_in``, ``members.roles_assigned``, ``client.reveal``.
    action: Mapped[str] = mapped_column(String(64))
    #: Kind and id of the object acted on: ids and pseudonyms only.
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    #: Small, non-identifying facts (role names, counts, policy ids). Never plaintext.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
