"""Binary framing shared by sealed fields and wrapped keys (internal).

Both blobs are ``version (1) | key id length (1) | key id (ASCII) | nonce (12) | ct+tag``.
The header (version and key id) is also fed to GCM as associated data, so it is
authenticated along with whatever the caller binds.
"""

from __future__ import annotations

import re
import struct

from crypto.errors import MalformedSeal, UnsupportedVersion

NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32

#: Version byte of a sealed field (AES-256-GCM, header + FieldBinding as AAD).
SEAL_V1 = 0x01
#: Version byte of a wrapped key. Distinct from SEAL_V1 so the two can never be confused.
WRAP_V1 = 0x11

# Key ids are short printable ASCII so a blob's header stays small and can be logged.
_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]{0,63}")
_KEY_ID_BYTES = re.compile(_KEY_ID.pattern.encode("ascii"))
_LENGTH = struct.Struct(">I")


def check_key_id(key_id: str) -> str:
    """Return ``key_id`` if it is a valid key id, else raise ``ValueError``."""
    if not isinstance(key_id, str) or _KEY_ID.fullmatch(key_id) is None:
        raise ValueError("key id must be 1-64 characters of [A-Za-z0-9:._-]")
    return key_id


def header(version: int, key_id: str) -> bytes:
    """Blob header for ``key_id`` (already validated)."""
    raw = key_id.encode("ascii")
    return bytes((version, len(raw))) + raw


def parse_header(blob: bytes, version: int, what: str) -> tuple[str, int]:
    """Return ``(key id, offset of the nonce)`` of a blob of the given version.

    Also checks that the blob is long enough to hold a nonce and a tag.
    """
    if len(blob) < 2:
        raise MalformedSeal(f"{what} is truncated")
    if blob[0] != version:
        raise UnsupportedVersion(f"{what} has unsupported format version {blob[0]}")
    end = 2 + blob[1]
    if len(blob) < end + NONCE_BYTES + TAG_BYTES:
        raise MalformedSeal(f"{what} is truncated")
    raw_id = blob[2:end]
    # Checked as bytes, not decoded and caught: no exception is left as __context__.
    if _KEY_ID_BYTES.fullmatch(raw_id) is None:
        raise MalformedSeal(f"{what} has an invalid key id")
    return raw_id.decode("ascii"), end


def length_prefixed(*parts: str | bytes) -> bytes:
    """Concatenate parts, each preceded by its 4-byte big-endian length.

    XXX: the length prefixes are what make ("ab", "c") differ from ("a", "bc"); a plain
    join with a separator would let an attacker who controls one part forge another.
    """
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        out += _LENGTH.pack(len(raw))
        out += raw
    return bytes(out)
