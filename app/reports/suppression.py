"""Which protected cells are hidden, and the guarantee that hiding gives.

Primary suppression
    Every protected cell with a count below the threshold, **zero included**. A sampling zero
    that is shown turns into the suppression symbol the day one person joins the cell, and
    comparing the two reports then names that person's category: the shelter of 50 whose
    "Moldova, minor" cell goes from 0 to hidden has just told the reader who arrived. So in
    protected breakdowns 0 and 1..threshold-1 look the same. Structural zeros (categories
    impossible for the report) are left out of the dimension instead (see
    :class:`app.reports.tables.Dimension`); zeros in exact cells are shown.

Complementary suppression
    Every hidden cell must stay unknowable: whatever a reader does with the visible cells,
    the totals and the sums shared between tables, each hidden cell must remain anywhere in
    an interval at least ``threshold`` wide. The gate does not solve linear programs to
    check that; it proves it with *moves* (:mod:`app.reports.moves`): for every hidden cell
    it finds a move through hidden cells whose ``up + down`` is at least the threshold, which
    certifies the width for every cell of the move at once. When no move exists among the
    cells already hidden, it searches one that may also pass through visible protected cells,
    at a cost of their counts (small cells first), and hides those. Certificates stay valid
    as more cells are hidden, so every cell is certified once.

The guarantee (what the tests' linear-programming checker verifies): every hidden cell has a
feasible interval, given everything the report shows, of width >= threshold; or, when the
population is too small for that (a shelter of 8 broken down by gender), every protected
cell tied to it by any chain of sums is hidden, so only exact figures remain visible.

Sole categories
    A line whose only non-zero cell holds its whole total (all 12 Moldovans are minors) would
    state the attribute of everyone in the group. With zeros hidden and every hidden zero
    needing room to rise by the threshold, the cell that holds the group is hidden too: the
    rule above covers it, whatever the size of the group.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.reports.cells import CellSystem
from app.reports.moves import Move, MoveSearch


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset[int]
    primary: frozenset[int]
    #: Cells hidden whole with their component because no narrower choice protects them.
    exhausted: frozenset[int]


def suppress(system: CellSystem, threshold: int) -> Suppression:
    primary = {c for c in system.protected() if system.counts[c] < threshold}
    hidden = set(primary)
    certified: set[int] = set()
    exhausted: set[int] = set()
    components: list[int] | None = None
    for cell in sorted(primary, key=lambda c: (system.counts[c], c)):
        if cell in certified:
            continue
        move = _certify(system, hidden, cell, threshold)
        if move is None:
            move = _extend(system, hidden, cell, threshold)
        if move is not None:
            hidden.update(move.signs)
            certified.update(move.signs)
            continue
        components = components or system.components()
        whole = {c for c in system.protected() if components[c] == components[cell]}
        hidden |= whole
        certified |= whole
        exhausted |= whole
    return Suppression(frozenset(hidden), frozenset(primary), frozenset(exhausted))


def _splits(count: int, threshold: int) -> Iterator[tuple[int, int]]:
    """(up, down) capacities to ask of a move through a cell holding ``count``."""
    first = min(count, threshold)
    for down in dict.fromkeys((first, first // 2, 0)):
        yield threshold - down, down


def _certify(system: CellSystem, hidden: set[int], cell: int, threshold: int) -> Move | None:
    """A move among hidden cells only."""
    for up, down in _splits(system.counts[cell], threshold):

        def allowed(c: int, sign: int, up: int = up, down: int = down) -> bool:
            return c in hidden and system.counts[c] >= (up if sign < 0 else down)

        move = MoveSearch(system, allowed, _free).find(cell)
        if move is not None:
            return move
    return None


def _extend(system: CellSystem, hidden: set[int], cell: int, threshold: int) -> Move | None:
    """The cheapest move that may also pass through visible protected cells."""
    for up, down in _splits(system.counts[cell], threshold):

        def allowed(c: int, sign: int, up: int = up, down: int = down) -> bool:
            return not system.exact[c] and system.counts[c] >= (up if sign < 0 else down)

        def cost(c: int) -> float:
            return 0.0 if c in hidden else 1.0 + system.counts[c]

        move = MoveSearch(system, allowed, cost).find(cell)
        if move is not None:
            return move
    return None


def _free(cell: int) -> float:
    return 0.0
