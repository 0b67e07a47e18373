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
of cells and a budget of steps. The search is not complete: when it gives up, the caller
hides more than it strictly had to, never less.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from app.reports.cells import CellSystem

#: May cell ``c`` take sign ``s`` (+1/-1) in a move? Decides capacity and which cells count.
Allowed = Callable[[int, int], bool]
#: What it costs to put cell ``c`` in a move (0 for a cell already hidden).
Cost = Callable[[int], float]

SIZES = (4, 6, 8, 12, 16)
BUDGET = 4000


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
    """The cheapest move through one cell, among the cells ``allowed`` lets in."""

    def __init__(
        self, system: CellSystem, allowed: Allowed, cost: Cost, budget: int = BUDGET
    ) -> None:
        self.system = system
        self.allowed = allowed
        self.cost = cost
        self.budget = budget
        self.remaining = budget
        self.widest_cell = max((len(lines) for lines in system.lines_of), default=1) or 1

    def find(self, start: int) -> Move | None:
        if not self.allowed(start, 1):
            return None
        best: Move | None = None
        self.remaining = self.budget
        try:
            for size in SIZES:
                found = self._search(start, size, best.cost if best else math.inf)
                if found is not None:
                    best = found
                if best is not None and (best.cost == 0 or size >= len(best.signs) + 2):
                    break
        except _Exhausted:
            pass
        return best

    def _search(self, start: int, max_size: int, bound: float) -> Move | None:
        signs = {start: 1}
        imbalance: dict[int, int] = {}
        for line, coefficient in self.system.lines_of[start]:
            imbalance[line] = imbalance.get(line, 0) + coefficient
        state = _State(signs, imbalance, bound)
        self._descend(state, self.cost(start), max_size)
        return state.best

    def _descend(self, state: _State, cost: float, max_size: int) -> None:
        open_lines = [line for line, value in state.imbalance.items() if value]
        if not open_lines:
            if cost < state.bound:
                state.bound = cost
                state.best = Move(dict(state.signs), cost)
            return
        remaining = sum(abs(state.imbalance[line]) for line in open_lines)
        if len(state.signs) + math.ceil(remaining / self.widest_cell) > max_size:
            return
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
        """Candidates balancing the open line that has the fewest of them, best first."""
        fewest: list[tuple[int, int, float]] | None = None
        for line in open_lines:
            found = self._candidates(state, line)
            if fewest is None or len(found) < len(fewest):
                fewest = found
                if not found:
                    break
        return fewest or []

    def _candidates(self, state: _State, line: int) -> list[tuple[int, int, float]]:
        total, members = self.system.lines[line]
        direction = 1 if state.imbalance[line] > 0 else -1
        ranked: list[tuple[int, float, int, int, int]] = []
        for cell in (total, *members):
            if cell in state.signs:
                continue
            coefficient = 1 if cell == total else -1
            sign = -direction * coefficient
            if not self.allowed(cell, sign):
                continue
            closes = sum(
                1
                for other, c in self.system.lines_of[cell]
                if other != line and state.imbalance.get(other, 0) * c * sign < 0
            )
            step = self.cost(cell)
            ranked.append((-closes, step, -self.system.counts[cell], cell, sign))
        ranked.sort()
        return [(cell, sign, step) for _, step, _, cell, sign in ranked]

    def _apply(self, state: _State, cell: int, sign: int, undo: bool = False) -> None:
        if undo:
            del state.signs[cell]
        else:
            state.signs[cell] = sign
        for line, coefficient in self.system.lines_of[cell]:
            state.imbalance[line] = state.imbalance.get(line, 0) + coefficient * sign


class _State:
    __slots__ = ("signs", "imbalance", "bound", "best")

    def __init__(self, signs: dict[int, int], imbalance: dict[int, int], bound: float) -> None:
        self.signs = signs
        self.imbalance = imbalance
        self.bound = bound
        self.best: Move | None = None
