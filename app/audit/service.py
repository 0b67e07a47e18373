"""Recording audit events, in the same transaction as the action they describe."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.models import AuditEvent
from app.context import Actor

#: Detail values allowed in an event: ids, codes, counts, flags. Free text is refused so
#: that no caller can put client plaintext into the log by accident.
_Scalar = str | int | bool | None


def record_event(
    session: Session,
    ctx: Actor,
    action: AuditAction,
    target_type: str | None = None,
    target_id: uuid.UUID | str | None = None,
    **details: _Scalar | list[str],
) -> AuditEvent:
    if ctx.tenant_id is None:
        raise ValueError("audit events belong to a tenant")
    for key, value in details.items():
        if isinstance(value, str) and len(value) > 64:
            # XXX: long strings are how narratives leak into logs; keep details to codes.
            raise ValueError(f"audit detail {key!r} is too long to be a code")
    event = AuditEvent(
        tenant_id=ctx.tenant_id,
        actor_id=ctx.user_id,
        api_token_id=ctx.api_token_id,
        action=action.value,
        target_type=target_type,
        target_id=str(target_id) if target_id is not None else None,
        details=_jsonable(details),
    )
    session.add(event)
    return event


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (sorted(str(x) for x in v) if isinstance(v, list) else v) for k, v in details.items()
    }
