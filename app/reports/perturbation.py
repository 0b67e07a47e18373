"""The ONS cell-key method: the same cell always gets the same noise.

Each client carries a random *record key*, a uniform integer in [0, 256) drawn once at
intake (:func:`new_record_key`). A cell's *cell key* is the sum of its members' record keys
modulo 256, which builders compute in SQL next to the count (``SUM(record_key) % 256``).
The published perturbation table (``ptable.json`` beside this module, described in its own
``description``) maps (count above the threshold, cell key) to a small noise. So:

- running the same report twice, or a report whose cell has the same members, gives the
  same published value: averaging many runs learns nothing;
- a cell whose members changed gets fresh noise, so a difference between two reports is
  the true difference plus noise and does not state how many people made it;
- the table's rows have mean noise exactly 0 (no bias), a variance below 1, noise within
  +-2, and never push a count below the threshold or below zero.

Only visible protected cells are perturbed; exact cells and hidden cells are not. Protected
cells are perturbed independently, so a protected row need not add up to its total.

XXX: perturbation does not hide *which* cells changed between two runs: a cell whose
members are the same shows the same value, so a cell that changes has gained or lost
someone. What keeps that from naming anyone is suppression: every cell below the threshold,
zero included, is hidden in both runs, so a visible change only ever places a person in a
group of at least ``threshold`` people (tests/reports/test_differencing.py).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources

from app.reports.tables import CELL_KEY_MODULUS, GateMisuse


@dataclass(frozen=True)
class PerturbationTable:
    name: str
    modulus: int
    #: Row ``i``: ``(noise, share)`` pairs for a count ``threshold + i``; the last row
    #: serves every larger count.
    rows: tuple[tuple[tuple[int, int], ...], ...]

    def __post_init__(self) -> None:
        for offset, row in enumerate(self.rows):
            if sum(share for _, share in row) != self.modulus:
                raise GateMisuse(f"ptable {self.name}: row {offset} does not cover every key")
            if any(share <= 0 for _, share in row):
                raise GateMisuse(f"ptable {self.name}: row {offset} has an empty share")
            if min(noise for noise, _ in row) < -offset:
                raise GateMisuse(f"ptable {self.name}: row {offset} goes below the threshold")
            if sum(noise * share for noise, share in row) != 0:
                raise GateMisuse(f"ptable {self.name}: row {offset} is biased")

    @property
    def max_noise(self) -> int:
        return max(abs(noise) for row in self.rows for noise, _ in row)

    def noise(self, offset: int, cell_key: int) -> int:
        if offset < 0 or not 0 <= cell_key < self.modulus:
            raise GateMisuse("only counts at or above the threshold are perturbed")
        row = self.rows[min(offset, len(self.rows) - 1)]
        upper = 0
        for noise, share in row:
            upper += share
            if cell_key < upper:
                return noise
        raise AssertionError("unreachable: shares add up to the modulus")

    def variance(self, offset: int) -> Fraction:
        row = self.rows[min(offset, len(self.rows) - 1)]
        return Fraction(sum(noise * noise * share for noise, share in row), self.modulus)


@cache
def published_ptable() -> PerturbationTable:
    """Haven's ptable, read from ``ptable.json`` in this package."""
    text = resources.files("app.reports").joinpath("ptable.json").read_text(encoding="utf-8")
    data = json.loads(text)
    rows = sorted(data["rows"], key=lambda row: row["offset"])
    if [row["offset"] for row in rows] != list(range(len(rows))):
        raise GateMisuse("ptable rows must be offsets 0, 1, 2, ...")
    table = PerturbationTable(
        name=data["name"],
        modulus=data["key_modulus"],
        rows=tuple(tuple((int(n), int(s)) for n, s in row["noise"]) for row in rows),
    )
    if table.modulus != CELL_KEY_MODULUS:
        raise GateMisuse("the ptable's key modulus must be the cell key modulus")
    return table


def perturb(count: int, cell_key: int, threshold: int, ptable: PerturbationTable) -> int:
    """The published value of a visible protected cell (``count >= threshold``)."""
    return count + ptable.noise(count - threshold, cell_key)


def new_record_key() -> int:
    """A client's record key, drawn once at intake and never shown."""
    return secrets.randbelow(CELL_KEY_MODULUS)


def cell_key_of(record_keys: list[int]) -> int:
    """The cell key of a cell with these members (what ``SUM(record_key) % 256`` gives)."""
    return sum(record_keys) % CELL_KEY_MODULUS
