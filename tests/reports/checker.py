"""An independent checker of released reports, written apart from the gate.

It reads only what a renderer reads (``ReleasedReport``: each cell's value and how it is
shown), recounts every cell from the raw clients, derives on its own every sum a reader can
write, and attacks the release with linear programs (scipy's HiGHS):

- ``visible_problems``: a visible protected cell below the threshold (zero included), a
  published value off its true count by more than the ptable allows or below the threshold,
  an exact cell that is not exact, a sensitive breakdown shown as exact, one cell shown two
  ways in two tables, a derived value shown although it depends on a hidden cell;
- ``interval_problems``: the reader knows every visible cell's *true* value (stronger than
  real, as published values are perturbed) and every sum; each hidden cell must keep an
  interval at least ``threshold`` wide, or as wide as it would be with every protected cell
  hidden (a population too small for more);
- ``differencing_problems``: two releases of one report over populations that differ by one
  client (added later, or in one of two overlapping periods). For each protected table the
  reader tries every category the client could have and keeps those consistent with both
  releases; if one value of a dimension remains and fewer than ``threshold`` people share it,
  the difference has singled the client out.

Nothing here imports the gate's internals: only the released types, and the dimensions'
declared meaning (which ones are sensitive), which a reader of the report knows too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from app.reports import Dimension, ReleasedReport, Shown

from .population import DIMENSIONS, Client, TableSpec

#: The dimensions' declared meaning (values, sensitive or not), which a reader knows too.
#: The app's reports use their own (``app.reports.dimensions``): pass them as ``dimensions``.
Dimensions = Mapping[str, Dimension]

Coords = frozenset[tuple[str, str]]
CellId = tuple[str, Coords]
TOLERANCE = 1e-6


@dataclass(frozen=True)
class Published:
    """One cell of the report as the reader sees it, with its recounted truth."""

    cell: CellId
    value: int | None
    shown: Shown
    truth: int


def occurrences(
    release: ReleasedReport, specs: Sequence[TableSpec], clients: Sequence[Client]
) -> list[Published]:
    """Every cell of every table of the release, recounted from the clients."""
    found = []
    for spec in specs:
        table = release.table(spec.key)
        dims = spec.rows + spec.columns
        for key, released in table.cells.items():
            coords: Coords = frozenset(
                (d, v) for d, v in zip(dims, key, strict=True) if v is not None
            )
            truth = sum(1 for c in clients if all(c.attrs[d] == v for d, v in coords))
            found.append(
                Published((spec.population, coords), released.value, released.shown, truth)
            )
    return found


def published_cells(
    release: ReleasedReport,
    specs: Sequence[TableSpec],
    clients: Sequence[Client],
    conflicts: list[str] | None = None,
) -> dict[CellId, Published]:
    """Every distinct cell of the release. A cell shown two ways in two tables goes to
    ``conflicts`` (or raises when there is no such list)."""
    found: dict[CellId, Published] = {}
    for seen in occurrences(release, specs, clients):
        if found.setdefault(seen.cell, seen) != seen:
            if conflicts is None:
                raise AssertionError(f"{seen.cell} is shown two ways in two tables")
            conflicts.append(f"{seen.cell}: shown two ways in two tables")
    return found


def sums(
    cells: Iterable[CellId], dimensions: Dimensions = DIMENSIONS
) -> list[tuple[CellId, list[CellId]]]:
    """Every (total, parts) a reader can write: a cell equals the sum of its children over
    any set of dimensions whose every combination is a cell of the report."""
    present = set(cells)
    dims_used = sorted({d for _, coords in present for d, _ in coords})
    found = []
    for population, coords in present:
        free = [d for d in dims_used if d not in {k for k, _ in coords}]
        for size in range(1, len(free) + 1):
            for group in itertools.combinations(free, size):
                parts = [
                    (population, coords | frozenset(zip(group, values, strict=True)))
                    for values in itertools.product(*(dimensions[d].values for d in group))
                ]
                if all(p in present for p in parts):
                    found.append(((population, coords), parts))
    return found


def visible_problems(
    release: ReleasedReport,
    specs: Sequence[TableSpec],
    clients: Sequence[Client],
    max_noise: int,
    dimensions: Dimensions = DIMENSIONS,
) -> list[str]:
    threshold = release.threshold
    problems: list[str] = []
    published_cells(release, specs, clients, problems)
    for item in occurrences(release, specs, clients):
        sensitive = any(dimensions[d].sensitive for d, _ in item.cell[1])
        if item.shown is Shown.hidden:
            if item.value is not None:
                problems.append(f"{item.cell}: hidden but carries a value")
        elif item.shown is Shown.exact:
            if sensitive:
                problems.append(f"{item.cell}: a sensitive breakdown shown as exact")
            if item.value != item.truth:
                problems.append(f"{item.cell}: exact {item.value} but the truth is {item.truth}")
        else:
            if item.truth < threshold:
                problems.append(f"{item.cell}: visible with {item.truth} < {threshold}")
            if item.value is None or item.value < threshold:
                problems.append(f"{item.cell}: published {item.value} < {threshold}")
            elif abs(item.value - item.truth) > max_noise:
                problems.append(f"{item.cell}: published {item.value}, truth {item.truth}")
    return sorted(set(problems))


def interval_problems(
    release: ReleasedReport,
    specs: Sequence[TableSpec],
    clients: Sequence[Client],
    dimensions: Dimensions = DIMENSIONS,
) -> list[str]:
    cells = published_cells(release, specs, clients)
    hidden = [c for c, p in cells.items() if p.shown is Shown.hidden]
    if not hidden:
        return []
    lines = sums(cells, dimensions)
    narrow = []
    for cell in hidden:
        low, high = _bounds(cells, lines, cell, free=set(hidden))
        if high - low < release.threshold - TOLERANCE:
            narrow.append((cell, low, high))
    if not narrow:
        return []
    protected = {c for c, p in cells.items() if p.shown is not Shown.exact}
    problems = []
    for cell, low, high in narrow:
        best_low, best_high = _bounds(cells, lines, cell, free=protected)
        if high - low < min(release.threshold, best_high - best_low) - TOLERANCE:
            problems.append(
                f"{cell}: a reader bounds it to [{low:g}, {high:g}] "
                f"(truth {cells[cell].truth}; hiding all would give [{best_low:g}, {best_high:g}])"
            )
    return problems


class _Program:
    """A linear program over named variables, for scipy's linprog."""

    def __init__(self) -> None:
        self.names: dict[object, int] = {}
        self.bounds: list[tuple[float, float | None]] = []
        self.rows: list[dict[int, float]] = []
        self.rhs: list[float] = []

    def var(self, name: object, low: float = 0.0, high: float | None = None) -> int:
        if name not in self.names:
            self.names[name] = len(self.bounds)
            self.bounds.append((low, high))
        return self.names[name]

    def equation(self, terms: dict[int, float], rhs: float) -> None:
        self.rows.append(terms)
        self.rhs.append(rhs)

    def solve(self, objective: dict[int, float]) -> object:
        width = len(self.bounds)
        a_eq = np.zeros((len(self.rows), width))
        for r, terms in enumerate(self.rows):
            for column, coefficient in terms.items():
                a_eq[r, column] += coefficient
        c = np.zeros(width)
        for column, coefficient in objective.items():
            c[column] = coefficient
        return linprog(
            c,
            A_eq=a_eq if self.rows else None,
            b_eq=np.array(self.rhs) if self.rows else None,
            bounds=self.bounds,
            method="highs",
        )


