"""The gate's rules one by one, on small hand-made tables a reader can check by eye."""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import ValidationFailed
from app.reports import (
    SUPPRESSED_SYMBOL,
    CellRef,
    Count,
    Derived,
    Dimension,
    GateMisuse,
    Part,
    ReleasedReport,
    Report,
    Shown,
    Table,
    Unit,
    check_threshold,
    release,
    resolve_threshold,
)

GENDER = Dimension("gender", ("female", "male"))
NATIONALITY = Dimension("region", ("Eastern Europe", "Western Africa", "Southern Asia"))
MONTH = Dimension("month", ("2026-01", "2026-02"), sensitive=False)
MEMBER = Dimension("member", ("ngo_a", "ngo_b"), organisation=True)
REPORTS = Path(__file__).resolve().parents[2] / "app" / "reports"


def one_way(
    dim: Dimension, counts: dict[str, int], exact_total: bool = True, key: str = "t"
) -> Table:
    cells = {(v,): Count(n, (7 * n + 3) % 256) for v, n in counts.items()}
    cells[(None,)] = Count(sum(counts.values()), 11)
    return Table(
        key, "people", (dim,), (), cells, frozenset({Part.grand_total}),
        frozenset({Part.grand_total}) if exact_total else frozenset(),
    )  # fmt: skip


def two_way(rows: Dimension, columns: Dimension, grid: list[list[int]], key: str = "t") -> Table:
    cells: dict[tuple[str | None, ...], Count] = {}
    for r, row in zip(rows.values, grid, strict=True):
        for c, n in zip(columns.values, row, strict=True):
            cells[(r, c)] = Count(n, (5 * n + len(r) + len(c)) % 256)
        cells[(r, None)] = Count(sum(row), sum(row) % 256)
    for j, c in enumerate(columns.values):
        total = sum(row[j] for row in grid)
        cells[(None, c)] = Count(total, (3 * total) % 256)
    cells[(None, None)] = Count(sum(map(sum, grid)), 1)
    return Table(
        key, "people", (rows,), (columns,), cells,
        frozenset({Part.row_totals, Part.column_totals, Part.grand_total}),
        frozenset({Part.grand_total}),
    )  # fmt: skip


def values(released: ReleasedReport, table: str = "t") -> dict[tuple[str | None, ...], int | None]:
    return {k: c.value for k, c in released.table(table).cells.items()}


@pytest.mark.parametrize("threshold", [2, 4, 0, -1])
def test_a_threshold_below_five_is_refused_with_a_field_message(threshold: int) -> None:
    report = Report("r", (one_way(GENDER, {"female": 30, "male": 20}),), threshold)
    with pytest.raises(ValidationFailed) as refused:
        release(report)
    assert refused.value.status == 422
    assert refused.value.fields == {
        "threshold": ["The threshold must be at least 5: smaller counts identify people."]
    }


def test_thresholds_default_to_ten_and_an_organisation_sets_a_floor() -> None:
    assert resolve_threshold(None, None) == 10
    assert resolve_threshold(None, 15) == 15
    assert resolve_threshold(20, 15) == 20
    assert resolve_threshold(5, None) == 5
    with pytest.raises(ValidationFailed) as refused:
        resolve_threshold(10, 15)
    assert "threshold" in refused.value.fields
    with pytest.raises(ValidationFailed):
        resolve_threshold(None, 3)
    with pytest.raises(ValidationFailed):
        check_threshold("10")


def test_small_cells_and_zeros_are_hidden_and_exact_totals_stay_exact() -> None:
    table = one_way(NATIONALITY, {"Eastern Europe": 0, "Western Africa": 3, "Southern Asia": 47})
    released = release(Report("r", (table,), 10))
    shown = values(released)
    assert shown[("Eastern Europe",)] is None and shown[("Western Africa",)] is None
    assert shown[(None,)] == 50
    assert released.table("t").cell((None,)).shown is Shown.exact
    # With the total exact, 47 would give 0 + 3 away: it is hidden too.
    assert shown[("Southern Asia",)] is None


