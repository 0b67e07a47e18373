"""The disclosure register: every request, decision, approval, refusal and release, per
client and per organisation, for supervisors and auditors. Rows carry the pseudonym code,
the disclosure number, codes and hashes: never a name or any other client content.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.auth.permissions import Permission, can
from app.clients.models import Client
from app.clients.pseudonyms import canonical_code
from app.context import Actor
from app.disclosure.models import DisclosureEvent, DisclosureRequest, EventKind
from app.errors import Forbidden
from app.i18n import N_

REGISTER_LIMIT = 500
READERS = (Permission.approve_disclosure, Permission.read_audit)
NOT_A_READER = N_("Only supervisors, auditors and organisation admins read the register.")


@dataclass(frozen=True)
class RegisterEntry:
    kind: EventKind
    occurred_at: datetime
    actor_id: uuid.UUID | None
    request_id: uuid.UUID | None
    number: str | None
    recipient_type: str | None
    client_id: uuid.UUID | None
    client_code: str | None
    policy_set_hash: str | None
    #: Codes only: status, outcome per group, policy ids, refusal codes.
    details: dict[str, object]


@dataclass(frozen=True)
class RegisterQuery:
    """A search of the register; every part optional."""

    client_code: str | None = None
    number: str | None = None
    kind: str | None = None


def may_read_register(ctx: Actor) -> bool:
    return any(can(ctx, p) for p in READERS)


def read_register(
    session: Session,
    ctx: Actor,
    query: RegisterQuery | None = None,
    client_id: uuid.UUID | None = None,
) -> list[RegisterEntry]:
    """Newest first, at most 500 rows; filtered by pseudonym code, number, kind, client."""
    if not may_read_register(ctx):
        raise Forbidden(NOT_A_READER)
    query = query or RegisterQuery()
    stmt = (
        select(
            DisclosureEvent, DisclosureRequest.number, DisclosureRequest.recipient_type, Client.code
        )
        .outerjoin(
            DisclosureRequest,
            and_(
                DisclosureRequest.tenant_id == DisclosureEvent.tenant_id,
                DisclosureRequest.id == DisclosureEvent.request_id,
            ),
        )
        .outerjoin(
            Client,
            and_(
                Client.tenant_id == DisclosureEvent.tenant_id,
                Client.id == DisclosureEvent.client_id,
            ),
        )
        .order_by(DisclosureEvent.occurred_at.desc(), DisclosureEvent.id)
        .limit(REGISTER_LIMIT)
    )
    if client_id is not None:
        stmt = stmt.where(DisclosureEvent.client_id == client_id)
    if query.client_code:
        stmt = stmt.where(Client.code == (canonical_code(query.client_code) or query.client_code))
    if query.number:
        stmt = stmt.where(DisclosureRequest.number == query.number.strip().upper())
    if query.kind and query.kind in EventKind.__members__:
        stmt = stmt.where(DisclosureEvent.kind == EventKind(query.kind))
    return [
        RegisterEntry(
            kind=event.kind,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            request_id=event.request_id,
            number=number,
            recipient_type=str(recipient) if recipient else None,
            client_id=event.client_id,
            client_code=code,
            policy_set_hash=event.policy_set_hash,
            details=dict(event.details or {}),
        )
        for event, number, recipient, code in session.execute(stmt)
    ]
