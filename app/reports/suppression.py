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

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from app.reports.cells import CellSystem
from app.reports.moves import Move, MoveSearch

#: Steps for the cheap-cells-first search of complementary cells (it succeeds fast or not
#: at all), and for looking for a cheaper set once the large-cells-first search found one.
QUICK_BUDGET = 600
IMPROVE_BUDGET = 600


@dataclass(frozen=True)
class Suppression:
    hidden: frozenset[int]
    primary: frozenset[int]
    #: Cells hidden whole with their component because no narrower choice protects them.
    exhausted: frozenset[int]


def suppress(system: CellSystem, threshold: int) -> Suppression:
    primary = {c for c in system.protected if system.counts[c] < threshold}
    hidden = set(primary)
    certified: set[int] = set()
    exhausted: set[int] = set()
    pools = _Pools(system, hidden)
    # Every hidden cell passes through this list: primaries, smallest first, then any cell
    # hidden on the way that no move has certified yet.
    waiting = deque(sorted(primary, key=lambda c: (system.counts[c], c)))
    while waiting:
        cell = waiting.popleft()
        if cell in certified:
            continue
        before = set(hidden)
        certified |= _protect(system, pools, cell, threshold, exhausted)
        waiting.extend(sorted(hidden - before - certified))
    return Suppression(frozenset(hidden), frozenset(primary), frozenset(exhausted))


def _protect(
    system: CellSystem, pools: _Pools, cell: int, threshold: int, exhausted: set[int]
) -> set[int]:
    """Hide what ``cell`` needs; return the cells this certifies.

    First a move among hidden cells; else the cheapest move through visible protected cells
    too; else hide every protected neighbour (each cell sharing a line) and try again (the
    neighbours a move does not end up using wait for their own certificate); and when that
    hides nothing new, the whole component: all that exact figures leave to hide.
    """
    hidden = pools.hidden
    while True:
        move = _certify(system, pools, cell, threshold)
        if move is None:
            move = _extend(system, pools, cell, threshold)
        if move is not None:
            hidden.update(move.signs)
            return set(move.signs)
        neighbours = {
            c
            for line, _ in system.lines_of[cell]
            for c in (system.lines[line][0], *system.lines[line][1])
            if not system.exact[c] and c not in hidden
        }
        if not neighbours:
            break
        hidden |= neighbours
    components = system.components()
    whole = {c for c in system.protected if components[c] == components[cell]}
    hidden |= whole
    exhausted |= whole
    return whole


def _splits(count: int, threshold: int) -> Iterator[tuple[int, int]]:
    """(up, down) capacities to ask of a move through a cell holding ``count``."""
    first = min(count, threshold)
    for down in dict.fromkeys((first, 0)):
        yield threshold - down, down


def _certify(system: CellSystem, pools: _Pools, cell: int, threshold: int) -> Move | None:
    """A move among hidden cells only."""
    for up, down in _splits(system.counts[cell], threshold):
        rising, falling = pools.hidden_holding(down), pools.hidden_holding(up)
        move = MoveSearch(system, rising, falling, budget=QUICK_BUDGET).find(cell)
        if move is not None:
            return move
    return None


def _extend(system: CellSystem, pools: _Pools, cell: int, threshold: int) -> Move | None:
    """The cheapest move that may also pass through visible protected cells."""

    def cost(c: int) -> float:
        return 0.0 if c in pools.hidden else 1.0 + system.counts[c]

    for up, down in _splits(system.counts[cell], threshold):
        rising, falling = pools.protected_holding(down), pools.protected_holding(up)
        move = MoveSearch(system, rising, falling, cost, QUICK_BUDGET).find(cell)
        if move is not None:
            return move
        # Cheap cells first can wander among small cells that dead-end a few steps later
        # (a margin shared by four tables needs a long move); large cells first finds one.
        found = MoveSearch(system, rising, falling, cost, cheap_first=False).find(cell)
        if found is not None:
            cheaper = MoveSearch(system, rising, falling, cost, IMPROVE_BUDGET)
            return cheaper.find(cell, cheaper_than=found)
    return None


class _Pools:
    """Cells a move may use, by the count they must hold; rebuilt only when more are hidden
    (the hidden set only grows, so its size tells its version)."""

    def __init__(self, system: CellSystem, hidden: set[int]) -> None:
        self.system = system
        self.hidden = hidden
        self._hidden: dict[tuple[int, int], set[int]] = {}
        self._protected: dict[int, set[int]] = {}

    def hidden_holding(self, bound: int) -> set[int]:
        key = (len(self.hidden), bound)
        if key not in self._hidden:
            counts = self.system.counts
            self._hidden[key] = {c for c in self.hidden if counts[c] >= bound}
        return self._hidden[key]

    def protected_holding(self, bound: int) -> set[int]:
        if bound not in self._protected:
            counts = self.system.counts
            self._protected[bound] = {c for c in self.system.protected if counts[c] >= bound}
        return self._protected[bound]
