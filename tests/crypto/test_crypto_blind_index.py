"""Blind indexes: normalisation across scripts, truncation, per-tenant/per-field keys."""

from __future__ import annotations

import datetime
import random
from collections import Counter

import pytest

from crypto import (
    DataKey,
    blind_index,
    derive_index_key,
    normalise,
    normalise_date,
    normalise_document,
    normalise_phone,
    suggested_bits,
)

TENANT_A = DataKey("t1", bytes(range(32)))
TENANT_B = DataKey("t1", bytes(range(1, 33)))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("  Maria   JOSÉ  ", "maria josé"),
        ("Maria\tJosé\n", "maria josé"),
        ("МАРИЯ  Иванова", "мария иванова"),
        ("Мария", "мария"),
        ("Straße", "strasse"),  # casefold, not lower
        ("Ｍａｒｉａ", "maria"),  # full-width letters (NFKC)
        ("ﬁona", "fiona"),  # ligature (NFKC)
        ("Jose\u0301", "josé"),  # e + combining acute composes (NFKC)
        ("مُحَمَّد", "محمد"),  # Arabic short-vowel marks are optional
        ("محـــمد", "محمد"),  # tatweel only stretches the word
        ("ﻣﺤﻤﺪ", "محمد"),  # Arabic presentation forms (NFKC)
        ("فاطمة\u00a0الزهراء", "فاطمة الزهراء"),  # no-break space
    ],
)
def test_normalise(typed: str, canonical: str) -> None:
    assert normalise(typed) == canonical


def test_no_transliteration() -> None:
    assert normalise("Мария") != normalise("Maria")
    assert normalise("José") != normalise("Jose")
    assert normalise("Мария") == normalise("мАРИЯ")


def test_normalise_is_idempotent() -> None:
    for value in ("  Maria JOSÉ ", "МАРИЯ", "مُحَمَّد", "Ｍａｒｉａ", "ǰ̌", "ΣΊΣΥΦΟΣ"):
        assert normalise(normalise(value)) == normalise(value)


def test_normalise_date() -> None:
    assert normalise_date("1990-03-07") == "1990-03-07"
    assert normalise_date(" 19900307 ") == "1990-03-07"
    assert normalise_date(datetime.date(1990, 3, 7)) == "1990-03-07"
    for bad in ("07/03/1990", "1990-02-30", "", "yesterday"):
        with pytest.raises(ValueError) as caught:
            normalise_date(bad)
        assert bad not in str(caught.value) or not bad
    with pytest.raises(ValueError):
        normalise_date(datetime.datetime(1990, 3, 7, 12, 0))


def test_normalise_phone() -> None:
    assert normalise_phone("+44 (20) 7946-0958") == "+442079460958"
    assert normalise_phone("020 7946 0958") == "02079460958"
    assert normalise_phone("＋٩٦٦ ٥٠ ١٢٣ ٤٥٦٧") == "+966501234567"  # Arabic-Indic digits
    assert normalise_phone("1+2") == "12"


def test_normalise_document() -> None:
    assert normalise_document("ab 123-456 7") == "AB1234567"
    assert normalise_document("ＡＢ–１２３") == "AB123"  # full width, en dash


def test_index_is_deterministic_and_matches_across_spellings() -> None:
    key = derive_index_key(TENANT_A, "name")
    assert blind_index(key, "  MARIA  Ivanova") == blind_index(key, "maria ivanova")
    assert blind_index(key, "Мария") == blind_index(key, "МАРИЯ")
    phone = derive_index_key(TENANT_A, "phone")
    assert blind_index(phone, "+44 20 7946 0958", normaliser=normalise_phone) == blind_index(
        phone, "+442079460958", normaliser=normalise_phone
    )


def test_index_fits_the_requested_bits() -> None:
    key = derive_index_key(TENANT_A, "name")
    for bits in (8, 16, 24, 32):
        values = [blind_index(key, f"name {n}", bits) for n in range(300)]
        assert all(0 <= v < 2**bits for v in values)
        assert max(values) >= 2 ** (bits - 2)  # the top bits are used
    for bad_bits in (0, 7, 33, 64):
        with pytest.raises(ValueError):
            blind_index(key, "x", bad_bits)


def test_short_index_keys_are_refused() -> None:
    with pytest.raises(ValueError):
        blind_index(b"short", "x")


def random_names(count: int) -> list[str]:
    rng = random.Random(7)
    latin = "abcdefghijklmnopqrstuvwxyz"
    cyrillic = "абвгдежзийклмнопрстуфхцчшщыэюя"
    arabic = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    names: set[str] = set()
    while len(names) < count:
        script = rng.choice((latin, cyrillic, arabic))
        names.add(" ".join("".join(rng.choices(script, k=rng.randint(3, 9))) for _ in range(2)))
    return sorted(names)


def test_truncation_makes_values_share_an_index_roughly_uniformly() -> None:
    key = derive_index_key(TENANT_A, "name")
    counts = Counter(blind_index(key, name, bits=8) for name in random_names(2000))
    assert sum(counts.values()) == 2000
    assert len(counts) > 240  # nearly every one of the 256 buckets is used...
    assert max(counts.values()) > 1  # ...each by several names: collisions by design
    expected = 2000 / 256
    chi_square = sum((counts.get(b, 0) - expected) ** 2 / expected for b in range(256))
    assert chi_square < 340  # 255 degrees of freedom, p ~ 0.0003


def test_tenants_and_fields_get_different_indexes() -> None:
    names = random_names(64)
    name_a = derive_index_key(TENANT_A, "name")
    name_b = derive_index_key(TENANT_B, "name")
    alias_a = derive_index_key(TENANT_A, "alias")
    assert len({name_a, name_b, alias_a}) == 3

    def indexes(key: bytes) -> list[int]:
        return [blind_index(key, n, bits=32) for n in names]

    assert indexes(name_a) != indexes(name_b)
    assert indexes(name_a) != indexes(alias_a)
    same = sum(a == b for a, b in zip(indexes(name_a), indexes(name_b), strict=True))
    assert same == 0


def test_derive_index_key_is_stable_and_rejects_empty_field() -> None:
    assert derive_index_key(TENANT_A, "name") == derive_index_key(TENANT_A, "name")
    assert len(derive_index_key(TENANT_A, "name")) == 32
    with pytest.raises(ValueError):
        derive_index_key(TENANT_A, "")


def test_search_confirms_candidates_by_decrypting() -> None:
    """The intended search: index narrows to candidates, comparison confirms."""
    key = derive_index_key(TENANT_A, "name")
    people = random_names(2000)
    column = {name: blind_index(key, name, bits=8) for name in people}  # stand-in table
    query = people[123].upper()
    candidates = [n for n, idx in column.items() if idx == blind_index(key, query, bits=8)]
    assert len(candidates) > 1  # the index alone does not identify the person
    assert [n for n in candidates if normalise(n) == normalise(query)] == [people[123]]


def test_suggested_bits() -> None:
    assert suggested_bits(5_000) == 9
    assert suggested_bits(500_000) == 15
    assert suggested_bits(10) == 8  # never below the minimum
    assert suggested_bits(10**12, 1) == 32  # nor above the maximum
    with pytest.raises(ValueError):
        suggested_bits(0)