def test_a_single_small_cell_takes_a_complement_in_its_row_and_column() -> None:
    grid = [[30, 25, 4], [40, 35, 28]]
    released = release(Report("r", (two_way(GENDER, NATIONALITY, grid),), 10))
    shown = values(released)
    hidden = {k for k, v in shown.items() if v is None}
    assert ("female", "Southern Asia") in hidden
    assert sum(1 for k in hidden if k[0] == "female" and k[1] is not None) >= 2
    assert sum(1 for k in hidden if k[1] == "Southern Asia" and k[0] is not None) >= 2
    assert shown[(None, None)] == 162


def test_visible_protected_cells_are_perturbed_within_the_ptable_and_never_below_threshold() -> (
    None
):
    grid = [[30, 25, 44], [40, 35, 28]]
    released = release(Report("r", (two_way(GENDER, NATIONALITY, grid),), 10))
    table = released.table("t")
    for (r, c), n in {(r, c): grid[i][j] for i, r in enumerate(GENDER.values)
                      for j, c in enumerate(NATIONALITY.values)}.items():  # fmt: skip
        cell = table.cell((r, c))
        assert cell.shown is Shown.protected and cell.value is not None
        assert abs(cell.value - n) <= 2 and cell.value >= 10


def test_the_same_cell_gets_the_same_noise_every_time() -> None:
    grid = [[30, 25, 44], [40, 35, 28]]
    first = release(Report("r", (two_way(GENDER, NATIONALITY, grid),), 10))
    second = release(Report("r", (two_way(GENDER, NATIONALITY, grid),), 10))
    assert values(first) == values(second)


def test_a_sole_category_is_not_shown() -> None:
    """All 12 Eastern Europeans are women: showing 12 beside a hidden zero would say so."""
    grid = [[12, 30, 25], [0, 40, 35]]
    released = release(Report("r", (two_way(GENDER, NATIONALITY, grid, key="t"),), 10))
    shown = values(released)
    assert shown[("male", "Eastern Europe")] is None
    assert shown[("female", "Eastern Europe")] is None


def test_exact_parts_cannot_break_down_by_a_sensitive_dimension() -> None:
    cells = {("female",): Count(30, 1), ("male",): Count(20, 2), (None,): Count(50, 3)}
    with pytest.raises(GateMisuse):
        Table("t", "people", (GENDER,), (), cells, frozenset({Part.grand_total}),
              frozenset({Part.interior, Part.grand_total}))  # fmt: skip
    months = {("2026-01",): Count(3), ("2026-02",): Count(20), (None,): Count(23)}
    table = Table("m", "nights", (MONTH,), (), months, frozenset({Part.grand_total}),
                  frozenset({Part.interior, Part.grand_total}), Unit.nights)  # fmt: skip
    released = release(Report("r", (table,), 10))
    assert values(released, "m") == {("2026-01",): 3, ("2026-02",): 20, (None,): 23}


def test_builders_cannot_hand_in_inconsistent_tables() -> None:
    with pytest.raises(GateMisuse, match="not the sum"):
        Table("t", "people", (GENDER,), (),
              {("female",): Count(3, 1), ("male",): Count(4, 1), (None,): Count(8, 1)},
              frozenset({Part.grand_total}))  # fmt: skip
    with pytest.raises(GateMisuse, match="cell key"):
        Table("t", "people", (GENDER,), (), {("female",): Count(3), ("male",): Count(4)})
    with pytest.raises(GateMisuse, match="missing"):
        Table("t", "people", (GENDER,), (), {("female",): Count(3, 1)})
    with pytest.raises(GateMisuse):
        Count(-1)
    with pytest.raises(GateMisuse):
        Count(3, 256)
    a = one_way(GENDER, {"female": 30, "male": 20}, key="a")
    b = one_way(GENDER, {"female": 31, "male": 19}, key="b")
    with pytest.raises(GateMisuse, match="differs between two tables"):
        release(Report("r", (a, b), 10))


