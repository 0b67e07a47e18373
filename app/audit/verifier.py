#!/usr/bin/env python3
"""Verify a Haven audit bundle offline. Standard library and ``cryptography`` only.

Usage::

    python haven_verify.py BUNDLE [--since OLD_CHECKPOINT] [--key VKEY]... [--check-json]

BUNDLE is a ``.zip`` file or a directory laid out as ``docs/audit-bundle.md`` describes:
``manifest.json``, ``checkpoint.txt``, ``key.vkey``, ``entries.jsonl`` and, as needed,
``proofs.json`` and ``leaf-hashes.bin``. The verifier checks

1. the checkpoint (a C2SP ``tlog-checkpoint`` signed note) is signed by a trusted Ed25519
   key whose name is the checkpoint's origin (``--key``, else the keys in ``key.vkey``);
2. every entry is in the checkpoint's RFC 6962 Merkle tree at its index: by recomputing
   the root when the bundle holds the whole log, else by RFC 9162 inclusion proofs;
3. with ``--since``, that the checkpoint you kept from an earlier bundle is a prefix of
   this one (RFC 9162 consistency), and not a fork or a rollback.

On failure it names the entries (by index, and by line of ``entries.jsonl``) or the
checkpoint that fails and why, and exits 1 (2 when the input cannot be read at all).

This file is ``app/audit/verifier.py`` in Haven's repository and is served unchanged as
``haven_verify.py``; Haven's own code imports its hashing from here, so there is one
implementation. XXX: it must keep importing nothing from Haven (a test runs a copy of it
alone, in an isolated interpreter).
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
#: MTH({}) in RFC 6962: the root of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()
BUNDLE_FORMAT = "haven-audit-bundle/1"
#: The signed-note signature type byte for Ed25519.
ED25519 = 0x01
#: signed-note: verifiers must accept at least 16 signatures; more than this is refused.
MAX_SIGNATURES = 64
#: Failures listed one by one in the printed report; the rest are counted.
SHOWN_FAILURES = 50

_sha256 = hashlib.sha256


class VerifyError(Exception):
    """A proof, note, checkpoint or bundle that does not verify; the message says why."""


class ProofError(VerifyError):
    pass


class NoteError(VerifyError):
    pass


class BundleError(VerifyError):
    pass


# --- RFC 6962 / RFC 9162 Merkle trees -------------------------------------------------


def leaf_hash(entry: bytes) -> bytes:
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return _sha256(b"\x01" + left + right).digest()


class TreeLevels:
    """The hashes of every perfect subtree of a tree, level by level.

    Level 0 holds the leaf hashes; level k holds the hash of each aligned run of 2**k
    leaves. Any RFC 6962 subtree (hence any root, and any node of a proof) is then a
    fold of at most log2(n) stored hashes. Building costs n - 1 node hashes; the levels
    hold about 2n hashes (about 150 MB for a million leaves).
    """

    def __init__(self, leaves: list[bytes]) -> None:
        sha = _sha256
        self._levels = [leaves]
        level = leaves
        while len(level) > 1:
            level = [
                sha(b"\x01" + a + b).digest()
                for a, b in zip(level[0::2], level[1::2], strict=False)
            ]
            self._levels.append(level)
        self.size = len(leaves)

    def subtree(self, start: int, size: int) -> bytes:
        """MTH(D[start:start+size]); ``start`` aligned as RFC 6962 subtrees always are."""
        if size <= 0 or start < 0 or start + size > self.size:
            raise ValueError(f"no subtree [{start}, {start + size}) in a tree of {self.size}")
        if start % (1 << (size - 1).bit_length()):
            raise ValueError(f"[{start}, {start + size}) is not an RFC 6962 subtree")
        parts = []
        while size:
            level = size.bit_length() - 1
            parts.append(self._levels[level][start >> level])
            start += 1 << level
            size -= 1 << level
        digest = parts.pop()
        while parts:
            digest = node_hash(parts.pop(), digest)
        return digest

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (all of them by default)."""
        size = self.size if size is None else size
        return EMPTY_ROOT if size == 0 else self.subtree(0, size)


def merkle_root(leaves: list[bytes]) -> bytes:
    return TreeLevels(leaves).root()


