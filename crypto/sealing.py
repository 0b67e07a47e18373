"""Sealing one database field: AES-256-GCM bound to its tenant, table, column and row.

Format (version 1)::

    0x01 | len(key id) (1 byte) | key id (ASCII) | nonce (12) | ciphertext + tag (16)

Associated data = :attr:`FieldBinding.associated_data`, so a value copied to another
row, column or tenant fails to open. The header is not in the AAD (one concatenation
less per field, which matters at hundreds of fields per page) yet cannot be altered
unnoticed: it must equal the opening key's own header byte for byte, the AAD begins
with the format version (``haven field v1``), and a relabelled key id either names
another key (:class:`UnknownKey`) or opens with the wrong material (:class:`SealBroken`).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import NoReturn

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from crypto._format import (
    KEY_BYTES,
    NONCE_BYTES,
    SEAL_V1,
    check_key_id,
    header,
    parse_header,
)
from crypto.errors import SealBroken, UnknownKey

_BINDING_DOMAIN = b"haven field v1"  # also authenticates the format version
_BINDING_LENGTHS = struct.Struct(">4I").pack


@dataclass(frozen=True, eq=False, slots=True)
class DataKey:
    """A 256-bit AES key and the id written into every blob it produces.

    ``eq=False``: keys compare by identity, so no code path compares material in
    non-constant time. ``material`` is left out of ``repr`` so keys can appear in logs
    and tracebacks. The AESGCM object is built once here, not per call: building it
    costs about as much as one decrypt.
    """

    key_id: str
    material: bytes = field(repr=False)
    #: AESGCM object for this key.
    aead: AESGCM = field(init=False, repr=False)
    #: ``(header, nonce start, nonce end, aead)``: one slot read on the open hot path.
    opening_frame: tuple[bytes, int, int, AESGCM] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_key_id(self.key_id)
        if not isinstance(self.material, bytes) or len(self.material) != KEY_BYTES:
            raise ValueError(f"key {self.key_id} must be exactly {KEY_BYTES} bytes")
        aead = AESGCM(self.material)
        head = header(SEAL_V1, self.key_id)
        object.__setattr__(self, "aead", aead)
        object.__setattr__(self, "opening_frame", (head, len(head), len(head) + NONCE_BYTES, aead))

    @property
    def seal_header(self) -> bytes:
        """Header every value sealed by this key starts with."""
        return self.opening_frame[0]


class FieldBinding:
    """Where a sealed value lives: ``FieldBinding(tenant_id, table, column, row_id)``.

    Immutable. ``associated_data`` is its canonical encoding, computed once here (the
    app builds one binding per field it opens, so construction is on the hot path too;
    a frozen dataclass costs 3x more)::

        b"haven field v1" | 4 x uint32 lengths in code points | UTF-8(concatenation)

    Unambiguous: UTF-8 decodes back to the concatenation, which the lengths split, so
    ("ab", "c") and ("a", "bc") differ. Equality and hashing follow that encoding.

    XXX: ids must be in one canonical spelling (``str(uuid)``, lower case); and
    ``row_id`` must be the row's final primary key, known before the row is flushed
    (client-generated UUID). A value sealed under another spelling or a placeholder id
    cannot be opened with the real one.
    """

    __slots__ = ("_parts", "associated_data")
    _parts: tuple[str, str, str, str]
    associated_data: bytes

    def __init__(self, tenant_id: str, table: str, column: str, row_id: str) -> None:
        if not (tenant_id and table and column and row_id):
            raise ValueError("FieldBinding parts must be non-empty strings")
        try:
            joined = "".join((tenant_id, table, column, row_id)).encode()
        except (TypeError, UnicodeEncodeError):
            raise ValueError("FieldBinding parts must be valid Unicode strings") from None
        lengths = _BINDING_LENGTHS(len(tenant_id), len(table), len(column), len(row_id))
        # object.__setattr__: this class refuses attribute assignment after __init__.
        object.__setattr__(self, "_parts", (tenant_id, table, column, row_id))
        object.__setattr__(self, "associated_data", _BINDING_DOMAIN + lengths + joined)

    @property
    def tenant_id(self) -> str:
        return self._parts[0]

    @property
    def table(self) -> str:
        return self._parts[1]

    @property
    def column(self) -> str:
        return self._parts[2]

    @property
    def row_id(self) -> str:
        return self._parts[3]

    def __setattr__(self, name: str, value: object) -> None:
        # XXX: changing a part after construction would leave a stale associated_data.
        raise AttributeError("FieldBinding is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("FieldBinding is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldBinding):
            return NotImplemented
        return self.associated_data == other.associated_data

    def __hash__(self) -> int:
        return hash(self.associated_data)

    def __repr__(self) -> str:
        tenant_id, table, column, row_id = self._parts
        return (
            f"FieldBinding(tenant_id={tenant_id!r}, table={table!r}, "
            f"column={column!r}, row_id={row_id!r})"
        )


def seal(key: DataKey, plaintext: str, binding: FieldBinding) -> bytes:
    """Encrypt ``plaintext`` under ``key`` for the place described by ``binding``.

    XXX: random 96-bit nonces are safe for about 2**32 seals per key; per-client keys
    keep every key far below that.
    """
    try:
        data = plaintext.encode("utf-8")
    except UnicodeEncodeError:
        # The codec's message quotes the offending character: part of the plaintext.
        raise ValueError("plaintext is not valid Unicode (lone surrogate)") from None
    nonce = os.urandom(NONCE_BYTES)
    head, _, _, aead = key.opening_frame
    return head + nonce + aead.encrypt(nonce, data, binding.associated_data)


def open_sealed(key: DataKey, sealed: bytes, binding: FieldBinding) -> str:
    """Decrypt a value sealed by :func:`seal` with the same key and binding.

    Raises :class:`UnknownKey` if the blob names another key, :class:`SealBroken` if it
    was tampered with or belongs elsewhere, :class:`MalformedSeal` if truncated,
    :class:`UnsupportedVersion` for an unknown format.
    """
    # Hot path (hundreds of fields per page, budget ~1.5x a bare AESGCM.decrypt): one
    # comparison validates version and key id; a truncated blob makes AESGCM raise
    # (ValueError for a short nonce, InvalidTag for a short tag). Only failures pay
    # for parsing, in _explain_failure.
    head, nonce_start, nonce_end, aead = key.opening_frame
    if sealed[:nonce_start] == head:
        try:
            return aead.decrypt(
                sealed[nonce_start:nonce_end], sealed[nonce_end:], binding.associated_data
            ).decode()  # UTF-8
        except (InvalidTag, ValueError):
            # ValueError also covers UnicodeDecodeError: non-text sealed by someone
            # holding the key. Its message would quote the bytes, so it is not chained.
            pass
    _explain_failure(key, sealed, binding)


def sealed_key_id(sealed: bytes) -> str:
    """Id of the key needed to open ``sealed`` (no decryption, no key needed)."""
    return parse_header(sealed, SEAL_V1, "sealed value")[0]


def _explain_failure(key: DataKey, sealed: bytes, binding: FieldBinding) -> NoReturn:
    key_id, _ = parse_header(sealed, SEAL_V1, "sealed value")  # malformed, version
    if key_id != key.key_id:
        raise UnknownKey(f"sealed value needs key {key_id}, got key {key.key_id}")
    raise SealBroken(f"sealed value for {binding.table}.{binding.column} failed authentication")