def test_pooled_network_tables_refuse_a_breakdown_by_member() -> None:
    table = one_way(MEMBER, {"ngo_a": 30, "ngo_b": 20})
    with pytest.raises(ValidationFailed) as refused:
        release(Report("r", (table,), 10, pooled=True))
    assert refused.value.fields == {
        "dimensions": ["Pooled network tables cannot be broken down by member."]
    }
    assert release(Report("r", (one_way(GENDER, {"female": 30, "male": 20}),), 10, pooled=True))


def test_derived_values_are_hidden_when_they_depend_on_a_hidden_count() -> None:
    table = one_way(NATIONALITY, {"Eastern Europe": 4, "Western Africa": 30, "Southern Asia": 40})
    nights = Table("n", "nights", (MONTH,), (),
                   {("2026-01",): Count(300), ("2026-02",): Count(420), (None,): Count(720)},
                   frozenset({Part.grand_total}), frozenset({Part.interior, Part.grand_total}),
                   Unit.nights)  # fmt: skip
    report = Report(
        "r", (table, nights), 10,
        derived=(
            Derived("share_ee", CellRef("t", ("Eastern Europe",)), CellRef("t", (None,))),
            Derived("nights_per_person", CellRef("n", (None,)), CellRef("t", (None,)), 1, 2),
        ),
    )  # fmt: skip
    released = release(report)
    share, per_person = released.derived
    assert share.value is None and share.text == SUPPRESSED_SYMBOL
    assert per_person.value == Decimal("9.73")


def test_only_the_gate_can_make_a_released_report() -> None:
    released = release(Report("r", (one_way(GENDER, {"female": 30, "male": 20}),), 10))
    with pytest.raises(GateMisuse):
        ReleasedReport("r", 10, released.tables, (), released.footer)
    assert dataclasses.replace(released).tables == released.tables


def test_the_footer_states_the_rules() -> None:
    released = release(Report("r", (one_way(GENDER, {"female": 30, "male": 20}),), 12, True))
    footer = released.footer
    assert (footer.threshold, footer.symbol, footer.max_noise) == (12, "[c]", 2)
    texts = [line.message % line.params for line in footer.lines]
    assert texts[0].startswith("Counts below 12, zero included, are shown as [c]")
    assert any("adjusted by at most 2" in t and "haven-ptable-1" in t for t in texts)
    assert any("are exact" in t for t in texts)
    assert any("which member served whom" in t for t in texts)
    assert footer.exact_parts == (("t", Part.grand_total),)


def test_the_grid_renders_only_released_text() -> None:
    grid = [[30, 25, 4], [40, 35, 28]]
    released = release(Report("r", (two_way(GENDER, NATIONALITY, grid),), 10))
    rows = released.table("t").grid()
    assert rows[0] == ["gender", "Eastern Europe", "Western Africa", "Southern Asia", "Total"]
    assert rows[1][3] == SUPPRESSED_SYMBOL and rows[-1][0] == "Total" and rows[-1][-1] == "162"
    assert "4" not in [cell for row in rows for cell in row]


#: The gate and its data model: a library. The package's other modules (builders, service,
#: screens, exports) read the database and render; only the import contracts bind them.
GATE_MODULES = ("__init__", "cells", "gate", "moves", "perturbation", "released",
                "suppression", "tables")  # fmt: skip


def test_the_gate_imports_neither_flask_nor_another_domain() -> None:
    allowed_app = {"app.errors", "app.i18n"}
    for path in (REPORTS / f"{name}.py" for name in GATE_MODULES):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("flask", "sqlalchemy", "werkzeug")), (path, name)
                if name.startswith("app.") and not name.startswith("app.reports"):
                    assert name in allowed_app, (path, name)
        assert len(path.read_text().splitlines()) < 400, path
