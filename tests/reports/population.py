"""Synthetic clients and the report a builder would make of them with SQL.

``build_report`` plays the part of the future report builders: it groups raw rows as
``GROUP BY GROUPING SETS`` would (a count and ``SUM(record_key) % 256`` per group) and fills
the gate's data model. The checker (``checker.py``) does not use it: it recounts the raw
rows itself.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from app.reports import Count, Dimension, Part, Report, Table

GENDER = Dimension("gender", ("female", "male", "non_binary"))
AGE = Dimension("age_band", ("under_18", "18_24", "25_49", "50_plus"))
REGION = Dimension(
    "region", ("Eastern Europe", "Western Africa", "South-eastern Asia", "Western Europe")
)
EXPLOITATION = Dimension("exploitation", ("sexual", "labour", "domestic_servitude", "other"))
QUARTER = Dimension("quarter", ("q1", "q2", "q3", "q4"), sensitive=False)
MEMBER = Dimension("member", ("ngo_a", "ngo_b", "ngo_c"), organisation=True)
DIMENSIONS = {d.key: d for d in (GENDER, AGE, REGION, EXPLOITATION, QUARTER, MEMBER)}
ALL_TOTALS = frozenset({Part.row_totals, Part.column_totals, Part.grand_total})


@dataclass(frozen=True)
class Client:
    ident: int
    record_key: int
    attrs: Mapping[str, str]
    #: Months (1..12) in which the client was helped: what period reports select on.
    months: frozenset[int] = field(default_factory=lambda: frozenset({1}))


@dataclass(frozen=True)
class TableSpec:
    key: str
    rows: tuple[str, ...]
    columns: tuple[str, ...] = ()
    show: frozenset[Part] = ALL_TOTALS
    exact: frozenset[Part] = frozenset({Part.grand_total})
    population: str = "people"


#: A State-style report: three breakdowns sharing the gender and region totals, a one-way
#: table and an exact table by quarter.
STATE_TABLES = (
    TableSpec("gender_by_age", ("gender",), ("age_band",)),
    TableSpec("gender_by_region", ("gender",), ("region",)),
    TableSpec("region_by_exploitation", ("region",), ("exploitation",)),
    TableSpec("by_exploitation", ("exploitation",), (), frozenset({Part.grand_total})),
    TableSpec(
        "by_quarter",
        ("quarter",),
        (),
        frozenset({Part.grand_total}),
        frozenset({Part.interior, Part.grand_total}),
    ),
)


def random_client(rng: random.Random, ident: int, weights: Mapping[str, Sequence[float]]) -> Client:
    attrs = {
        key: rng.choices(DIMENSIONS[key].values, weights=weights.get(key))[0]
        for key in ("gender", "age_band", "region", "exploitation", "quarter", "member")
    }
    return Client(ident, rng.randrange(256), attrs, frozenset({rng.randint(1, 12)}))


def build_report(
    clients: Iterable[Client],
    specs: Sequence[TableSpec] = STATE_TABLES,
    threshold: int = 10,
    pooled: bool = False,
) -> Report:
    people = list(clients)
    return Report(
        key="state",
        tables=tuple(_build_table(people, spec) for spec in specs),
        threshold=threshold,
        pooled=pooled,
    )


def _build_table(people: list[Client], spec: TableSpec) -> Table:
    """COUNT(*) and SUM(record_key) % 256 per grouping set, zeros filled in from the
    category lists (a LEFT JOIN in SQL)."""
    dims = [DIMENSIONS[k] for k in spec.rows + spec.columns]
    split = len(spec.rows)
    groups: dict[tuple[str | None, ...], list[int]] = {}
    for person in people:
        values = tuple(person.attrs[d.key] for d in dims)
        for key in _grouping_sets(values, split):
            groups.setdefault(key, []).append(person.record_key)
    counts = {
        key: Count(len(groups.get(key, [])), sum(groups.get(key, [])) % 256)
        for key in _expected_keys(dims, split, spec.show)
    }
    return Table(spec.key, spec.population, tuple(dims[:split]), tuple(dims[split:]), counts,
                 spec.show, spec.exact)  # fmt: skip


def _grouping_sets(values: tuple[str, ...], split: int) -> set[tuple[str | None, ...]]:
    blank_rows = (None,) * split
    blank_columns = (None,) * (len(values) - split)
    return {
        values,
        values[:split] + blank_columns,
        blank_rows + values[split:],
        blank_rows + blank_columns,
    }


def _expected_keys(
    dims: list[Dimension], split: int, show: frozenset[Part]
) -> list[tuple[str | None, ...]]:
    rows, columns = dims[:split], dims[split:]
    blank_rows = (None,) * len(rows)
    blank_columns = (None,) * len(columns)
    row_keys = list(itertools.product(*(d.values for d in rows)))
    column_keys = list(itertools.product(*(d.values for d in columns)))
    keys: list[tuple[str | None, ...]] = []
    for row in row_keys:
        keys.extend(row + column for column in column_keys)
        if columns and Part.row_totals in show:
            keys.append(row + blank_columns)
    if columns and Part.column_totals in show:
        keys.extend(blank_rows + column for column in column_keys)
    if Part.grand_total in show:
        keys.append(blank_rows + blank_columns)
    return keys
