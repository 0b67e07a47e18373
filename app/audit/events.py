"""An audit event row as a log entry (:mod:`app.audit.entries`): the one mapping, used to
check an event when it is recorded and to hash it when a checkpoint takes it in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from app.audit.entries import AuditEntry, EntryActor, ObjectRef, PolicyRef
from app.audit.models import AuditEvent

#: Detail members that name a client: the entry lists the client as an object too, with
#: its pseudonym code, so auditors can follow one pseudonym through the log.
CLIENT_DETAILS = ("client", "client_id")


def clients_named(event: AuditEvent) -> set[str]:
    """Ids of the clients an event is about (as strings)."""
    found = {str(event.details[k]) for k in CLIENT_DETAILS if isinstance(event.details.get(k), str)}
    if event.target_type == "client" and event.target_id:
        found.add(event.target_id)
    return found


def entry_of(event: AuditEvent, index: int, codes: Mapping[str, str]) -> AuditEntry:
    """The entry of ``event`` at ``index``; ``codes`` maps client ids to pseudonym codes."""
    objects: list[ObjectRef] = []
    if event.target_type and event.target_id:
        objects.append(ObjectRef(event.target_type, event.target_id, _code(event, codes)))
    for key in CLIENT_DETAILS:
        value = event.details.get(key)
        if isinstance(value, str) and not (
            event.target_type == "client" and event.target_id == value
        ):
            objects.append(ObjectRef("client", value, codes.get(value)))
    return AuditEntry(
        index=index,
        id=event.id,
        # SQLite hands back naive datetimes; every time Haven stores is UTC.
        time=event.occurred_at
        if event.occurred_at.tzinfo is not None
        else event.occurred_at.replace(tzinfo=UTC),
        tenant=event.tenant_id,
        actor=_actor(event),
        action=event.action,
        objects=tuple(objects),
        policy=None
        if event.policy is None
        else PolicyRef(tuple(event.policy["ids"]), event.policy["set_hash"]),
        consent=event.consent_id,
        context_hash=event.context_hash,
        details=dict(event.details),
    )


def _code(event: AuditEvent, codes: Mapping[str, str]) -> str | None:
    if event.target_type == "client" and event.target_id:
        return codes.get(event.target_id)
    return None


def _actor(event: AuditEvent) -> EntryActor:
    roles = tuple(event.actor_roles or ())
    if event.api_token_id is not None:
        return EntryActor("token", event.api_token_id, roles)
    if event.actor_id is not None:
        return EntryActor("user", event.actor_id, roles)
    return EntryActor("system", None, roles)