def _bounds(
    cells: Mapping[CellId, Published],
    lines: list[tuple[CellId, list[CellId]]],
    target: CellId,
    free: set[CellId],
) -> tuple[float, float]:
    """min and max of ``target`` over tables that agree with every cell not in ``free``."""
    program = _Program()
    for total, parts in lines:
        terms: dict[int, float] = {}
        constant = 0.0
        for cell, sign in [(total, 1.0)] + [(p, -1.0) for p in parts]:
            if cell in free:
                column = program.var(cell)
                terms[column] = terms.get(column, 0.0) + sign
            else:
                constant += sign * cells[cell].truth
        if terms:
            program.equation(terms, -constant)
    column = program.var(target)
    ends = []
    for sense in (1.0, -1.0):
        result = program.solve({column: sense})
        if result.status == 3:  # type: ignore[attr-defined]  # unbounded: nothing caps it
            ends.append(np.inf)
            continue
        assert result.status == 0, f"audit LP failed: {result.message}"  # type: ignore[attr-defined]
        ends.append(sense * result.fun)  # type: ignore[attr-defined]
    return ends[0], ends[1]


def differencing_problems(
    before: ReleasedReport,
    after: ReleasedReport,
    specs: Sequence[TableSpec],
    clients_before: Sequence[Client],
    clients_after: Sequence[Client],
    dimensions: Dimensions = DIMENSIONS,
) -> list[str]:
    """Does comparing the two releases single out the one client who differs?

    The reader tries every category the newcomer could have in each protected table and
    keeps those consistent with both releases (exactly, by linear programming); and, as a
    second reading, also presumes that every cell shown in one release and hidden in the
    other (a 0 turning into the symbol) holds the newcomer. Either reading that leaves one
    value of a dimension, the true one, shared by fewer than ``threshold`` people, fails.
    """
    added = {c.ident for c in clients_after} - {c.ident for c in clients_before}
    assert len(added) == 1 and len(clients_after) == len(clients_before) + 1, "one newcomer"
    newcomer = next(c for c in clients_after if c.ident in added)
    cells_before = published_cells(before, specs, clients_before)
    cells_after = published_cells(after, specs, clients_after)
    lines = sums(cells_before, dimensions)
    turned = {
        c for c in cells_before if (cells_before[c].value is None) != (cells_after[c].value is None)
    }
    problems = []
    for spec in specs:
        dims = spec.rows + spec.columns
        if not any(dimensions[d].sensitive for d in dims):
            continue
        truth = tuple(newcomer.attrs[d] for d in dims)
        guesses = [
            dict(zip(dims, g, strict=True))
            for g in itertools.product(*(dimensions[d].values for d in dims))
        ]
        exact = [g for g in guesses if _consistent(g, cells_before, cells_after, lines, set())]
        assert dict(zip(dims, truth, strict=True)) in exact, (
            f"checker bug: the truth is ruled out ({spec.key})"
        )
        presumed = [g for g in exact if _consistent(g, cells_before, cells_after, lines, turned)]
        for reading in (exact, presumed):
            problems.extend(_pins(spec.key, dims, reading, newcomer, clients_after, after))
    return sorted(set(problems))


