"""What report builders hand to the gate: tables of true counts, never shown as they are.

A :class:`Report` is a set of :class:`Table`; a table counts one *population* (``"people
helped under grant G in period P"``, ``"service records ..."``) by a row axis and an
optional column axis. An axis is one dimension or a product of several (``gender x age``).
Counts are keyed the way ``GROUP BY GROUPING SETS`` returns them: one value per dimension of
the row axis then of the column axis, ``None`` standing for "all" (a total)::

    Table(key="age_by_gender", population="people", rows=(GENDER,), columns=(AGE,),
          show=frozenset({Part.row_totals, Part.column_totals, Part.grand_total}),
          exact=frozenset({Part.grand_total}),
          counts={("female", "18_24"): Count(14, 201), ("female", None): Count(40, 17),
                  (None, "18_24"): Count(22, 90), (None, None): Count(61, 3), ...})

Every cell is *exact* (a number a funder pays against: shown as it is) or *protected*
(thresholded, suppressed, perturbed). A part may be exact only when none of its dimensions
is sensitive. ``Count.cell_key`` is the ONS cell key of a protected cell: the sum of its
members' record keys modulo :data:`CELL_KEY_MODULUS` (``SUM(record_key) % 256`` in SQL).

Nothing here renders a table: only :func:`app.reports.gate.release` turns a report into
something that can be shown.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

#: Record keys are uniform integers in [0, 256); a cell key is their sum modulo 256.
CELL_KEY_MODULUS = 256

#: One count key: a value per dimension (rows then columns), ``None`` for "all".
CountKey = tuple[str | None, ...]
#: A cell's identity inside its population: sorted ``(dimension, value)`` pairs.
Coordinates = tuple[tuple[str, str], ...]


class GateMisuse(ValueError):
    """A report built against the gate's contract (a bug in a builder, never user input)."""


class Part(enum.StrEnum):
    interior = "interior"
    row_totals = "row_totals"
    column_totals = "column_totals"
    grand_total = "grand_total"


class Unit(enum.StrEnum):
    """What a table counts. Only people and records may be protected; the other units are
    amounts a funder pays against, exact, in whole units of the builder's choosing (nights,
    minutes, cents) that the renderer formats."""

    people = "people"
    records = "records"
    nights = "nights"
    minutes = "minutes"
    cents = "cents"


COUNTING_UNITS = frozenset({Unit.people, Unit.records})


@dataclass(frozen=True)
class Dimension:
    """A coarse category (gender, age band, region of nationality, month...).

    ``values`` must cover the population (every member has exactly one), so that a line of
    cells adds up to its total. A category that cannot occur for this report (men in a
    women-only shelter) is a *structural zero*: leave it out of ``values`` and it is no
    cell at all; every zero that remains is a sampling zero and is protected like any
    small count (see :mod:`app.reports.suppression`).
    """

    key: str
    values: tuple[str, ...]
    #: Breakdowns by it single people out (gender, age, nationality, exploitation...).
    sensitive: bool = True
    #: Its values are organisations: refused in pooled network tables.
    organisation: bool = False

    def __post_init__(self) -> None:
        if not self.values or len(set(self.values)) != len(self.values):
            raise GateMisuse(f"dimension {self.key!r}: values must be distinct and non-empty")


@dataclass(frozen=True)
class Count:
    """A true count (or amount) and, for a protected cell, its ONS cell key."""

    n: int
    cell_key: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.n, bool) or not isinstance(self.n, int) or self.n < 0:
            raise GateMisuse("a count is a non-negative integer")
        if self.cell_key is not None and not 0 <= self.cell_key < CELL_KEY_MODULUS:
            raise GateMisuse(f"a cell key lies in [0, {CELL_KEY_MODULUS})")


