"""Moves, the certificates behind complementary suppression, checked by hand."""

from __future__ import annotations

import pytest

import app.reports.moves as moves
from app.reports import Count, Dimension, Part, Report, Table
from app.reports.cells import assemble
from app.reports.moves import MoveSearch

ROWS = Dimension("gender", ("female", "male", "non_binary"))
COLUMNS = Dimension("region", ("Eastern Europe", "Western Africa", "Southern Asia"))


def system_of(grid: list[list[int]]):  # type: ignore[no-untyped-def]
    counts: dict[tuple[str | None, ...], Count] = {}
    for r, row in zip(ROWS.values, grid, strict=True):
        for c, n in zip(COLUMNS.values, row, strict=True):
            counts[(r, c)] = Count(n, n % 256)
        counts[(r, None)] = Count(sum(row), 0)
    for j, c in enumerate(COLUMNS.values):
        counts[(None, c)] = Count(sum(row[j] for row in grid), 0)
    counts[(None, None)] = Count(sum(map(sum, grid)), 0)
    table = Table("t", "people", (ROWS,), (COLUMNS,), counts,
                  frozenset({Part.row_totals, Part.column_totals, Part.grand_total}),
                  frozenset({Part.grand_total}))  # fmt: skip
    return assemble(Report("r", (table,), 10))


def cell(system, row: str | None, column: str | None) -> int:  # type: ignore[no-untyped-def]
    coords = tuple(sorted(p for p in (("gender", row), ("region", column)) if p[1] is not None))
    return system.index[("people", coords)]


def balanced(system, signs: dict[int, int]) -> bool:  # type: ignore[no-untyped-def]
    return all(
        signs.get(total, 0) - sum(signs.get(m, 0) for m in members) == 0
        for total, members in system.lines
    )


def test_a_rectangle_is_the_smallest_move_and_its_width_is_up_plus_down() -> None:
    system = system_of([[3, 20, 30], [12, 25, 40], [30, 30, 30]])
    interior = {cell(system, r, c) for r in ROWS.values for c in COLUMNS.values}
    move = MoveSearch(system, interior, interior).find(cell(system, "female", "Eastern Europe"))
    assert move is not None and len(move.signs) == 4 and balanced(system, move.signs)
    assert move.width(system.counts) >= 3 + 12


def test_no_move_without_a_second_hidden_cell_in_each_line() -> None:
    system = system_of([[3, 20, 30], [12, 25, 40], [30, 30, 30]])
    alone = {cell(system, "female", "Eastern Europe")}
    assert MoveSearch(system, alone, alone).find(cell(system, "female", "Eastern Europe")) is None


def test_a_hidden_total_lets_a_move_leave_the_table_interior() -> None:
    system = system_of([[3, 20, 30], [12, 25, 40], [30, 30, 30]])
    start = cell(system, "female", "Eastern Europe")
    usable = {start, cell(system, "female", None), cell(system, "male", None),
              cell(system, "male", "Eastern Europe")}  # fmt: skip
    move = MoveSearch(system, usable, usable).find(start)
    assert move is not None and balanced(system, move.signs)
    assert cell(system, "female", None) in move.signs


def test_a_move_found_is_kept_when_the_budget_runs_out_looking_for_a_cheaper_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(moves, "PATIENCE", 0)
    system = system_of([[3, 20, 30], [12, 25, 40], [30, 30, 30]])
    protected = set(system.protected)
    search = MoveSearch(system, protected, protected, cost=lambda c: 1.0 + system.counts[c])
    move = search.find(cell(system, "female", "Eastern Europe"))
    assert move is not None and balanced(system, move.signs)
