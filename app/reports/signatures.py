"""Signatures carried inside the exports, and their check (no Flask, no database).

Each export is signed with the organisation's Ed25519 key for exports; the signature
travels in the file itself, in a trailer a reader of the format ignores:

- CSV: a last line ``# haven-signature ed25519 <key fingerprint> <base64 signature>``;
- PDF: the same line after ``%%EOF``, starting with ``%`` (a PDF comment);
- XLSX: the ZIP archive's comment (end-of-central-directory record).

The signed bytes are the file without its trailer (for XLSX: with an empty ZIP comment).
Check one with ``python -m app.reports.verify FILE haven-exports.pem`` (standard library and
``cryptography`` only), or with OpenSSL after ``--extract`` (see the README).
"""

from __future__ import annotations

import base64
import struct

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PREFIX = b"haven-signature ed25519 "
EOCD = b"PK\x05\x06"


class BadSignature(ValueError):
    """The file carries no Haven signature, or one that does not verify."""


def trailer(fingerprint: str, signature: bytes) -> bytes:
    return PREFIX + fingerprint.encode() + b" " + base64.b64encode(signature)


def attach(fmt: str, body: bytes, line: bytes) -> bytes:
    if fmt == "csv":
        return body + b"# " + line + b"\r\n"
    if fmt == "pdf":
        return body + b"\n%" + line + b"\n"
    if fmt == "xlsx":
        at = body.rfind(EOCD)
        if at < 0 or body[at + 20 : at + 22] != b"\x00\x00":
            raise BadSignature("an XLSX to sign must end with an empty ZIP comment")
        return body[: at + 20] + struct.pack("<H", len(line)) + line
    raise ValueError(fmt)


def split(data: bytes) -> tuple[bytes, str, bytes]:
    """(signed bytes, key fingerprint, signature) of a signed export."""
    at = data.rfind(EOCD)
    if data.startswith(b"PK") and at >= 0:
        (length,) = struct.unpack("<H", data[at + 20 : at + 22])
        line = data[at + 22 : at + 22 + length]
        body = data[: at + 20] + b"\x00\x00"
    else:
        cut = data.rstrip(b"\r\n").rfind(b"\n")
        line = data[cut + 1 :].strip().lstrip(b"#% ")
        # CSV: the trailer is a line of its own; PDF: a newline was added before it.
        body = data[:cut] if data.startswith(b"%PDF") else data[: cut + 1]
    if not line.startswith(PREFIX):
        raise BadSignature("no Haven signature in this file")
    fingerprint, _, encoded = line[len(PREFIX) :].partition(b" ")
    return body, fingerprint.decode(), base64.b64decode(encoded)


def verify(data: bytes, public_key: Ed25519PublicKey) -> str:
    """The key fingerprint, if ``data`` is a signed export that verifies under the key."""
    body, fingerprint, signature = split(data)
    try:
        public_key.verify(signature, body)
    except InvalidSignature as error:
        raise BadSignature("the signature does not match this file") from error
    return fingerprint
