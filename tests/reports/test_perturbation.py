"""The published ptable has the ONS properties, and cell keys behave as SQL computes them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.reports import CELL_KEY_MODULUS, GateMisuse, cell_key_of, new_record_key, published_ptable
from app.reports.perturbation import PerturbationTable, perturb

PTABLE = published_ptable()


@pytest.mark.parametrize("offset", range(6))
def test_every_row_is_unbiased_small_and_never_goes_below_the_threshold(offset: int) -> None:
    noises = [PTABLE.noise(offset, key) for key in range(CELL_KEY_MODULUS)]
    assert sum(Fraction(n, CELL_KEY_MODULUS) for n in noises) == 0
    assert PTABLE.variance(offset) < 1
    assert min(noises) >= -offset
    assert max(abs(n) for n in noises) <= PTABLE.max_noise == 2


@given(threshold=st.integers(5, 50), count=st.integers(0, 500), key=st.integers(0, 255))
def test_published_values_are_at_least_the_threshold_and_the_same_each_time(
    threshold: int, count: int, key: int
) -> None:
    if count < threshold:
        with pytest.raises(GateMisuse):
            perturb(count, key, threshold, PTABLE)
        return
    value = perturb(count, key, threshold, PTABLE)
    assert value >= threshold and abs(value - count) <= 2
    assert perturb(count, key, threshold, PTABLE) == value


def test_noise_varies_with_the_cell_key_above_the_first_rows() -> None:
    assert {perturb(40, key, 10, PTABLE) for key in range(256)} == {38, 39, 40, 41, 42}
    assert {perturb(10, key, 10, PTABLE) for key in range(256)} == {10}


@given(keys=st.lists(st.integers(0, 255), max_size=200))
def test_a_cell_key_is_the_sum_of_record_keys_modulo_256(keys: list[int]) -> None:
    assert cell_key_of(keys) == sum(keys) % 256
    assert 0 <= cell_key_of(keys) < CELL_KEY_MODULUS


def test_record_keys_are_uniform_bytes() -> None:
    drawn = [new_record_key() for _ in range(4000)]
    assert min(drawn) >= 0 and max(drawn) <= 255
    assert len(set(drawn)) > 200


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        (((0, 255),), "does not cover"),
        (((0, 256),), None),
        (((0, 128), (-1, 64), (1, 64)), "below the threshold"),
    ],
)
def test_a_ptable_that_breaks_a_property_is_refused(
    rows: tuple[tuple[int, int], ...], problem: str | None
) -> None:
    if problem is None:
        PerturbationTable("ok", 256, (rows,))
        return
    with pytest.raises(GateMisuse, match=problem):
        PerturbationTable("bad", 256, (rows,))


def test_a_biased_ptable_is_refused() -> None:
    with pytest.raises(GateMisuse, match="biased"):
        PerturbationTable("bad", 256, (((0, 256),), ((0, 128), (1, 128))))
