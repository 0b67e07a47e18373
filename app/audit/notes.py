"""Signed checkpoints: C2SP ``tlog-checkpoint`` texts in C2SP ``signed-note`` envelopes.

One log per organisation, so one origin per organisation::

    <host>/audit/<organisation id>       e.g. haven.example.org/audit/3f1c7a2e-...-000000000000

``host`` is the deployment's public host name; the organisation is named by its UUID,
never its slug, because an origin must not change for the life of the log and slugs can
be renamed. The signing key's name is the origin (tlog-checkpoint: "the log's key name
SHOULD match the origin line"), so an auditor's verifier key reads
``<origin>+<key id>+<base64(0x01 || Ed25519 public key)>``. Rotating the key keeps the
name and changes the key id.

A checkpoint text is exactly three lines (origin, tree size, base64 root) and no
extension lines. Parsing and verifying live in :mod:`app.audit.verifier`.
"""

from __future__ import annotations

import base64
import re
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.audit.verifier import (
    ED25519,
    HASH_SIZE,
    Checkpoint,
    NoteError,
    VerifierKey,
    note_key_id,
    valid_key_name,
)

#: A DNS-like host name, optionally with a port: what goes before ``/audit/``.
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")
_PRIVATE_PREFIX = "PRIVATE+KEY+"


def origin_for(host: str, tenant_id: uuid.UUID) -> str:
    """The checkpoint origin (and signing key name) of an organisation's audit log."""
    if not _HOST.fullmatch(host):
        raise ValueError(f"{host!r} is not a lowercase host name")
    return f"{host}/audit/{tenant_id}"


def new_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def verifier_key(name: str, key: Ed25519PrivateKey) -> VerifierKey:
    """The verifier key auditors are given; ``str()`` of it is the vkey text."""
    if not valid_key_name(name):
        raise ValueError(f"{name!r} is not a valid key name")
    public = _public_bytes(key)
    return VerifierKey(name, note_key_id(name, public), public)


def sign_note(text: str, name: str, key: Ed25519PrivateKey) -> str:
    """``text`` followed by a blank line and one Ed25519 signature line by ``name``."""
    if not text.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise ValueError("a note text ends with a newline and holds no control characters")
    signer = verifier_key(name, key)
    signature = base64.b64encode(signer.key_id + key.sign(text.encode())).decode()
    return f"{text}\n\u2014 {name} {signature}\n"


def sign_checkpoint(checkpoint: Checkpoint, key: Ed25519PrivateKey) -> str:
    """The signed checkpoint an auditor downloads, signed under the origin's name."""
    if checkpoint.extensions or len(checkpoint.root) != HASH_SIZE or checkpoint.size < 0:
        raise ValueError("Haven's checkpoints are origin, size and a 32-byte root only")
    return sign_note(checkpoint.text(), checkpoint.origin, key)


def signer_key_text(name: str, key: Ed25519PrivateKey) -> str:
    """``PRIVATE+KEY+<name>+<key id>+<base64(0x01 || seed)>``, as Go's sumdb/note writes it.

    XXX: this is the private key in clear; seal it before it is stored anywhere.
    """
    seed = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    signer = verifier_key(name, key)
    encoded = base64.b64encode(bytes([ED25519]) + seed).decode()
    return f"{_PRIVATE_PREFIX}{name}+{signer.key_id.hex()}+{encoded}"


def parse_signer_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    """The key name and private key of a ``PRIVATE+KEY+...`` text; NoteError if malformed."""
    if not text.startswith(_PRIVATE_PREFIX):
        raise NoteError("a signer key starts with PRIVATE+KEY+")
    name, _, rest = text[len(_PRIVATE_PREFIX) :].partition("+")
    hex_id, _, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise NoteError("the signer key is not base64") from exc
    if len(raw) != 33 or raw[0] != ED25519 or not valid_key_name(name):
        raise NoteError("not an Ed25519 signer key")
    key = Ed25519PrivateKey.from_private_bytes(raw[1:])
    if verifier_key(name, key).key_id.hex() != hex_id:
        raise NoteError("the signer key's id does not match its key")
    return name, key
