"""Blind indexes: exact-match search over sealed identifiers without decrypting them.

``blind_index(key, value)`` is HMAC-SHA256 of the normalised value under a key derived
per tenant and per field, truncated to a few bits and stored as a small integer column
next to the sealed value. Searching computes the index of the query, fetches the rows
with that index, and decrypts and compares them.

XXX: truncation is deliberate (k-anonymity of the index). With ``bits`` bits there are
2**bits index values, so a tenant holding N values puts about N / 2**bits people behind
each one. Equal index values then do not link rows to one person, and even someone
who obtains the index key and tests guessed names against a copy of the column only
learns that a guess falls in a bucket of several people. That only holds if 2**bits
is well below N: the default 16 bits suits ~500,000 values; a tenant of 5,000 clients
needs about 9 bits for ~8 people per value (see :func:`suggested_bits`). Never widen
the index "to avoid false positives": a search must always decrypt its candidates and
compare them with the normalised query.
"""

from __future__ import annotations

import datetime
import hmac
import math
import unicodedata
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from crypto.sealing import DataKey

MIN_BITS = 8
MAX_BITS = 32
DEFAULT_BITS = 16

_INFO_PREFIX = b"haven blind index v1|"
# Arabic tatweel (kashida) only stretches a word and the harakat (short-vowel marks)
# are usually left unwritten: a name typed with or without them is the same name.
_ARABIC_OPTIONAL = dict.fromkeys([0x0640, *range(0x064B, 0x0653), 0x0670])
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"))


def normalise(value: str) -> str:
    """Canonical form of a name: NFKC, case-folded, whitespace collapsed. No transliteration.

    "  MARÍA   José " and "maría josé" match; "Мария" matches "мария" but not "Maria".
    """
    # NFKC maps compatibility forms (full-width letters, ligatures, Arabic presentation
    # forms) to plain ones; NFKC again after casefold because folding can un-compose.
    folded = unicodedata.normalize("NFKC", value).casefold()
    folded = unicodedata.normalize("NFKC", folded).translate(_ARABIC_OPTIONAL)
    return " ".join(folded.split())


def normalise_date(value: str | datetime.date) -> str:
    """ISO ``YYYY-MM-DD`` of a date or an ISO 8601 date string; ``ValueError`` otherwise."""
    if isinstance(value, datetime.datetime):
        raise ValueError("expected a date, not a datetime")
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        # The parser's message repeats the input, which is a date of birth.
        raise ValueError("not an ISO 8601 date (YYYY-MM-DD)") from None


def normalise_phone(value: str) -> str:
    """Digits only (any script's digits become ASCII), keeping one leading ``+``."""
    text = unicodedata.normalize("NFKC", value).strip()
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
    return "+" + digits if text.startswith("+") else digits


def normalise_document(value: str) -> str:
    """Document number: NFKC, upper case, without whitespace or dashes."""
    text = unicodedata.normalize("NFKC", value).upper().translate(_DASHES)
    return "".join(text.split())


def derive_index_key(tenant_key: DataKey, field: str) -> bytes:
    """Per-tenant, per-field HMAC key (HKDF-SHA256 from the tenant key).

    XXX: derived from one specific tenant key version. Rotating the tenant key must
    keep deriving from the version the indexes were built with, or rebuild them.
    """
    if not field:
        raise ValueError("field name must not be empty")
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=_INFO_PREFIX + field.encode("utf-8"),
    )
    return hkdf.derive(tenant_key.material)


def blind_index(
    index_key: bytes,
    value: str,
    bits: int = DEFAULT_BITS,
    *,
    normaliser: Callable[[str], str] = normalise,
) -> int:
    """Index of ``value``: the top ``bits`` bits of HMAC-SHA256, a non-negative int.

    At most 32 bits, so it fits a signed 64-bit (or unsigned 32-bit) integer column.
    """
    if not MIN_BITS <= bits <= MAX_BITS:
        raise ValueError(f"bits must be between {MIN_BITS} and {MAX_BITS}")
    if len(index_key) < 32:
        raise ValueError("index key must be at least 32 bytes (use derive_index_key)")
    digest = hmac.digest(index_key, normaliser(value).encode("utf-8"), "sha256")
    return int.from_bytes(digest[:4], "big") >> (32 - bits)


def suggested_bits(expected_values: int, people_per_index: int = 8) -> int:
    """Bits giving about ``people_per_index`` values per index value, within 8..32.

    Choose it per field from the largest expected tenant; changing it later means
    recomputing that field's indexes.
    """
    if expected_values < 1 or people_per_index < 1:
        raise ValueError("expected_values and people_per_index must be positive")
    ideal = math.floor(math.log2(max(expected_values / people_per_index, 1)))
    return min(max(ideal, MIN_BITS), MAX_BITS)
