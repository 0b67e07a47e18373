"""Recording audit events, in the same transaction as the action they describe.

Recording is one INSERT and takes no lock: an event gets its place in the organisation's
log later, when a checkpoint takes it in (:mod:`app.audit.log`), so concurrent requests
of one organisation never wait for each other here.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.entries import PolicyRef, context_hash, entry_document
from app.audit.events import entry_of
from app.audit.models import AuditEvent
from app.context import Actor
from app.db.base import utcnow

#: Detail values allowed in an event: ids, codes, counts, flags. Free text is refused so
#: that no caller can put client plaintext into the log by accident.
_Scalar = str | int | bool | None


def record_event(
    session: Session,
    ctx: Actor,
    action: AuditAction,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    *,
    deciding_policy: PolicyRef | None = None,
    consent_relied_on: uuid.UUID | None = None,
    request_context: Mapping[str, Any] | None = None,
    **details: _Scalar | list[str],
) -> AuditEvent:
    """Add the event to the session (the caller's unit of work commits it with the change).

    ``deciding_policy``: the policies and set hash that decided; ``consent_relied_on``: the
    consent record; ``request_context``: the context the decision was made on (only its
    hash is kept). ValueError when a detail is not a code, a count, a flag or codes.
    """
    if ctx.tenant_id is None:
        raise ValueError("audit events belong to a tenant")
    for key, value in details.items():
        if isinstance(value, str) and len(value) > 64:
            # XXX: long strings are how narratives leak into logs; keep details to codes.
            raise ValueError(f"audit detail {key!r} is too long to be a code")
    event = AuditEvent(
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        tenant_id=ctx.tenant_id,
        actor_id=ctx.user_id,
        api_token_id=ctx.api_token_id,
        action=action.value,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        details=_jsonable(details),
        actor_roles=sorted(str(r) for r in ctx.roles),
        policy=None
        if deciding_policy is None
        else {"ids": sorted(set(deciding_policy.ids)), "set_hash": deciding_policy.set_hash},
        consent_id=consent_relied_on,
        context_hash=None if request_context is None else context_hash(request_context),
    )
    _check_entry_rules(event)
    session.add(event)
    return event


def _check_entry_rules(event: AuditEvent) -> None:
    """Refuse now what could not become a log entry later (free text above all)."""
    entry_document(entry_of(event, index=0, codes={}))


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (sorted(str(x) for x in v) if isinstance(v, list) else v) for k, v in details.items()
    }
