"""An audit event as a leaf of its organisation's log: RFC 8785 (JCS) canonical JSON.

The bytes of an entry are ``rfc8785.dumps`` of an object with exactly these members
(docs/audit-bundle.md is the reference; null where a member does not apply)::

    v             1 (the entry format)
    index         0-based place in the organisation's log
    id            the event's UUID
    time          UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"
    tenant        the organisation's UUID
    actor         {"type": "user" | "token" | "system", "id": UUID | null, "roles": [sorted]}
    action        an AuditAction: "<object>.<what happened>", e.g. "client.revealed"
    objects       [{"type", "id", "code"}]: kinds, ids and pseudonym codes only
    policy        {"ids": [sorted], "set_hash": "sha256:<hex>"} | null
    consent       the consent record's UUID relied on | null
    context_hash  "sha256:<hex>" of the canonical request context | null
    details       {name: code, count, flag, null or list of codes}

XXX: nothing here may carry client plaintext: detail strings are codes of at most 64
characters (as :func:`app.audit.service.record_event` insists) and, stricter than it, hold
no spaces or control characters, so no sentence fits.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import rfc8785

ENTRY_VERSION = 1
MAX_CODE = 64
#: I-JSON's exact integers: what every JSON reader (and JCS) keeps without rounding.
MAX_INT = 2**53 - 1
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

DetailValue = str | int | bool | None | list[str]
ActorType = Literal["user", "token", "system"]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
_ACTION = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
_OBJECT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_CODE = re.compile(r"[A-Za-z0-9-]{1,32}")
_HASH_REF = re.compile(r"sha256:[0-9a-f]{64}")
#: A code: no spaces or control characters, at most 64 characters. Sentences have spaces.
_CODE_TEXT = re.compile(r"[^\s\x00-\x1f\x7f]{0,64}")
_MEMBERS = {
    "v", "index", "id", "time", "tenant", "actor", "action",
    "objects", "policy", "consent", "context_hash", "details",
}  # fmt: skip


@dataclass(frozen=True)
class EntryActor:
    type: ActorType
    #: The user's id, or the API token's id; None for the system.
    id: uuid.UUID | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectRef:
    type: str
    id: str
    #: The pseudonym code (``K7-MORA-42``) where the object has one.
    code: str | None = None


@dataclass(frozen=True)
class PolicyRef:
    ids: tuple[str, ...]
    set_hash: str


@dataclass(frozen=True)
class AuditEntry:
    index: int
    id: uuid.UUID
    time: datetime
    tenant: uuid.UUID
    actor: EntryActor
    action: str
    objects: tuple[ObjectRef, ...] = ()
    policy: PolicyRef | None = None
    consent: uuid.UUID | None = None
    context_hash: str | None = None
    details: Mapping[str, DetailValue] = field(default_factory=dict)


def sha256_ref(data: bytes) -> str:
    """``sha256:<hex>``: how entries refer to hashed things (contexts, policy sets)."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def context_hash(context: Mapping[str, Any]) -> str:
    """The hash of a request context, over its canonical JSON: same context, same hash."""
    return sha256_ref(rfc8785.dumps(dict(context)))


def entry_bytes(entry: AuditEntry) -> bytes:
    """The leaf: the entry's canonical JSON, as hashed into the log and put in bundles."""
    return rfc8785.dumps(entry_document(entry))


def entry_document(entry: AuditEntry) -> dict[str, Any]:
    """The entry as a JSON object, every member checked; ValueError names the bad one."""
    _check(entry.index >= 0, "index", "is negative")
    _check(entry.time.tzinfo is not None, "time", "has no time zone")
    _check(_ACTION.fullmatch(entry.action) is not None and len(entry.action) <= MAX_CODE,
           "action", "is not a dotted verb")  # fmt: skip
    return {
        "v": ENTRY_VERSION,
        "index": entry.index,
        "id": str(entry.id),
        "time": entry.time.astimezone(UTC).strftime(_TIME_FORMAT),
        "tenant": str(entry.tenant),
        "actor": _actor(entry.actor),
        "action": entry.action,
        "objects": [_object(ref) for ref in entry.objects],
        "policy": _policy(entry.policy),
        "consent": None if entry.consent is None else str(entry.consent),
        "context_hash": _hash_ref(entry.context_hash, "context_hash"),
        "details": {name: _detail(name, value) for name, value in entry.details.items()},
    }


