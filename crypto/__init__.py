"""Haven's field encryption: envelope encryption, key hierarchy, blind indexes.

Imports only the standard library and ``cryptography`` (pyca); nothing from ``app``.

Key hierarchy
-------------
::

    master key  (MasterKeyProvider: key file, env var, later a KMS; ids m1, m2, ...)
      └─ tenant key   wrapped under the master, context tenant_context(tenant_id)
           └─ client key   wrapped under its tenant key, context client_context(t, c)
                └─ sealed fields of that client (names, dates of birth, documents...)

Fields that belong to no client are sealed with the tenant key. Key ids are short
labels, unique per owner: ``m<n>`` master versions, ``t<n>`` tenant key versions,
``c<n>`` client key versions. The owner is known from where the wrapped key is stored
and is bound into the wrapping context, so ids stay short and blobs small.

- Rotating the master: ``provider.add_version()``, then ``rewrap_to_active`` every
  tenant key, then ``provider.retire(old)``. Rotating a tenant key: ``rewrap`` every
  client key. No field is re-encrypted. Both are resumable (see :mod:`crypto.rotation`).
- Crypto-shredding: deleting a client's wrapped key makes its sealed fields unreadable
  by any key. XXX: a backup holding the wrapped key (and the tenant and master keys
  needed to unwrap it) keeps the client recoverable until that backup expires.

Formats
-------
Sealed field (AES-256-GCM, random 96-bit nonce)::

    0x01 | len(key id) | key id (ASCII) | nonce (12) | ciphertext + tag (16)
    AAD = "haven field v1" | 4 x uint32 code-point lengths | UTF-8(tenant_id, table,
          column, row_id concatenated); the header is not in the AAD but is compared
          byte for byte with the opening key's own (see crypto.sealing)

Wrapped key::

    0x11 | len(kek id) | kek id (ASCII) | nonce (12) | AES-GCM(32-byte key) + tag (16)
    AAD = header + length-prefixed("haven key wrap", context, dek id)

Public API
----------
Sealing (:mod:`crypto.sealing`)
    ``DataKey(key_id, material)``, ``FieldBinding(tenant_id, table, column, row_id)``,
    ``seal(key, plaintext, binding) -> bytes``,
    ``open_sealed(key, sealed, binding) -> str``, ``sealed_key_id(sealed) -> str``
Keys (:mod:`crypto.keys`, :mod:`crypto.rotation`)
    ``new_data_key(key_id)``, ``wrap_key(kek, dek, context)``,
    ``unwrap_key(kek, wrapped, context, dek_id)``, ``wrapped_by(wrapped)``,
    ``tenant_context(tenant_id)``, ``client_context(tenant_id, client_id)``,
    ``rewrap(old_kek, new_kek, wrapped, context, dek_id)``,
    ``rewrap_to_active(provider, wrapped, context, dek_id)``
Master keys (:mod:`crypto.providers`)
    ``MasterKeyProvider`` protocol, ``LocalKeyFileProvider(path)`` /
    ``LocalKeyFileProvider.create_if_missing(path)``, ``EnvKeyProvider(env_var)``
Per-request cache (:mod:`crypto.keyring`)
    ``Keyring(loader)`` with ``get(owner, key_id)``, ``open(owner, sealed, binding)``,
    ``discard(owner)``, ``clear()``; a context manager that clears on exit
Blind indexes (:mod:`crypto.blind_index`)
    ``derive_index_key(tenant_key, field)``,
    ``blind_index(index_key, value, bits=16, normaliser=normalise) -> int``,
    ``normalise``, ``normalise_date``, ``normalise_phone``, ``normalise_document``,
    ``suggested_bits(expected_values, people_per_index=8)``. An index is shared by
    several people on purpose; searches decrypt and confirm every candidate.
Errors (:mod:`crypto.errors`)
    ``CryptoError`` > ``SealBroken`` > ``MalformedSeal``; ``UnsupportedVersion``;
    ``UnknownKey`` > ``KeyDestroyed``; ``KeyFileInsecure``; ``KeyConfigError``;
    ``RotationNotSupported``. No exception from ``cryptography`` escapes, and no
    message contains plaintext or key material.
"""

from crypto.blind_index import (
    blind_index,
    derive_index_key,
    normalise,
    normalise_date,
    normalise_document,
    normalise_phone,
    suggested_bits,
)
from crypto.errors import (
    CryptoError,
    KeyConfigError,
    KeyDestroyed,
    KeyFileInsecure,
    MalformedSeal,
    RotationNotSupported,
    SealBroken,
    UnknownKey,
    UnsupportedVersion,
)
from crypto.keyring import KeyLoader, Keyring
from crypto.keys import (
    client_context,
    new_data_key,
    tenant_context,
    unwrap_key,
    wrap_key,
    wrapped_by,
)
from crypto.providers import EnvKeyProvider, LocalKeyFileProvider, MasterKeyProvider
from crypto.rotation import rewrap, rewrap_to_active
from crypto.sealing import DataKey, FieldBinding, open_sealed, seal, sealed_key_id

__all__ = [
    "CryptoError",
    "DataKey",
    "EnvKeyProvider",
    "FieldBinding",
    "KeyConfigError",
    "KeyDestroyed",
    "KeyFileInsecure",
    "KeyLoader",
    "Keyring",
    "LocalKeyFileProvider",
    "MalformedSeal",
    "MasterKeyProvider",
    "RotationNotSupported",
    "SealBroken",
    "UnknownKey",
    "UnsupportedVersion",
    "blind_index",
    "client_context",
    "derive_index_key",
    "new_data_key",
    "normalise",
    "normalise_date",
    "normalise_document",
    "normalise_phone",
    "open_sealed",
    "rewrap",
    "rewrap_to_active",
    "seal",
    "sealed_key_id",
    "suggested_bits",
    "tenant_context",
    "unwrap_key",
    "wrap_key",
    "wrapped_by",
]
