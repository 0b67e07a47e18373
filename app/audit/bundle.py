"""Writing audit bundles: what an auditor downloads and verifies offline.

The format is docs/audit-bundle.md; :mod:`app.audit.verifier` reads it. A bundle holds a
range of the organisation's entries, the signed checkpoint they are checked against, the
verifier keys, and the proofs:

- the whole log (``start`` 0, every entry the checkpoint covers): no inclusion proofs, the
  auditor recomputes the root; ``leaf-hashes.bin`` lets the verifier say which entry
  differs when the root does not match;
- a range: one RFC 9162 inclusion proof per entry.

XXX: ``tree`` must be built from the leaf hashes recorded when the log was extended up to
the checkpoint, not recomputed from today's rows: only then do the proofs and leaf hashes
still point at an entry that was changed after it was checkpointed.
"""

from __future__ import annotations

import base64
import json
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO

from app.audit.merkle import MerkleTree
from app.audit.verifier import BUNDLE_FORMAT, parse_checkpoint, split_note

#: Entries written per chunk: bounded memory whatever the size of the log.
_CHUNK = 10_000


def write_bundle(
    target: str | os.PathLike[str] | IO[bytes],
    *,
    entries: Sequence[bytes],
    start: int,
    tree: MerkleTree,
    signed_checkpoint: str,
    verifier_keys: Sequence[str],
    consistency_from: Sequence[int] = (),
    info: Mapping[str, str] | None = None,
    as_zip: bool = True,
    end: int | None = None,
) -> None:
    """Write a bundle of ``entries`` (log indexes ``start``...) as a zip file or a directory.

    ``tree`` is the tree ``signed_checkpoint`` signed; ``verifier_keys`` are vkey texts,
    the current key first; ``consistency_from`` the sizes of earlier checkpoints to prove
    this one extends; ``info`` informational manifest members (period, creation time).
    ``end``: one past the last index the bundle stands for, when some entries of
    ``[start, end)`` no longer exist (the database lost them): the bundle still claims the
    range, so the verifier names the missing ones.
    """
    checkpoint = parse_checkpoint(split_note(signed_checkpoint.encode())[0])
    end = start + len(entries) if end is None else end
    if len(entries) > end - start:
        raise ValueError("more entries than the range holds")
    if checkpoint.size != tree.size or checkpoint.root != tree.root():
        raise ValueError("the tree is not the one the checkpoint signed")
    if not 0 <= start <= end <= tree.size:
        raise ValueError(f"entries [{start}, {end}) are not in a log of {tree.size}")
    whole = start == 0 and end == tree.size
    manifest = {**(info or {}), "format": BUNDLE_FORMAT, "start": start, "end": end}
    proofs = {
        "inclusion": [] if whole else [_b64(tree.inclusion_proof(i)) for i in range(start, end)],
        "consistency": [
            {"old_size": size, "path": _b64(tree.consistency_proof(size))}
            for size in sorted(set(consistency_from))
        ],
    }
    files: list[tuple[str, Iterable[bytes]]] = [
        ("manifest.json", [json.dumps(manifest, indent=1, sort_keys=True).encode() + b"\n"]),
        ("checkpoint.txt", [signed_checkpoint.encode()]),
        ("key.vkey", ["".join(f"{key}\n" for key in verifier_keys).encode()]),
        ("entries.jsonl", _lines(entries)),
        ("proofs.json", [json.dumps(proofs, separators=(",", ":")).encode()]),
    ]
    if whole:
        files.append(("leaf-hashes.bin", [b"".join(tree.leaf_hashes)]))
    if as_zip:
        _write_zip(target, files)
    elif isinstance(target, str | os.PathLike):
        _write_directory(target, files)
    else:
        raise TypeError("a bundle directory needs a path")


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def _lines(entries: Sequence[bytes]) -> Iterator[bytes]:
    for i in range(0, len(entries), _CHUNK):
        chunk = entries[i : i + _CHUNK]
        joined = b"\n".join(chunk) + b"\n"
        if joined.count(b"\n") != len(chunk):
            raise ValueError("an entry holds a newline: it is not canonical JSON")
        yield joined


def _write_zip(
    target: str | os.PathLike[str] | IO[bytes], files: list[tuple[str, Iterable[bytes]]]
) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, chunks in files:
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)


def _write_directory(
    target: str | os.PathLike[str], files: list[tuple[str, Iterable[bytes]]]
) -> None:
    os.makedirs(target)
    for name, chunks in files:
        with open(os.path.join(target, name), "wb") as out:
            for chunk in chunks:
                out.write(chunk)
