"""Moves: the certificates that a hidden cell cannot be worked out.

A *move* is a change of +1 or -1 to some hidden cells that keeps every line of the report
balanced (each total still equals the sum of its cells), for instance the four corners of
a rectangle in a two-way table (+1, -1 / -1, +1). If the true table is ``x`` and ``v`` is a
move, every ``x + t*v`` with all cells still non-negative agrees with everything the report
shows, so a reader cannot tell it from ``x``. Going up is possible while the cells at -1
last (``t <= up = min x[-1 cells]``), going down while those at +1 last
(``t <= down = min x[+1 cells]``); every cell of the move can therefore be anything in an
interval of width at least ``up + down``, whatever else the reader knows. A move is a
*certificate*: checking one is trivial, and adding hidden cells never invalidates it.

Finding one is a small depth-first search over unbalanced lines (the most constrained line
first, the cells that close another open line first), with iterative deepening on the number
of cells and a budget of steps (and a short patience once a move is found, to look for a
cheaper one). The search is not complete: when it gives up, the caller
hides more than it strictly had to, never less.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Container
from dataclasses import dataclass

from app.reports.cells import CellSystem

#: What it costs to put cell ``c`` in a move (0 for a cell already hidden).
Cost = Callable[[int], float]

SIZES = (4, 6, 8, 12, 16)
BUDGET = 4000
#: Steps still allowed once a move is found, in search of a cheaper one.
PATIENCE = 150


@dataclass(frozen=True)
class Move:
    signs: dict[int, int]
    cost: float

    def width(self, counts: list[int]) -> float:
        """The interval width this move guarantees to each of its cells."""
        up = min((counts[c] for c, s in self.signs.items() if s < 0), default=math.inf)
        down = min((counts[c] for c, s in self.signs.items() if s > 0), default=math.inf)
        return up + down


class _Exhausted(Exception):
    pass


class MoveSearch:
    """The cheapest move through one cell. ``rising`` are the cells that may take +1 (they
    fall when the move goes down, so they bound ``down``), ``falling`` those that may take -1.
    """

    def __init__(
        self,
        system: CellSystem,
        rising: Container[int],
        falling: Container[int],
        cost: Cost | None = None,
        budget: int = BUDGET,
        cheap_first: bool = True,
    ) -> None:
        self.system = system
        self.rising = rising
        self.falling = falling
        self.cost = cost or _free
        #: Try cheap cells first (finds cheap moves) or large ones (finds a move at all: a
        #: small cell is often a dead end a few steps later, a large one rarely is).
        self.cheap_first = cheap_first
        self.budget = budget
        self.remaining = budget
        self.widest_cell = system.widest_cell

    def find(self, start: int, cheaper_than: Move | None = None) -> Move | None:
        """The cheapest move found through ``start``, or ``cheaper_than`` if none beats it."""
        if start not in self.rising:
            return None
        best: Move | None = cheaper_than
        self.remaining = self.budget
        for size in SIZES:
            state = self._start(start, best.cost if best else math.inf)
            try:
                self._descend(state, self.cost(start), size)
            except _Exhausted:
                return state.best or best
            best = state.best or best
            if best is not None and (best.cost == 0 or size >= len(best.signs) + 2):
                break
        return best

    def _start(self, start: int, bound: float) -> _State:
        signs = {start: 1}
        imbalance: dict[int, int] = {}
        for line, coefficient in self.system.lines_of[start]:
            imbalance[line] = imbalance.get(line, 0) + coefficient
        return _State(signs, imbalance, bound)

    def _descend(self, state: _State, cost: float, max_size: int) -> None:
        open_lines = [line for line, value in state.imbalance.items() if value]
        if not open_lines:
            if cost < state.bound:
                state.bound = cost
                state.best = Move(dict(state.signs), cost)
                self.remaining = min(self.remaining, PATIENCE)
            return
        remaining = sum(abs(state.imbalance[line]) for line in open_lines)
        if len(state.signs) + math.ceil(remaining / self.widest_cell) > max_size:
            return
        # Once a shared total is set, the tables it joins are completed independently; a
        # dead end in one must not send the search through every choice made in another.
        # So a state (open lines, their imbalances, cells used) that already failed at no
        # higher cost is not explored again. Which cells were used is left out: a cell used
        # elsewhere may rarely have mattered, which costs completeness, never soundness.
        key = (frozenset((line, state.imbalance[line]) for line in open_lines), len(state.signs))
        failed_at = state.failed.get(key)
        if failed_at is not None and cost >= failed_at:
            return
        bound_before = state.bound
        self._try_choices(state, open_lines, cost, max_size)
        if state.bound == bound_before:
            state.failed[key] = min(cost, failed_at if failed_at is not None else math.inf)

    def _try_choices(
        self, state: _State, open_lines: list[int], cost: float, max_size: int
    ) -> None:
        choices = self._choices(state, open_lines)
        for cell, sign, step in choices:
            if cost + step >= state.bound:
                continue
            self.remaining -= 1
            if self.remaining < 0:
                raise _Exhausted
            self._apply(state, cell, sign)
            self._descend(state, cost + step, max_size)
            self._apply(state, cell, -sign, undo=True)
            if state.bound == 0:
                return

    def _choices(self, state: _State, open_lines: list[int]) -> list[tuple[int, int, float]]:
        """Candidates for one open line, best first. The line is one where some candidate
        also closes another open line (finishing a cycle before starting elsewhere keeps
        the tables a move crosses independent), else the one with the fewest candidates; a
        line with none ends the branch."""
        best_key: tuple[bool, int] | None = None
        best_line, best = open_lines[0], []
        for line in open_lines:
            found = self._allowed(state, line)
            if not found:
                return []
            if best_key is not None and best_key[0] is False and len(found) >= best_key[1]:
                continue
            key = (not any(self._closes(state, line, c, s) for c, s in found), len(found))
            if best_key is None or key < best_key:
                best_key, best_line, best = key, line, found
        ranked = []
        counts = self.system.counts
        for cell, sign in best:
            closes = self._closes(state, best_line, cell, sign)
            step = self.cost(cell)
            ranked.append((-closes, step if self.cheap_first else -counts[cell], step, cell, sign))
        ranked.sort()
        return [(cell, sign, step) for _, _, step, cell, sign in ranked]

    def _closes(self, state: _State, line: int, cell: int, sign: int) -> int:
        """How many other open lines ``cell`` would balance a step further."""
        imbalance = state.imbalance
        closes = 0
        for other, coefficient in self.system.lines_of[cell]:
            if other != line and imbalance.get(other, 0) * coefficient * sign < 0:
                closes += 1
        return closes

    def _allowed(self, state: _State, line: int) -> list[tuple[int, int]]:
        """Cells of ``line`` that may balance it, with the sign each would take: the total
        (coefficient +1) moves against the imbalance, members (-1) with it."""
        total, members = self.system.lines[line]
        signs = state.signs
        if state.imbalance[line] > 0:
            for_total, for_members, direction = self.falling, self.rising, 1
        else:
            for_total, for_members, direction = self.rising, self.falling, -1
        found = [(m, direction) for m in members if m not in signs and m in for_members]
        if total not in signs and total in for_total:
            found.append((total, -direction))
        return found

    def _apply(self, state: _State, cell: int, sign: int, undo: bool = False) -> None:
        if undo:
            del state.signs[cell]
        else:
            state.signs[cell] = sign
        for line, coefficient in self.system.lines_of[cell]:
            state.imbalance[line] = state.imbalance.get(line, 0) + coefficient * sign


class _State:
    __slots__ = ("signs", "imbalance", "bound", "best", "failed")

    def __init__(self, signs: dict[int, int], imbalance: dict[int, int], bound: float) -> None:
        self.signs = signs
        self.imbalance = imbalance
        self.bound = bound
        self.best: Move | None = None
        #: States explored without finding a cheaper move, with the cost they were reached at.
        self.failed: dict[tuple[frozenset[tuple[int, int]], int], float] = {}


def _free(cell: int) -> float:
    return 0.0
