"""Audit entries: their canonical bytes (RFC 8785) and what they refuse to carry."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785

from app.audit.actions import AuditAction
from app.audit.entries import (
    AuditEntry,
    EntryActor,
    ObjectRef,
    PolicyRef,
    context_hash,
    entry_bytes,
    read_entry,
)

HASH = "sha256:" + "ab" * 32
ENTRY = AuditEntry(
    index=41,
    id=uuid.UUID("00000000-0000-4000-8000-000000000041"),
    time=datetime(2026, 11, 23, 23, 17, 5, 123456, tzinfo=timezone(timedelta(hours=1))),
    tenant=uuid.UUID("3f1c7a2e-0000-4000-8000-000000000001"),
    actor=EntryActor("user", uuid.UUID("00000000-0000-4000-8000-0000000000aa"),
                     ("supervisor", "caseworker")),
    action="disclosure.decided",
    objects=(ObjectRef("client", "00000000-0000-4000-8000-0000000000c1", "K7-MORA-42"),),
    policy=PolicyRef(("fr-default/immigration-needs-court-order", "fr-default/base"), HASH),
    consent=uuid.UUID("00000000-0000-4000-8000-0000000000cc"),
    context_hash=HASH,
    details={"outcome": "deny", "fields": ["dob", "name"], "count": 2, "minor": False,
             "note": None},
)  # fmt: skip


def test_an_entry_is_exactly_this_canonical_json() -> None:
    assert entry_bytes(ENTRY) == (
        b'{"action":"disclosure.decided",'
        b'"actor":{"id":"00000000-0000-4000-8000-0000000000aa",'
        b'"roles":["caseworker","supervisor"],"type":"user"},'
        b'"consent":"00000000-0000-4000-8000-0000000000cc",'
        b'"context_hash":"' + HASH.encode() + b'",'
        b'"details":{"count":2,"fields":["dob","name"],"minor":false,"note":null,'
        b'"outcome":"deny"},'
        b'"id":"00000000-0000-4000-8000-000000000041","index":41,'
        b'"objects":[{"code":"K7-MORA-42","id":"00000000-0000-4000-8000-0000000000c1",'
        b'"type":"client"}],'
        b'"policy":{"ids":["fr-default/base","fr-default/immigration-needs-court-order"],'
        b'"set_hash":"' + HASH.encode() + b'"},'
        b'"tenant":"3f1c7a2e-0000-4000-8000-000000000001",'
        b'"time":"2026-11-23T22:17:05.123456Z","v":1}'
    )


def test_a_minimal_system_entry_has_every_member_with_nulls() -> None:
    entry = AuditEntry(0, ENTRY.id, datetime(2026, 1, 1, tzinfo=UTC), ENTRY.tenant,
                       EntryActor("system"), "keys.rotated")  # fmt: skip
    assert entry_bytes(entry) == rfc8785.dumps({
        "v": 1, "index": 0, "id": str(ENTRY.id), "time": "2026-01-01T00:00:00.000000Z",
        "tenant": str(ENTRY.tenant), "actor": {"type": "system", "id": None, "roles": []},
        "action": "keys.rotated", "objects": [], "policy": None, "consent": None,
        "context_hash": None, "details": {},
    })  # fmt: skip


def test_entries_read_back_and_only_canonical_bytes_are_accepted() -> None:
    data = entry_bytes(ENTRY)
    again = read_entry(data)
    assert entry_bytes(again) == data
    assert again.time == ENTRY.time and again.details == ENTRY.details
    for other in (
        data.replace(b'{"action"', b'{ "action"'),  # not canonical whitespace
        data.replace(b'"index":41', b'"index":41.0'),
        data.replace(
            b'"roles":["caseworker","supervisor"]', b'"roles":["supervisor","caseworker"]'
        ),
        data.replace(b',"v":1}', b',"v":1,"w":2}'),
        data.replace(b'"actor":{"id"', b'"actor":{"xid"'),
    ):
        with pytest.raises(ValueError):
            read_entry(other)


def test_the_context_hash_does_not_depend_on_key_order() -> None:
    one = context_hash({"recipient": "police", "purpose": "prosecution", "minor": False})
    two = context_hash({"minor": False, "purpose": "prosecution", "recipient": "police"})
    assert one == two != context_hash({"recipient": "court", "purpose": "prosecution",
                                       "minor": False})  # fmt: skip
    assert one.startswith("sha256:") and len(one) == 71


def bad(**changes: Any) -> AuditEntry:
    return dataclasses.replace(ENTRY, **changes)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (bad(details={"narrative": "Maria told us she was brought from Chisinau in May"}),
         "is not a code"),
        (bad(details={"code": "x" * 65}), "is not a code"),
        (bad(details={"code": "two\nlines"}), "is not a code"),
        (bad(details={"fields": ["x" * 65]}), "not a list of codes"),
        (bad(details={"fields": [1, 2]}), "not a list of codes"),
        (bad(details={"score": 0.5}), "not a code, a count or a flag"),
        (bad(details={"count": 2**53}), "beyond 2\\*\\*53"),
        (bad(details={"Bad Name": 1}), "not a detail name"),
        (bad(time=datetime(2026, 1, 1)), "has no time zone"),
        (bad(index=-1), "is negative"),
        (bad(action="Client Reveal"), "not a dotted verb"),
        (bad(actor=EntryActor("system", ENTRY.actor.id)), "does not fit its type"),
        (bad(actor=EntryActor("user")), "does not fit its type"),
        (bad(actor=EntryActor("user", ENTRY.actor.id, ("Case Worker",))), "not role names"),
        (bad(objects=(ObjectRef("client", "an id with spaces"),)), "is not an id"),
        (bad(objects=(ObjectRef("client", "1", "Maria Popescu"),)), "not a pseudonym code"),
        (bad(context_hash="md5:abc"), "not sha256"),
        (bad(policy=PolicyRef(("",), HASH)), "are not ids"),
    ],
)  # fmt: skip
def test_entries_refuse_what_is_not_a_code(entry: AuditEntry, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        entry_bytes(entry)


def test_an_audit_action_is_written_as_its_name() -> None:
    # Events written before the names were unified keep their old names: any dotted verb.
    named = dataclasses.replace(ENTRY, action=AuditAction.client_revealed)
    assert entry_bytes(named) == entry_bytes(dataclasses.replace(ENTRY, action="client.revealed"))
    assert b'"action":"grants.created"' in entry_bytes(
        dataclasses.replace(ENTRY, action="grants.created")
    )
