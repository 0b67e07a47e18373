"""Re-wrapping keys under a new key-encryption key, storage-agnostic and resumable.

Rotating the master key re-wraps every tenant key; rotating a tenant key re-wraps its
client keys. No sealed field is touched, because fields are sealed by the wrapped keys,
whose material does not change.

Resumability: :func:`rewrap` leaves a key already wrapped under the new kek as it is
(after checking it unwraps). Each stored wrapped key is therefore always under either
the old or the new kek, both readable until the old one is retired, and an interrupted
rotation is finished by running it again over every key.
"""

from __future__ import annotations

from crypto.errors import UnknownKey
from crypto.keys import unwrap_key, wrap_key, wrapped_by
from crypto.providers import MasterKeyProvider
from crypto.sealing import DataKey


def rewrap(
    old_kek: DataKey, new_kek: DataKey, wrapped: bytes, context: bytes, dek_id: str
) -> bytes:
    """Return ``wrapped`` re-wrapped under ``new_kek``; unchanged if it already is."""
    current = wrapped_by(wrapped)
    if current == new_kek.key_id:
        unwrap_key(new_kek, wrapped, context, dek_id)  # proves it is readable
        return wrapped
    if current != old_kek.key_id:
        raise UnknownKey(
            f"wrapped key {dek_id} is under {current}, neither {old_kek.key_id} "
            f"nor {new_kek.key_id}"
        )
    return wrap_key(new_kek, unwrap_key(old_kek, wrapped, context, dek_id), context)


def rewrap_to_active(
    provider: MasterKeyProvider, wrapped: bytes, context: bytes, dek_id: str
) -> bytes:
    """Master rotation step for one tenant key: re-wrap it under the active version.

    Same idempotence as :func:`rewrap`: a key already under the active version is
    returned unchanged once it has been shown to unwrap.
    """
    dek = provider.unwrap(wrapped, context, dek_id)
    if provider.wrapped_by(wrapped) == provider.active_key_id():
        return wrapped
    return provider.wrap(dek, context)
