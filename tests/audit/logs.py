"""Small organisation logs and their bundles, for the verifier's tests."""

from __future__ import annotations

import dataclasses
import io
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.bundle import write_bundle
from app.audit.entries import AuditEntry, EntryActor, ObjectRef, entry_bytes, read_entry
from app.audit.merkle import MerkleTree
from app.audit.notes import new_signing_key, origin_for, sign_checkpoint, verifier_key
from app.audit.verifier import Checkpoint, VerifierKey

TENANT = uuid.UUID("3f1c7a2e-0000-4000-8000-000000000001")
ORIGIN = origin_for("haven.example.org", TENANT)
KEY = new_signing_key()
ACTIONS = ("client.revealed", "case.opened", "client.searched", "member.added", "referral.sent")


def make_entry(index: int, salt: int = 0) -> bytes:
    return entry_bytes(
        AuditEntry(
            index=index,
            id=uuid.UUID(int=(salt << 64) + index + 1),
            time=datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=index),
            tenant=TENANT,
            actor=EntryActor("user", uuid.UUID(int=7), ("caseworker",)),
            action=ACTIONS[index % len(ACTIONS)],
            objects=(
                ObjectRef("client", str(uuid.UUID(int=1000 + index % 9)), f"K7-MO-{index % 9}"),
            ),
            details={"field": "name", "count": index},
        )
    )


ENTRIES = [make_entry(i) for i in range(64)]


def forged(entry: bytes, **changes: object) -> bytes:
    """The entry as someone with write access to the table would change it."""
    original = read_entry(entry)
    changes = changes or {"details": {**original.details, "field": "dob"}}
    return entry_bytes(dataclasses.replace(original, **changes))  # type: ignore[arg-type]


@dataclass
class Log:
    entries: list[bytes]
    key: Ed25519PrivateKey = field(default=KEY)
    origin: str = ORIGIN

    def __post_init__(self) -> None:
        self.tree = MerkleTree.from_entries(self.entries)

    @property
    def vkey(self) -> VerifierKey:
        return verifier_key(self.origin, self.key)

    def checkpoint(self, size: int | None = None) -> str:
        size = self.tree.size if size is None else size
        return sign_checkpoint(Checkpoint(self.origin, size, self.tree.root(size)), self.key)

    def bundle(
        self, start: int = 0, end: int | None = None, *, size: int | None = None,
        consistency_from: tuple[int, ...] = (),
    ) -> bytes:  # fmt: skip
        size = self.tree.size if size is None else size
        end = size if end is None else end
        out = io.BytesIO()
        write_bundle(
            out,
            entries=self.entries[start:end],
            start=start,
            tree=MerkleTree(list(self.tree.leaf_hashes[:size])),
            signed_checkpoint=self.checkpoint(size),
            verifier_keys=[str(self.vkey)],
            consistency_from=consistency_from,
        )
        return out.getvalue()


def files(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(bundle: bytes, changed: dict[str, bytes | None]) -> bytes:
    """The bundle with files replaced (None deletes the file)."""
    contents = files(bundle)
    for name, data in changed.items():
        if data is None:
            del contents[name]
        else:
            contents[name] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return out.getvalue()


def lines(bundle: bytes) -> list[bytes]:
    return files(bundle)["entries.jsonl"].split(b"\n")[:-1]


def with_lines(bundle: bytes, new: list[bytes]) -> bytes:
    return rewrite(bundle, {"entries.jsonl": b"".join(line + b"\n" for line in new)})