@dataclass(frozen=True)
class Table:
    key: str
    #: What is counted and over which set; tables of one report with the same population
    #: share their cells (the gender totals of "gender x age" and "gender x nationality").
    population: str
    rows: tuple[Dimension, ...]
    columns: tuple[Dimension, ...] = ()
    counts: Mapping[CountKey, Count] = field(default_factory=dict)
    #: Totals shown with the table; the interior is always shown.
    show: frozenset[Part] = frozenset()
    #: Parts that stay exact; all others are protected.
    exact: frozenset[Part] = frozenset()
    unit: Unit = Unit.people

    def __post_init__(self) -> None:
        _check_axes(self)
        _check_counts(self)
        _check_exact_parts(self)

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        return self.rows + self.columns

    def row_keys(self) -> list[tuple[str, ...]]:
        return list(itertools.product(*(d.values for d in self.rows)))

    def column_keys(self) -> list[tuple[str, ...]]:
        return list(itertools.product(*(d.values for d in self.columns)))

    def part_of(self, key: CountKey) -> Part:
        split = len(self.rows)
        row_all = all(v is None for v in key[:split])
        column_all = all(v is None for v in key[split:])
        if row_all and column_all:
            return Part.grand_total
        if row_all:
            return Part.column_totals
        if column_all and self.columns:
            return Part.row_totals
        return Part.interior

    def dimensions_of(self, part: Part) -> tuple[Dimension, ...]:
        """The dimensions a part breaks its population down by."""
        return {
            Part.interior: self.dimensions,
            Part.row_totals: self.rows,
            Part.column_totals: self.columns,
            Part.grand_total: (),
        }[part]

    def expected_keys(self) -> Iterator[CountKey]:
        """Every count key the table must hold, in display order."""
        columns = self.column_keys() if self.columns else [()]
        blank_row: tuple[None, ...] = (None,) * len(self.rows)
        blank_column: tuple[None, ...] = (None,) * len(self.columns)
        for row in self.row_keys():
            for column in columns:
                yield row + column
            if Part.row_totals in self.show and self.columns:
                yield row + blank_column
        if Part.column_totals in self.show and self.columns:
            for column in columns:
                yield blank_row + column
        if Part.grand_total in self.show:
            yield blank_row + blank_column

    def is_exact(self, key: CountKey) -> bool:
        return self.part_of(key) in self.exact

    def coordinates(self, key: CountKey) -> Coordinates:
        return tuple(
            sorted((d.key, v) for d, v in zip(self.dimensions, key, strict=True) if v is not None)
        )


def _check_axes(table: Table) -> None:
    if not table.rows:
        raise GateMisuse(f"table {table.key!r}: a table needs a row axis")
    keys = [d.key for d in table.dimensions]
    if len(set(keys)) != len(keys):
        raise GateMisuse(f"table {table.key!r}: a dimension appears twice")
    if not table.columns and {Part.row_totals, Part.column_totals} & (table.show | table.exact):
        raise GateMisuse(f"table {table.key!r}: a one-way table has only a grand total")
    if Part.interior in table.show:
        raise GateMisuse(f"table {table.key!r}: the interior is always shown")


def _check_counts(table: Table) -> None:
    expected = list(table.expected_keys())
    if set(table.counts) != set(expected) or len(expected) != len(table.counts):
        missing = set(expected) - set(table.counts)
        extra = set(table.counts) - set(expected)
        raise GateMisuse(f"table {table.key!r}: missing {len(missing)}, unexpected {len(extra)}")
    for key, count in table.counts.items():
        if not table.is_exact(key) and count.cell_key is None:
            raise GateMisuse(f"table {table.key!r}: a protected cell needs its cell key")
    _check_additivity(table)


def _check_additivity(table: Table) -> None:
    """Totals must be the sums of their cells: suppression reasons on that."""
    columns = table.column_keys() if table.columns else [()]
    blank_row: tuple[None, ...] = (None,) * len(table.rows)
    blank_column: tuple[None, ...] = (None,) * len(table.columns)
    interior = {k: c.n for k, c in table.counts.items() if table.part_of(k) is Part.interior}
    sums: dict[CountKey, int] = {}
    for row in table.row_keys():
        for column in columns:
            n = interior[row + column]
            # A set: in a one-way table the row total is the cell itself and would count twice.
            for total in {row + blank_column, blank_row + column, blank_row + blank_column}:
                sums[total] = sums.get(total, 0) + n
    for key, count in table.counts.items():
        if key in sums and table.part_of(key) is not Part.interior and sums[key] != count.n:
            raise GateMisuse(f"table {table.key!r}: a total is not the sum of its cells")


def _check_exact_parts(table: Table) -> None:
    for part in table.exact:
        if any(d.sensitive for d in table.dimensions_of(part)):
            raise GateMisuse(f"table {table.key!r}: {part} breaks down by a sensitive dimension")
    if table.unit not in COUNTING_UNITS and not {Part.interior} | table.show <= table.exact:
        raise GateMisuse(f"table {table.key!r}: amounts ({table.unit}) can only be exact")


@dataclass(frozen=True)
class CellRef:
    """One count of one table, by its count key, for derived values."""

    table: str
    key: CountKey


@dataclass(frozen=True)
class Derived:
    """A percentage, average or cost per head computed from two released counts; hidden
    when either is suppressed (a share of a hidden cell would give the cell away)."""

    key: str
    numerator: CellRef
    denominator: CellRef
    #: 100 for a percentage, 1 for an average.
    scale: int = 100
    places: int = 1


@dataclass(frozen=True)
class Report:
    key: str
    tables: tuple[Table, ...]
    threshold: int
    #: A network's pooled tables: no dimension may name a member organisation.
    pooled: bool = False
    derived: tuple[Derived, ...] = ()

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise GateMisuse(f"no table {key!r} in report {self.key!r}")

    def __post_init__(self) -> None:
        keys = [t.key for t in self.tables]
        if len(set(keys)) != len(keys):
            raise GateMisuse(f"report {self.key!r}: two tables share a key")
