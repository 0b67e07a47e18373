"""Blind indexes of a client's searchable identity fields (name, date of birth, identity
document, phone).

Each index is ``crypto.blind_index`` under a key derived (HKDF) from the tenant key that
wraps the client's own key, per field, over the field's normalised value, truncated to
:data:`INDEX_BITS` bits.

XXX: the invariant "a client's indexes are derived from the tenant key version named by
its ``ClientKey.tenant_key_id``" is what lets tenant-key rotation retire old versions:
rotation re-wraps a client's key and recomputes its indexes in the same step
(``app.keys.service.rotate_tenant``), and a search computes the query's index under every
live tenant key version. Confirmation by decryption makes any mismatch harmless.

Bit width: 8 bits (256 index values per field and tenant). The crypto library's minimum,
and what ``crypto.suggested_bits`` gives for any organisation up to about 4,000 clients at
8 people per index value (the benchmark's organisations hold 2,000 clients each: ~8 per
value). A larger organisation gets more people per value, which is more privacy for the
index and a few more candidates to decrypt per search (~40 at 10,000 clients, ~1 ms).
Changing it means recomputing every index (run a tenant-key rotation after the change).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.clients.models import INDEXED_FIELDS, Client
from crypto import (
    DataKey,
    blind_index,
    derive_index_key,
    normalise,
    normalise_date,
    normalise_document,
    normalise_phone,
)

#: Bits kept of each blind index (see the module docstring before changing it).
INDEX_BITS = 8

#: How each indexed field is compared: the same function builds the index and confirms
#: a candidate after decryption.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "name": normalise,
    "date_of_birth": normalise_date,
    "identity_document": normalise_document,
    "phone": normalise_phone,
}


def index_of(tenant_key: DataKey, field: str, value: str) -> int:
    """The blind index of ``value`` for ``field`` under ``tenant_key``."""
    return blind_index(
        derive_index_key(tenant_key, field), value, INDEX_BITS, normaliser=NORMALISERS[field]
    )


def same_value(field: str, stored: str, query: str) -> bool:
    """Whether a decrypted candidate equals the query once both are normalised."""
    normaliser = NORMALISERS[field]
    try:
        return normaliser(stored) == normaliser(query)
    except ValueError:
        return False


def set_indexes(client: Client, tenant_key: DataKey, values: Mapping[str, str | None]) -> None:
    """Write the blind index of each indexed field in ``values`` (None clears it)."""
    for field, value in values.items():
        if field not in INDEXED_FIELDS:
            continue
        index = None if not value else index_of(tenant_key, field, value)
        setattr(client, f"blind_index_{field}", index)


def clear_indexes(client: Client) -> None:
    for field in INDEXED_FIELDS:
        setattr(client, f"blind_index_{field}", None)