def _pins(
    table: str,
    dims: tuple[str, ...],
    reading: list[dict[str, str]],
    newcomer: Client,
    clients: Sequence[Client],
    release: ReleasedReport,
) -> list[str]:
    problems = []
    for dim in dims:
        values = {guess[dim] for guess in reading}
        if values != {newcomer.attrs[dim]}:
            continue
        group = sum(1 for c in clients if c.attrs[dim] == newcomer.attrs[dim])
        if group < release.threshold:
            problems.append(
                f"{table}: the difference puts the newcomer in {dim}={newcomer.attrs[dim]}, "
                f"a group of {group}"
            )
    return problems


def _consistent(
    guess: Mapping[str, str],
    before: Mapping[CellId, Published],
    after: Mapping[CellId, Published],
    lines: list[tuple[CellId, list[CellId]]],
    presumed: set[CellId],
) -> bool:
    """Is there a before-table, and a newcomer matching ``guess``, that agree with both
    releases? Variables: every cell before (fixed where it was visible), and the newcomer's
    share of each cell the guess does not settle (it involves a dimension outside the
    table), in [0, 1]; both add up along every line; every cell visible after equals its
    before value plus the newcomer's share; the newcomer is in every ``presumed`` cell."""
    program = _Program()
    for cell, seen in before.items():
        fixed = seen.truth if seen.value is not None else None
        program.var(("x", cell), *((fixed, fixed) if fixed is not None else (0.0, None)))

    def share(cell: CellId, terms: dict[int, float], sign: float) -> float:
        settled = _share(guess, cell)
        if settled is not None:
            return sign * settled
        column = program.var(("share", cell), 0.0, 1.0)
        terms[column] = terms.get(column, 0.0) + sign
        return 0.0

    for total, parts in lines:
        signed = [(total, 1.0)] + [(p, -1.0) for p in parts]
        program.equation({program.names[("x", c)]: s for c, s in signed}, 0.0)
        terms: dict[int, float] = {}
        constant = sum(share(c, terms, s) for c, s in signed)
        if terms:
            program.equation(terms, -constant)
        elif abs(constant) > TOLERANCE:
            return False
    for cell, seen in after.items():
        if seen.value is not None:
            terms = {program.names[("x", cell)]: 1.0}
            constant = share(cell, terms, 1.0)
            program.equation(terms, seen.truth - constant)
    for cell in presumed:
        terms = {}
        if share(cell, terms, 1.0) == 0.0 and not terms:
            return False
        if terms:
            program.equation(terms, 1.0)
    return bool(program.solve({}).status == 0)  # type: ignore[attr-defined]


def _share(guess: Mapping[str, str], cell: CellId) -> int | None:
    """1 or 0 if the guess settles whether the newcomer is in ``cell``, else None."""
    _, coords = cell
    if any(d in guess and guess[d] != v for d, v in coords):
        return 0
    if all(d in guess for d, _ in coords):
        return 1
    return None


def derived_problems(
    release: ReleasedReport, refs: Mapping[str, Sequence[tuple[str, tuple[str | None, ...]]]]
) -> list[str]:
    """A derived value shown although one of the cells it is computed from is hidden."""
    problems = []
    for derived in release.derived:
        inputs = [release.table(t).cell(k) for t, k in refs[derived.key]]
        if any(c.value is None for c in inputs) and derived.value is not None:
            problems.append(f"{derived.key}: shown although it depends on a hidden cell")
    return problems
