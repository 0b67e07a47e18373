"""From grouped SQL rows to the gate's tables.

Builders run one ``GROUP BY`` per table over coarse columns (a count and the sum of the
members' record keys per group) and hand the rows here: :class:`Tally` maps raw values to
a dimension's categories and adds them up, and :func:`table_of` fills every cell the table
shows, zeros included, with totals as sums of the interior (cell keys add up modulo 256,
so a total's key is the sum of its cells' keys: no second query).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.reports.tables import CELL_KEY_MODULUS, Count, CountKey, Dimension, Part, Table, Unit

ALL_TOTALS = frozenset({Part.row_totals, Part.column_totals, Part.grand_total})
GRAND_TOTAL = frozenset({Part.grand_total})


@dataclass
class Tally:
    """True counts (or amounts) and record-key sums per interior cell."""

    counts: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    def add(self, cell: tuple[str, ...], n: int, key_sum: int = 0) -> None:
        self.counts[cell] = self.counts.get(cell, 0) + int(n)
        self.keys[cell] = (self.keys.get(cell, 0) + int(key_sum)) % CELL_KEY_MODULUS

    def total(self) -> int:
        return sum(self.counts.values())


def table_of(
    key: str,
    population: str,
    rows: tuple[Dimension, ...],
    columns: tuple[Dimension, ...],
    tally: Tally,
    *,
    show: frozenset[Part] = ALL_TOTALS,
    exact: frozenset[Part] = GRAND_TOTAL,
    unit: Unit = Unit.people,
) -> Table:
    if not columns:
        show = show & GRAND_TOTAL
        exact = exact & (GRAND_TOTAL | {Part.interior})
    amounts = unit not in (Unit.people, Unit.records)
    counts: dict[CountKey, Count] = {}
    split = len(rows)
    for values in itertools.product(*(d.values for d in rows + columns)):
        n = tally.counts.get(values, 0)
        k = tally.keys.get(values, 0)
        for total in _totals_of(values, split, bool(columns), show):
            old = counts.get(total, Count(0, 0))
            counts[total] = Count(old.n + n, ((old.cell_key or 0) + k) % CELL_KEY_MODULUS)
    # Amounts carry no cell key (they are exact); counts keep theirs.
    if amounts:
        counts = {k: Count(c.n) for k, c in counts.items()}
    return Table(key, population, rows, columns, counts, show, exact, unit)


def _totals_of(
    values: tuple[str, ...], split: int, two_way: bool, show: frozenset[Part]
) -> Iterable[CountKey]:
    blank_rows: tuple[None, ...] = (None,) * split
    blank_columns: tuple[None, ...] = (None,) * (len(values) - split)
    keys: set[CountKey] = {values}
    if two_way and Part.row_totals in show:
        keys.add(values[:split] + blank_columns)
    if two_way and Part.column_totals in show:
        keys.add(blank_rows + values[split:])
    if Part.grand_total in show:
        keys.add(blank_rows + blank_columns)
    return keys