def read_entry(data: bytes) -> AuditEntry:
    """The entry whose canonical bytes are ``data``; ValueError unless they are exactly so."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or set(doc) != _MEMBERS or doc["v"] != ENTRY_VERSION:
        raise ValueError("not an audit entry of format 1")
    try:
        entry = _from_document(doc)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"a member of the entry is malformed: {exc}") from exc
    if entry_bytes(entry) != data:
        raise ValueError("the entry is not in canonical form")
    return entry


def _from_document(doc: dict[str, Any]) -> AuditEntry:
    actor, policy = doc["actor"], doc["policy"]
    return AuditEntry(
        index=doc["index"],
        id=uuid.UUID(doc["id"]),
        time=datetime.strptime(doc["time"], _TIME_FORMAT).replace(tzinfo=UTC),
        tenant=uuid.UUID(doc["tenant"]),
        actor=EntryActor(
            actor["type"],
            None if actor["id"] is None else uuid.UUID(actor["id"]),
            tuple(actor["roles"]),
        ),
        action=doc["action"],
        objects=tuple(ObjectRef(o["type"], o["id"], o["code"]) for o in doc["objects"]),
        policy=None if policy is None else PolicyRef(tuple(policy["ids"]), policy["set_hash"]),
        consent=None if doc["consent"] is None else uuid.UUID(doc["consent"]),
        context_hash=doc["context_hash"],
        details=doc["details"],
    )


def _check(ok: bool, member: str, problem: str) -> None:
    if not ok:
        raise ValueError(f"audit entry {member} {problem}")


def _actor(actor: EntryActor) -> dict[str, Any]:
    _check(actor.type in ("user", "token", "system"), "actor.type", "is unknown")
    _check((actor.id is None) == (actor.type == "system"), "actor.id", "does not fit its type")
    _check(all(_NAME.fullmatch(r) for r in actor.roles), "actor.roles", "are not role names")
    return {
        "type": actor.type,
        "id": None if actor.id is None else str(actor.id),
        "roles": sorted(set(actor.roles)),
    }


def _object(ref: ObjectRef) -> dict[str, Any]:
    _check(_NAME.fullmatch(ref.type) is not None, "objects.type", f"{ref.type!r} is not a kind")
    _check(_OBJECT_ID.fullmatch(ref.id) is not None, "objects.id", "is not an id")
    _check(ref.code is None or _CODE.fullmatch(ref.code) is not None, "objects.code",
           "is not a pseudonym code")  # fmt: skip
    return {"type": ref.type, "id": ref.id, "code": ref.code}


def _policy(policy: PolicyRef | None) -> dict[str, Any] | None:
    if policy is None:
        return None
    ids = all(i and _CODE_TEXT.fullmatch(i) for i in policy.ids)
    _check(ids, "policy.ids", "are not ids")
    return {"ids": sorted(set(policy.ids)), "set_hash": _hash_ref(policy.set_hash, "set_hash")}


def _hash_ref(value: str | None, member: str) -> str | None:
    _check(value is None or _HASH_REF.fullmatch(value) is not None, member, "is not sha256:<hex>")
    return value


def _detail(name: str, value: DetailValue) -> DetailValue:
    _check(_NAME.fullmatch(name) is not None, f"details.{name}", "is not a detail name")
    # XXX: long strings are how narratives leak into logs; keep details to codes.
    if isinstance(value, list):
        codes = all(isinstance(item, str) and _CODE_TEXT.fullmatch(item) for item in value)
        _check(codes, f"details.{name}", "is not a list of codes")
        return list(value)
    if isinstance(value, str):
        _check(_CODE_TEXT.fullmatch(value) is not None, f"details.{name}", "is not a code")
    elif isinstance(value, int) and not isinstance(value, bool):
        _check(abs(value) <= MAX_INT, f"details.{name}", "is beyond 2**53 - 1")
    else:
        _check(value is None or isinstance(value, bool), f"details.{name}",
               "is not a code, a count or a flag")  # fmt: skip
    return value