def _check_hashes(*hashes: bytes) -> None:
    for digest in hashes:
        if len(digest) != HASH_SIZE:
            raise ProofError(f"a hash of {len(digest)} bytes where {HASH_SIZE} are needed")


def inclusion_root(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root an inclusion path leads to: RFC 9162 section 2.1.3.2, steps 1 to 5."""
    _check_hashes(leaf, *path)
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of {size} entries")
    sha, fn, sn, digest = _sha256, index, size - 1, leaf
    for sibling in path:  # node hashes inline: this loop runs for every entry of a range
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            digest = sha(b"\x01" + sibling + digest).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            digest = sha(b"\x01" + digest + sibling).digest()
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    return digest


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``leaf`` is at ``index`` in the tree of ``size`` with ``root``."""
    _check_hashes(root)
    if inclusion_root(index, size, leaf, path) != root:
        raise ProofError(f"the inclusion proof for index {index} does not lead to the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, path: Sequence[bytes]
) -> None:
    """Raise ProofError unless the old tree is a prefix of the new: RFC 9162 2.1.4.2."""
    _check_hashes(old_root, new_root, *path)
    if not 0 <= old_size <= new_size:
        raise ProofError(f"a tree of {new_size} cannot extend one of {old_size}")
    if old_size == new_size:
        if path:
            raise ProofError("a consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}: a fork")
        return
    if old_size == 0:
        if path:
            raise ProofError("a consistency proof from the empty tree must be empty")
        return
    if not path:
        raise ProofError("the consistency proof is empty")
    nodes = [old_root, *path] if old_size & (old_size - 1) == 0 else list(path)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = nodes[0]
    for c in nodes[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the tree is deep")
    if fr != old_root:
        raise ProofError(f"the consistency proof does not lead to the old root (size {old_size})")
    if sr != new_root:
        raise ProofError(f"the consistency proof does not lead to the new root (size {new_size})")


# --- C2SP signed-note and tlog-checkpoint -----------------------------------------------


def note_key_id(name: str, public_key: bytes) -> bytes:
    """signed-note key ID: SHA-256(name || 0x0A || 0x01 || Ed25519 public key)[:4]."""
    return _sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def valid_key_name(name: str) -> bool:
    """signed-note: key names are non-empty, without Unicode spaces, '+' or controls."""
    return bool(name) and not any(c.isspace() or c == "+" or ord(c) < 0x20 for c in name)


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise NoteError(f"{what} is not standard base64") from exc


@dataclass(frozen=True)
class VerifierKey:
    """A signed-note Ed25519 verifier key, written ``name+hex(key id)+base64(0x01||key)``."""

    name: str
    key_id: bytes
    public_key: bytes

    def __str__(self) -> str:
        encoded = base64.b64encode(bytes([ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"


def parse_vkey(text: str) -> VerifierKey:
    name, _, rest = text.strip().partition("+")
    hex_id, _, encoded = rest.partition("+")
    if not valid_key_name(name):
        raise NoteError(f"verifier key {text.strip()!r}: the name is not a valid key name")
    if not re.fullmatch(r"[0-9a-f]{8}", hex_id):
        raise NoteError(f"verifier key {name}: the key id is not 8 lowercase hex digits")
    raw = _b64decode(encoded, f"verifier key {name}")
    if len(raw) != 33 or raw[0] != ED25519:
        raise NoteError(f"verifier key {name}: not an Ed25519 (type 0x01) key")
    key = VerifierKey(name, bytes.fromhex(hex_id), raw[1:])
    if note_key_id(name, key.public_key) != key.key_id:
        raise NoteError(f"verifier key {name}: the key id does not match the key")
    return key


def split_note(note: bytes) -> tuple[str, list[str]]:
    """A signed note's text (with its final newline) and its signature lines, unverified."""
    try:
        text = note.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NoteError("the note is not UTF-8") from exc
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("the note holds control characters other than newline")
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n"):
        raise NoteError("the note has no blank line before its signature lines")
    lines = text[split + 2 : -1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"the note has more than {MAX_SIGNATURES} signatures")
    return text[: split + 1], lines


def open_note(note: bytes, keys: Sequence[VerifierKey]) -> tuple[str, VerifierKey]:
    """The note's text and the trusted key that signed it; NoteError if none did.

    As signed-note says: signatures by unknown keys are ignored, and one by a known key
    that fails to verify rejects the whole note.
    """
    text, lines = split_note(note)
    trusted = {(k.name, k.key_id): k for k in keys}
    signed_by: VerifierKey | None = None
    seen = []
    for line in lines:
        name, _, encoded = line.removeprefix("\u2014 ").partition(" ")
        if not line.startswith("\u2014 ") or not valid_key_name(name):
            raise NoteError(f"malformed signature line {line!r}")
        raw = _b64decode(encoded, f"the signature by {name}")
        if len(raw) < 5:
            raise NoteError(f"the signature by {name} is too short")
        seen.append(f"{name}+{raw[:4].hex()}")
        key = trusted.get((name, raw[:4]))
        if key is None:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public_key).verify(raw[4:], text.encode())
        except InvalidSignature as exc:
            raise NoteError(f"the signature by {seen[-1]} does not verify") from exc
        signed_by = signed_by or key
    if signed_by is None:
        trusted_names = ", ".join(f"{k.name}+{k.key_id.hex()}" for k in keys) or "none"
        raise NoteError(
            f"no signature by a trusted key (signed by: {', '.join(seen) or 'nobody'};"
            f" trusted: {trusted_names})"
        )
    return text, signed_by


@dataclass(frozen=True)
class Checkpoint:
    """A C2SP tlog-checkpoint: origin, tree size, RFC 6962 root, extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines.pop() != "":
        raise NoteError("a checkpoint has at least three lines, each ending in newline")
    origin, size, root, *extensions = lines
    if not origin:
        raise NoteError("the checkpoint's origin line is empty")
    if not re.fullmatch(r"0|[1-9][0-9]{0,18}", size):
        raise NoteError(f"the checkpoint's tree size {size!r} is not a decimal number")
    digest = _b64decode(root, "the checkpoint's root hash")
    if len(digest) != HASH_SIZE:
        raise NoteError("the checkpoint's root hash is not 32 bytes")
    if not all(extensions):
        raise NoteError("the checkpoint has an empty extension line")
    return Checkpoint(origin, int(size), digest, tuple(extensions))


def open_checkpoint(note: bytes, keys: Sequence[VerifierKey]) -> tuple[Checkpoint, VerifierKey]:
    """Verify a signed checkpoint; its signer's key name must be its origin."""
    text, key = open_note(note, keys)
    checkpoint = parse_checkpoint(text)
    if key.name != checkpoint.origin:
        raise NoteError(f"signed by key {key.name}, not by the log {checkpoint.origin}")
    return checkpoint, key


# --- Bundles ----------------------------------------------------------------------------


class Bundle:
    """The files of a bundle, from a directory or a zip archive (members at its root)."""

    def __init__(self, source: str | os.PathLike[str] | IO[bytes]) -> None:
        self._dir: str | None = None
        self._zip: zipfile.ZipFile | None = None
        if isinstance(source, str | os.PathLike) and os.path.isdir(source):
            self._dir = os.fspath(source)
            return
        try:
            self._zip = zipfile.ZipFile(source)
        except (OSError, zipfile.BadZipFile) as exc:
            raise BundleError(f"{source}: neither a directory nor a zip file ({exc})") from exc

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def has(self, name: str) -> bool:
        if self._zip is not None:
            return name in self._zip.namelist()
        return os.path.isfile(os.path.join(self._dir or "", name))

    def open(self, name: str) -> IO[bytes]:
        if not self.has(name):
            raise BundleError(f"the bundle has no {name}")
        if self._zip is not None:
            return self._zip.open(name)
        return open(os.path.join(self._dir or "", name), "rb")

    def read(self, name: str) -> bytes:
        with self.open(name) as stream:
            return stream.read()


@dataclass
class Proofs:
    """``proofs.json``: inclusion paths for a range, consistency paths from older sizes."""

    #: One path per entry of the range; None where a path cannot be decoded (that entry
    #: then fails, as with any other wrong proof).
    inclusion: list[list[bytes] | None] = field(default_factory=list)
    consistency: dict[int, list[bytes] | None] = field(default_factory=dict)


def _hash_list(value: object) -> list[bytes] | None:
    # The plain decoder, not base64.b64decode(validate=True), which is several times
    # slower on the twenty-odd hashes per entry of a range: whatever a sloppy encoding
    # decodes to is hashed and compared, so it can only make a proof fail.
    if not isinstance(value, list):
        return None
    try:
        return [binascii.a2b_base64(h) for h in value]
    except (TypeError, ValueError):
        return None


def read_proofs(bundle: Bundle) -> Proofs:
    if not bundle.has("proofs.json"):
        return Proofs()
    try:
        data = json.loads(bundle.read("proofs.json"))
    except ValueError as exc:
        raise BundleError(f"proofs.json is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise BundleError("proofs.json is not a JSON object")
    inclusion = data.get("inclusion", [])
    if not isinstance(inclusion, list):
        raise BundleError("proofs.json: inclusion is not a list")
    proofs = Proofs([_hash_list(path) for path in inclusion])
    for i, item in enumerate(data.get("consistency", [])):
        size = item.get("old_size") if isinstance(item, dict) else None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise BundleError(f"proofs.json: consistency[{i}] has no old_size")
        proofs.consistency[size] = _hash_list(item.get("path"))
    return proofs


def read_range(bundle: Bundle) -> tuple[int, int]:
    """The manifest's [start, end): which entries of the log ``entries.jsonl`` holds."""
    try:
        manifest = json.loads(bundle.read("manifest.json"))
    except ValueError as exc:
        raise BundleError(f"manifest.json is not JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"manifest.json: format is not {BUNDLE_FORMAT!r}")
    start, end = manifest.get("start"), manifest.get("end")
    for value in (start, end):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise BundleError("manifest.json: start and end must be whole numbers")
    assert isinstance(start, int) and isinstance(end, int)
    if start > end:
        raise BundleError(f"manifest.json: start {start} is after end {end}")
    return start, end


def read_keys(text: str) -> list[VerifierKey]:
    """Verifier keys, one per line (blank lines and ``#`` comments ignored)."""
    lines = [line.strip() for line in text.splitlines()]
    return [parse_vkey(line) for line in lines if line and not line.startswith("#")]


class EntryLines:
    """The lines of ``entries.jsonl`` in chunks, without their newlines."""

    def __init__(self, stream: IO[bytes], chunk_size: int = 1 << 23) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        #: True when the file does not end with a newline (cut short, or edited by hand).
        self.unterminated = False

    def __iter__(self) -> Iterator[list[bytes]]:
        tail = b""
        while chunk := self._stream.read(self._chunk_size):
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            if lines:
                yield lines
        if tail:
            self.unterminated = True
            yield [tail]


_INDEX_KEY = b'"index":'
_INDEX_VALUE = re.compile(rb"(0|[1-9][0-9]{0,18})[,}]")


def declared_index(entry: bytes) -> int | None:
    """The entry's top-level ``index`` member, or None.

    In an entry laid out as docs/audit-bundle.md says, the last ``"index":`` in the
    bytes is the top-level member: JSON escapes quotes inside strings, and no member
    sorted after ``index`` holds an object with an ``index`` key. ``--check-json`` parses
    every entry instead.
    """
    at = entry.rfind(_INDEX_KEY)
    match = _INDEX_VALUE.match(entry, at + len(_INDEX_KEY)) if at > 0 else None
    return int(match.group(1)) if match else None


def _json_index(entry: bytes) -> int | None:
    try:
        value = json.loads(entry)
    except ValueError:
        return None
    index = value.get("index") if isinstance(value, dict) else None
    return index if isinstance(index, int) and not isinstance(index, bool) else None


# --- Verification -----------------------------------------------------------------------


@dataclass(frozen=True)
class Failure:
    """One thing that does not verify.

    ``kind`` is one of: ``signature``, ``range``, ``bundle`` (the checkpoint or the
    bundle's own files); ``missing``, ``altered``, ``inserted``, ``out_of_order``,
    ``duplicate``, ``malformed`` (entries); ``unlocated`` (the entries do not hash to the
    root and the bundle cannot show which); ``fork``, ``rollback``, ``inconsistent``
    (against the checkpoint you kept). ``first`` and ``last`` are the log indexes
    concerned, or None for the checkpoint or the bundle as a whole.
    """

    kind: str
    message: str
    first: int | None = None
    last: int | None = None


@dataclass
class Report:
    start: int = 0
    end: int = 0
    checkpoint: Checkpoint | None = None
    key: VerifierKey | None = None
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def verify_bundle(
    source: str | os.PathLike[str] | IO[bytes],
    keys: Sequence[VerifierKey] | None = None,
    since: bytes | None = None,
    check_json: bool = False,
) -> Report:
    """Verify a bundle against trusted ``keys`` (default: its own ``key.vkey``).

    ``since`` is a signed checkpoint kept from an earlier bundle. Raises BundleError when
    the bundle cannot be read at all; everything else that fails is in the report.
    """
    try:
        with Bundle(source) as bundle:
            return _verify(bundle, keys, since, check_json)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise BundleError(f"the zip file is damaged: {exc}") from exc


def _verify(
    bundle: Bundle, keys: Sequence[VerifierKey] | None, since: bytes | None, check_json: bool
) -> Report:
    report = Report()
    report.start, report.end = read_range(bundle)
    if not keys:
        keys = _bundle_keys(bundle, report)
    try:
        checkpoint, report.key = open_checkpoint(bundle.read("checkpoint.txt"), keys)
    except NoteError as exc:
        report.failures.append(Failure("signature", f"checkpoint.txt: {exc}"))
        return report
    report.checkpoint = checkpoint
    old = _open_old(report, since, keys)
    if report.end > checkpoint.size:
        message = f"the bundle claims entries up to {report.end - 1}, the checkpoint"
        report.failures.append(Failure("range", f"{message} covers {checkpoint.size}"))
        return report
    _verify_entries(bundle, report, checkpoint, old, check_json)
    return report


def _bundle_keys(bundle: Bundle, report: Report) -> list[VerifierKey]:
    try:
        keys = read_keys(bundle.read("key.vkey").decode("utf-8", "replace"))
    except NoteError as exc:
        raise BundleError(f"key.vkey: {exc}") from exc
    shown = "; ".join(str(k) for k in keys)
    report.notes.append(
        f"trusting the bundle's own key.vkey ({shown}): compare it with the key Haven"
        " shows you, or pass --key"
    )
    return keys


def _verify_entries(
    bundle: Bundle,
    report: Report,
    checkpoint: Checkpoint,
    old: Checkpoint | None,
    check_json: bool,
) -> None:
    """The entries against the checkpoint, then the checkpoint against the old one."""
    proofs = read_proofs(bundle)
    levels = None
    whole = report.start == 0 and report.end == checkpoint.size
    if whole:
        levels = _verify_whole(bundle, report, checkpoint, old, check_json)
    else:
        _verify_range(bundle, report, checkpoint, proofs, check_json)
    if old is not None:
        verdict = _check_since(old, checkpoint, proofs, levels, whole)
        if isinstance(verdict, Failure):
            report.failures.append(verdict)
        else:
            report.notes.append(verdict)


def _open_old(
    report: Report, since: bytes | None, keys: Sequence[VerifierKey]
) -> Checkpoint | None:
    if since is None:
        return None
    try:
        return open_checkpoint(since, keys)[0]
    except NoteError as exc:
        report.failures.append(Failure("signature", f"your earlier checkpoint: {exc}"))
        return None


@dataclass
class _Scan:
    leaves: list[bytes]
    #: (position, declared index) of the lines whose index is not their place in the log.
    misplaced: list[tuple[int, int | None]]
    unterminated: bool


def _scan(bundle: Bundle, start: int, check_json: bool) -> _Scan:
    """Leaf hashes of every entry, and the lines not declaring their own index."""
    sha, key = _sha256, _INDEX_KEY
    leaves: list[bytes] = []
    misplaced: list[tuple[int, int | None]] = []
    here = start
    with bundle.open("entries.jsonl") as stream:
        reader = EntryLines(stream)
        for lines in reader:
            leaves.extend([sha(b"\x00" + line).digest() for line in lines])
            for line in lines:
                if check_json:
                    index = _json_index(line)
                else:  # the common case first: one search and one comparison
                    at = line.rfind(key)
                    fast = at > 0 and line.startswith(b'"index":%d,' % here, at)
                    index = here if fast else declared_index(line)
                if index != here:
                    misplaced.append((here - start, index))
                here += 1
    return _Scan(leaves, misplaced, reader.unterminated)


def _verify_whole(
    bundle: Bundle,
    report: Report,
    checkpoint: Checkpoint,
    old: Checkpoint | None,
    check_json: bool,
) -> TreeLevels | None:
    """Recompute the root from every entry; the levels when they match the checkpoint."""
    scan = _scan(bundle, 0, check_json)
    levels = TreeLevels(scan.leaves)
    if scan.unterminated:
        report.notes.append("entries.jsonl does not end with a newline")
    if levels.size == checkpoint.size and levels.root() == checkpoint.root:
        report.notes.append(f"all {levels.size} entries hash to the checkpoint's root")
        for position, index in scan.misplaced:
            report.failures.append(
                Failure(
                    "malformed",
                    f"entry {position} declares index {index}: the log was signed"
                    " with a wrong index",
                    position,
                    position,
                )
            )
        return levels
    expected = _leaf_hints(bundle, report, checkpoint)
    if expected is None:
        good_prefix = 0
        if old is not None and 0 < old.size <= levels.size and levels.root(old.size) == old.root:
            good_prefix = old.size
            report.notes.append(f"entries 0\u2013{old.size - 1} match your earlier checkpoint")
        report.failures.extend(_unlocated(scan, checkpoint, good_prefix))
        return None
    declared: list[int | None] = list(range(levels.size))
    for position, index in scan.misplaced:
        declared[position] = index
    ok = [
        index is not None and index < checkpoint.size and expected[index] == leaf
        for index, leaf in zip(declared, scan.leaves, strict=True)
    ]
    report.failures.extend(_classify(declared, ok, 0, checkpoint.size))
    return None


def _leaf_hints(bundle: Bundle, report: Report, checkpoint: Checkpoint) -> list[bytes] | None:
    """``leaf-hashes.bin`` split in hashes, if it hashes to the checkpoint's root.

    Only then are they the leaves the checkpoint signed, so they can tell which entry
    differs; otherwise they are ignored.
    """
    if not bundle.has("leaf-hashes.bin"):
        return None
    raw = bundle.read("leaf-hashes.bin")
    hints = [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]
    if len(raw) != HASH_SIZE * checkpoint.size or merkle_root(hints) != checkpoint.root:
        report.notes.append("leaf-hashes.bin does not match the checkpoint; ignored")
        return None
    return hints


def _unlocated(scan: _Scan, checkpoint: Checkpoint, good_prefix: int) -> list[Failure]:
    """What can be said when the root differs and nothing authentic tells where."""
    count, size = len(scan.leaves), checkpoint.size
    declared: list[int | None] = list(range(count))
    for position, index in scan.misplaced:
        declared[position] = index
    # Lines read as placed where they declare; only the order and the count can be judged.
    failures = _classify(declared, [True] * count, 0, size)
    first = min([good_prefix, *(f.first for f in failures if f.first is not None)])
    if first < size:
        failures.append(
            Failure(
                "unlocated",
                f"the entries do not hash to the checkpoint's root, and the bundle"
                f" has no leaf hashes matching it to tell which of entries {first}\u2013{size - 1}"
                " differ",
                first,
                size - 1,
            )
        )
    return sorted(failures, key=lambda f: f.first if f.first is not None else -1)


def _verify_range(
    bundle: Bundle, report: Report, checkpoint: Checkpoint, proofs: Proofs, check_json: bool
) -> None:
    """Check each entry of [start, end) against its own inclusion proof."""
    start, end = report.start, report.end
    if len(proofs.inclusion) != end - start:
        report.failures.append(
            Failure(
                "bundle",
                f"proofs.json holds {len(proofs.inclusion)}"
                f" inclusion proofs for {end - start} entries",
            )
        )
        return
    declared: list[int | None] = []
    ok: list[bool] = []
    with bundle.open("entries.jsonl") as stream:
        reader = EntryLines(stream)
        for lines in reader:
            for line in lines:
                index = _json_index(line) if check_json else declared_index(line)
                declared.append(index)
                ok.append(
                    index is not None
                    and start <= index < end
                    and _included(index, line, checkpoint, proofs.inclusion[index - start])
                )
    if reader.unterminated:
        report.notes.append("entries.jsonl does not end with a newline")
    failures = _classify(declared, ok, start, end)
    report.failures.extend(failures)
    if not failures:
        report.notes.append(
            f"entries {_span(start, end)}: each one's inclusion proof"
            " leads to the checkpoint's root"
        )


def _included(index: int, entry: bytes, checkpoint: Checkpoint, path: list[bytes] | None) -> bool:
    if path is None:
        return False
    try:
        return inclusion_root(index, checkpoint.size, leaf_hash(entry), path) == checkpoint.root
    except ProofError:
        return False


def _classify(
    declared: Sequence[int | None], ok: Sequence[bool], start: int, end: int
) -> list[Failure]:
    """Name what is wrong, entry by entry, from where each line is and what it claims.

    ``declared[p]`` is the index line ``p`` claims; ``ok[p]`` whether it is the log's
    entry at that index. Each problem is (kind, log index, the index the line claims).
    """
    verified: dict[int, int] = {}
    unverified: dict[int, list[int]] = {}
    unreadable: set[int] = set()  # a damaged line stands for the entry of its place
    problems: list[tuple[str, int, int]] = []
    for position, (index, good) in enumerate(zip(declared, ok, strict=True)):
        here = start + position
        if index is None:
            unreadable.add(here)
            problems.append(("malformed", here, here))
        elif not start <= index < end:
            problems.append(("inserted", here, index))
        elif not good:
            unverified.setdefault(index, []).append(here)
        elif index in verified:
            problems.append(("duplicate", here, index))
        else:
            verified[index] = here
            if index != here:
                problems.append(("out_of_order", here, index))
    for index, places in unverified.items():
        if index not in verified:
            problems.append(("altered", index, places[0]))
            places = places[1:]
        problems.extend(("inserted", here, index) for here in places)
    accounted = verified.keys() | unverified.keys() | unreadable
    problems.extend(("missing", i, i) for i in range(start, end) if i not in accounted)
    return _group(sorted(problems, key=lambda p: (p[1], p[0])), start)


def _group(problems: list[tuple[str, int, int]], start: int) -> list[Failure]:
    """Runs of the same problem on consecutive indexes become one failure."""
    failures: list[Failure] = []
    run: list[tuple[str, int, int]] = []
    for problem in problems:
        kind, index, other = problem
        if run and (
            kind != run[-1][0]
            or index != run[-1][1] + 1
            or (kind in ("out_of_order", "duplicate") and other - index != run[-1][2] - run[-1][1])
        ):
            failures.append(_describe(run, start))
            run = []
        run.append(problem)
    if run:
        failures.append(_describe(run, start))
    return failures


def _describe(run: list[tuple[str, int, int]], start: int) -> Failure:
    kind, first, other = run[0]
    last = run[-1][1]
    one = first == last

    def span(word: str, a: int) -> str:  # "entry 7" or "entries 7–9"
        return f"{word} {a}" if one else f"{word}s {a}\u2013{a + last - first}"

    place = span("line", first - start + 1) + ", where " + span("entry", first)
    place = place.replace("entrys", "entries") + (" belongs, " if one else " belong, ")
    has, holds, be = ("has", "holds", "is") if one else ("have", "hold", "are")
    messages = {
        "missing": f"{span('entry', first)} {be} missing from the bundle",
        "altered": f"{span('entry', first)} (from line {other - start + 1}) {be} not what the"
        " checkpoint holds at that index: altered",
        "inserted": f"{place}{holds} no entry of the log: inserted",
        "out_of_order": f"{place}{holds} {span('entry', other)} instead: order changed",
        "duplicate": f"{place}{holds} {span('entry', other)} again: duplicated",
        "malformed": f"{place}{has} no readable top-level index",
    }
    return Failure(kind, messages[kind].replace("entrys", "entries"), first, last)


def _check_since(
    old: Checkpoint, new: Checkpoint, proofs: Proofs, levels: TreeLevels | None, whole: bool
) -> Failure | str:
    """Is the checkpoint the auditor kept a prefix of this one? A failure, or a note.

    ``levels`` are the bundle's whole log when it verified; ``whole`` says the bundle
    holds the whole log (so without ``levels`` its entries did not verify).
    """
    consistent = f"consistent with your earlier checkpoint of {old.size} entries"
    if old.origin != new.origin:
        return Failure("inconsistent", f"your earlier checkpoint is of log {old.origin}")
    if old.size > new.size:
        return Failure(
            "rollback",
            f"this checkpoint covers {new.size} entries, your earlier"
            f" one {old.size}: the log was rolled back, or the bundle is stale",
        )
    if old.size == new.size:
        if old.root == new.root:
            return "your earlier checkpoint is this one"
        return Failure(
            "fork",
            f"two signed checkpoints of the same size {new.size} with"
            " different roots: the log's history was forked",
        )
    if old.size == 0:
        return consistent  # every log extends the empty one
    if levels is not None:
        if levels.root(old.size) == old.root:
            return consistent
        return Failure(
            "fork",
            f"entries 0\u2013{old.size - 1} of this log do not hash to the"
            " root of your earlier checkpoint: history was rewritten",
            0,
            old.size - 1,
        )
    if old.size in proofs.consistency and proofs.consistency[old.size] is None:
        return Failure("inconsistent", f"the consistency proof from size {old.size} is damaged")
    path = proofs.consistency.get(old.size)
    if path is None and whole:
        return "consistency with your earlier checkpoint not checked: the entries do not verify"
    if path is None:
        return Failure(
            "inconsistent",
            f"the bundle has no consistency proof from your earlier"
            f" checkpoint's size {old.size}; download one made since it",
        )
    try:
        verify_consistency(old.size, new.size, old.root, new.root, path)
    except ProofError as exc:
        return Failure("fork", f"this checkpoint does not extend your earlier one: {exc}")
    return consistent


# --- Command line -----------------------------------------------------------------------


def format_report(report: Report) -> str:
    lines = []
    if report.checkpoint is not None:
        checkpoint = report.checkpoint
        lines += [
            f"log         {checkpoint.origin}",
            f"checkpoint  {checkpoint.size} entries, root"
            f" {base64.b64encode(checkpoint.root).decode()}",
            f"signed by   {report.key}",
            f"entries     {_span(report.start, report.end)} of the log"
            + (" (the whole log)" if report.start == 0 and report.end == checkpoint.size else ""),
        ]
    lines += [f"note        {note}" for note in report.notes]
    if report.ok:
        lines.append("OK: every check passed")
        return "\n".join(lines)
    lines.append(f"FAILED: {len(report.failures)} problem(s)")
    lines += [f"  {failure.message}" for failure in report.failures[:SHOWN_FAILURES]]
    if len(report.failures) > SHOWN_FAILURES:
        lines.append(f"  ... and {len(report.failures) - SHOWN_FAILURES} more")
    return "\n".join(lines)


def _span(start: int, end: int) -> str:
    return "none" if start == end else f"{start}\u2013{end - 1}"


def _load_keys(values: list[str]) -> list[VerifierKey]:
    keys: list[VerifierKey] = []
    for value in values:
        if os.path.isfile(value):
            with open(value, encoding="utf-8") as handle:
                keys += read_keys(handle.read())
        else:
            keys.append(parse_vkey(value))
    return keys


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=os.path.basename(sys.argv[0]) or "haven_verify.py",
        description="Verify a Haven audit bundle offline: checkpoint signature, inclusion"
        " of every entry, consistency with a checkpoint you kept.",
    )
    parser.add_argument("bundle", help="the bundle: a .zip file or a directory")
    parser.add_argument(
        "--since", metavar="OLD_CHECKPOINT", help="checkpoint.txt kept from an earlier bundle"
    )
    parser.add_argument(
        "--key",
        action="append",
        metavar="VKEY",
        help="a trusted verifier key, or a file of them, one per line"
        " (repeatable; default: the bundle's own key.vkey)",
    )
    parser.add_argument(
        "--check-json", action="store_true", help="also parse every entry as JSON (slower)"
    )
    args = parser.parse_args(argv)
    try:
        keys = _load_keys(args.key) if args.key else None
        since = None
        if args.since:
            with open(args.since, "rb") as handle:
                since = handle.read()
        report = verify_bundle(args.bundle, keys, since, args.check_json)
    except (VerifyError, OSError) as exc:
        print(f"cannot verify: {exc}", file=sys.stderr)
        return 2
    print(format_report(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
