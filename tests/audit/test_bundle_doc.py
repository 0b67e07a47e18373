"""docs/audit-bundle.md's worked example is what the code makes, and a bundle that verifies."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.entries import AuditEntry, EntryActor, ObjectRef, entry_bytes
from app.audit.merkle import MerkleTree
from app.audit.notes import origin_for, sign_checkpoint, verifier_key
from app.audit.verifier import BUNDLE_FORMAT, Checkpoint, leaf_hash, parse_vkey, verify_bundle

DOC = (Path(__file__).resolve().parents[2] / "docs" / "audit-bundle.md").read_text()
TENANT = uuid.UUID("3f1c7a2e-5b7d-4c1e-9a2b-0c8d6e4f1a3b")
USER = uuid.UUID("6d2e8f1a-3b4c-4d5e-8f6a-7b8c9d0e1f2a")
CASEWORKER = EntryActor("user", USER, ("caseworker",))
EXAMPLE = [
    AuditEntry(0, uuid.UUID("0b9c6f3e-2d1a-4e8b-9c7d-5a4f3e2d1c0b"),
               datetime(2026, 11, 23, 9, 15, 2, 417000, tzinfo=UTC), TENANT, CASEWORKER,
               "case.opened",
               objects=(ObjectRef("case", "4f3e2d1c-0b9a-4887-a665-544332211000"),),
               details={"client": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"}),
    AuditEntry(1, uuid.UUID("1c0d7a4f-3e2b-4f9c-8d1e-6b5a4f3e2d1c"),
               datetime(2026, 11, 23, 9, 16, 40, 5123, tzinfo=UTC), TENANT, CASEWORKER,
               "client.revealed",
               objects=(ObjectRef("client", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "K7-MORA-42"),),
               details={"field": "name"}),
    AuditEntry(2, uuid.UUID("2d1e8b5a-4f3c-4a0d-9e2f-7c6b5a4f3e2d"),
               datetime(2026, 11, 23, 9, 20, tzinfo=UTC), TENANT, EntryActor("system"),
               "member.sessions_revoked",
               objects=(ObjectRef("user", "6d2e8f1a-3b4c-4d5e-8f6a-7b8c9d0e1f2a"),),
               details={"count": 2}),
]  # fmt: skip
#: Test only: the seed 0x00 0x01 ... 0x1f, as the document says.
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_every_value_of_the_example_is_what_the_code_makes() -> None:
    entries = [entry_bytes(e) for e in EXAMPLE]
    tree = MerkleTree.from_entries(entries)
    origin = origin_for("haven.example.org", TENANT)
    signed = sign_checkpoint(Checkpoint(origin, 3, tree.root()), KEY)
    expected = [
        *(e.decode() for e in entries),
        *(leaf_hash(e).hex() for e in entries),
        tree.root().hex(),
        str(verifier_key(origin, KEY)),
        *signed.splitlines(),
        json.dumps([b64(h) for h in tree.inclusion_proof(1)]),
        b64(tree.root(2)),
        json.dumps({"old_size": 2, "path": [b64(h) for h in tree.consistency_proof(2)]}),
    ]
    missing = [value for value in expected if value not in DOC]
    assert not missing


def code_blocks() -> list[str]:
    """The document's fenced blocks, without their indentation."""
    found = re.findall(r"^( *)```\w*\n(.*?)^\1```", DOC, flags=re.S | re.M)
    return [re.sub(f"(?m)^{indent}", "", body) for indent, body in found]


def test_the_example_in_the_document_verifies(tmp_path: Path) -> None:
    blocks = code_blocks()
    entries = next(b for b in blocks if b.startswith('{"action"'))
    vkey = next(b for b in blocks if "+da46e75c+" in b).strip()
    note = next(b for b in blocks if b.startswith("haven.example.org/") and "\n3\n" in b)
    bundle = tmp_path / "example"
    bundle.mkdir()
    (bundle / "entries.jsonl").write_text(entries)
    (bundle / "checkpoint.txt").write_text(note)
    manifest = {"format": BUNDLE_FORMAT, "start": 0, "end": 3}
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    (bundle / "key.vkey").write_text(vkey + "\n")
    report = verify_bundle(bundle, keys=[parse_vkey(vkey)])
    assert report.ok and report.checkpoint is not None and report.checkpoint.size == 3
