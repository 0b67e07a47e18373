"""Key hierarchy: generating data keys and wrapping one key under another.

Wrapped key format (version 1)::

    0x11 | len(kek id) (1 byte) | kek id (ASCII) | nonce (12) | AES-GCM(dek material) + tag

Associated data = the header above + length-prefixed ``(b"haven key wrap", context,
dek id)``. The context names the wrapped key's owner (:func:`tenant_context`,
:func:`client_context`), so a wrapped key copied to another tenant or client, or
relabelled with another key id, fails to unwrap.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag

from crypto._format import (
    KEY_BYTES,
    NONCE_BYTES,
    TAG_BYTES,
    WRAP_V1,
    check_key_id,
    header,
    length_prefixed,
    parse_header,
)
from crypto.errors import MalformedSeal, SealBroken, UnknownKey
from crypto.sealing import DataKey


def new_data_key(key_id: str) -> DataKey:
    """A fresh random 256-bit key from the OS CSPRNG."""
    return DataKey(check_key_id(key_id), os.urandom(KEY_BYTES))


def tenant_context(tenant_id: str) -> bytes:
    """Wrapping context of a tenant's key (wrapped under the master key)."""
    return length_prefixed(b"tenant", tenant_id)


def client_context(tenant_id: str, client_id: str) -> bytes:
    """Wrapping context of a client's key (wrapped under its tenant's key)."""
    return length_prefixed(b"client", tenant_id, client_id)


def wrap_key(kek: DataKey, dek: DataKey, context: bytes) -> bytes:
    """Encrypt ``dek`` under the key-encryption key ``kek`` for the owner ``context``."""
    nonce = os.urandom(NONCE_BYTES)
    head = header(WRAP_V1, kek.key_id)
    aad = head + length_prefixed(b"haven key wrap", context, dek.key_id)
    return head + nonce + kek.aead.encrypt(nonce, dek.material, aad)


def unwrap_key(kek: DataKey, wrapped: bytes, context: bytes, dek_id: str) -> DataKey:
    """Recover the key ``dek_id`` wrapped by :func:`wrap_key` for ``context``.

    Raises :class:`UnknownKey` if ``wrapped`` was made under another kek, and
    :class:`SealBroken` if the context or dek id differ or the blob was altered.
    """
    kek_id, start = parse_header(wrapped, WRAP_V1, "wrapped key")
    if kek_id != kek.key_id:
        raise UnknownKey(f"wrapped key {dek_id} needs key {kek_id}, got key {kek.key_id}")
    if len(wrapped) != start + NONCE_BYTES + KEY_BYTES + TAG_BYTES:
        # A wrapped key has one exact size, so any truncation or padding is malformed.
        raise MalformedSeal(f"wrapped key {dek_id} has the wrong length")
    head = wrapped[:start]
    aad = head + length_prefixed(b"haven key wrap", context, dek_id)
    try:
        material: bytes | None = kek.aead.decrypt(
            wrapped[start : start + NONCE_BYTES], wrapped[start + NONCE_BYTES :], aad
        )
    except InvalidTag:
        material = None
    # Raised outside the except block so no pyca exception rides along as __context__.
    if material is None:
        raise SealBroken(f"wrapped key {dek_id} under {kek_id} failed authentication")
    return DataKey(dek_id, material)


def wrapped_by(wrapped: bytes) -> str:
    """Id of the key-encryption key a wrapped key needs (no decryption)."""
    return parse_header(wrapped, WRAP_V1, "wrapped key")[0]
