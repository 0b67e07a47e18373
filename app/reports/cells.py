"""A report as an attacker sees it: one set of cells, and the sums that tie them together.

Tables of one population that show the same breakdown show the *same cell*: the female
total of "gender x age" is the female total of "gender x nationality" and the female cell
of a one-way gender table. Suppression must hide such a cell everywhere or nowhere, so the
gate works on cells identified by ``(population, coordinates)``, not on table positions.

A *line* is an equation a reader can write from what the report states: a cell equals the
sum of its children along one axis (``female = female/under_12 + ... + female/50_plus``).
Lines are found for every axis any table of the population uses, and for every single
dimension of those axes, whenever the total and all its children are cells of the report;
so a total that one table hides and another shows still ties the first table's cells.

XXX: the gate knows only these sums. Two tables of one population whose dimensions nest
(a minor flag beside age bands, a country beside its region) give a reader sums that no
line records; builders must not publish nested dimensions of one population side by side.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from app.reports.tables import Coordinates, Count, CountKey, Dimension, GateMisuse, Report

#: A cell's identity in a report: its population and its coordinates.
CellId = tuple[str, Coordinates]


@dataclass
class CellSystem:
    ids: list[CellId] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    keys: list[int | None] = field(default_factory=list)
    exact: list[bool] = field(default_factory=list)
    #: Each line: its total cell and the cells that add up to it.
    lines: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    #: For each cell, the lines it is in with its coefficient (+1 total, -1 member).
    lines_of: list[list[tuple[int, int]]] = field(default_factory=list)
    index: dict[CellId, int] = field(default_factory=dict)
    #: Where each table's count went: (table key, count key) -> cell.
    positions: dict[tuple[str, CountKey], int] = field(default_factory=dict)
    #: The protected cells, in order.
    protected: list[int] = field(default_factory=list)
    #: The most lines any one protected cell is in (at least 1): moves use no other cells.
    widest_cell: int = 1

    def __len__(self) -> int:
        return len(self.ids)

    def components(self) -> list[int]:
        """A component number per cell: cells joined by any chain of lines."""
        parent = list(range(len(self.ids)))

        def find(c: int) -> int:
            while parent[c] != c:
                parent[c] = parent[parent[c]]
                c = parent[c]
            return c

        for total, members in self.lines:
            root = find(total)
            for member in members:
                parent[find(member)] = root
        return [find(c) for c in range(len(self.ids))]


def assemble(report: Report) -> CellSystem:
    """Merge the report's tables into one cell system and find its lines."""
    system = CellSystem()
    dimensions: dict[str, Dimension] = {}
    axes: dict[str, set[tuple[Dimension, ...]]] = {}
    for table in report.tables:
        for dim in table.dimensions:
            if dimensions.setdefault(dim.key, dim) != dim:
                raise GateMisuse(f"dimension {dim.key!r} is defined twice, differently")
        found = axes.setdefault(table.population, set())
        for axis in (table.rows, table.columns):
            if axis:
                found.add(axis)
                found.update((d,) for d in axis)
        exact_parts = table.exact
        for key, count in table.counts.items():
            cid = (table.population, table.coordinates(key))
            exact = table.part_of(key) in exact_parts
            system.positions[(table.key, key)] = _add_cell(system, cid, count, exact)
    system.lines_of = [[] for _ in system.ids]
    # Children exist only where some table has cells over exactly those dimensions.
    present = {(p, frozenset(d for d, _ in coords)) for p, coords in system.ids}
    keyed = {p: [(a, frozenset(d.key for d in a)) for a in found] for p, found in axes.items()}
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for cell, (population, coordinates) in enumerate(system.ids):
        used = frozenset(d for d, _ in coordinates)
        for axis, axis_keys in keyed.get(population, ()):
            if used & axis_keys or (population, used | axis_keys) not in present:
                continue
            members = _children(system, population, coordinates, axis)
            if members is None:
                continue
            line = (cell, tuple(sorted(members)))
            if line not in seen:
                seen.add(line)
                _add_line(system, line)
    system.protected = [c for c in range(len(system.ids)) if not system.exact[c]]
    system.widest_cell = max((len(system.lines_of[c]) for c in system.protected), default=1) or 1
    return system


def _add_cell(system: CellSystem, cid: CellId, count: Count, exact: bool) -> int:
    known = system.index.get(cid)
    if known is None:
        system.index[cid] = len(system.ids)
        system.ids.append(cid)
        system.counts.append(count.n)
        system.keys.append(count.cell_key)
        system.exact.append(exact)
        return len(system.ids) - 1
    if system.counts[known] != count.n or system.exact[known] != exact:
        raise GateMisuse(f"cell {cid!r} differs between two tables of one population")
    if count.cell_key is not None:
        if system.keys[known] not in (None, count.cell_key):
            raise GateMisuse(f"cell {cid!r} has two cell keys")
        system.keys[known] = count.cell_key
    return known


def _children(
    system: CellSystem, population: str, coordinates: Coordinates, axis: tuple[Dimension, ...]
) -> list[int] | None:
    """The cells that split ``coordinates`` along ``axis``, if the report has all of them."""
    members = []
    for values in itertools.product(*(d.values for d in axis)):
        pairs = tuple((d.key, v) for d, v in zip(axis, values, strict=True))
        index = system.index.get((population, tuple(sorted(coordinates + pairs))))
        if index is None:
            return None
        members.append(index)
    return members


def _add_line(system: CellSystem, line: tuple[int, tuple[int, ...]]) -> None:
    number = len(system.lines)
    system.lines.append(line)
    total, members = line
    system.lines_of[total].append((number, 1))
    for member in members:
        system.lines_of[member].append((number, -1))
