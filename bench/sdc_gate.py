"""Benchmark of the disclosure-control gate (not a test). Run: ``python bench/sdc_gate.py``.

A report of typical size: 10 tables of 8 x 10 cells with row, column and grand totals,
over one population, the tables sharing three row dimensions (so their margins are shared
cells and suppression must agree across tables). The cells' counts and cell keys are
aggregated once from synthetic clients, as SQL would return them; then, from the same
aggregates, in interleaved rounds:

- ``plain``: build the same cells as text without any disclosure control (the baseline);
- ``gate``: build the gate's tables, ``release()`` them and render the same text;
- ``aggregate``: for scale, the Python group-by over the raw clients that stands in for SQL
  (up to 10,000 clients).

Each population size prints the median times, the gate/plain ratio and the share of cells
hidden. The issue's target (at most 1.3x the bare SQL of each report) is measured against
PostgreSQL by the report builders' benchmark; this one isolates the gate's own cost.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.reports import Count, Dimension, Part, Report, Table, release  # noqa: E402

ROUNDS = 7
ROW_DIMS = [Dimension(f"row{i}", tuple(f"r{i}_{v}" for v in range(8))) for i in range(3)]
COLUMN_DIMS = [Dimension(f"col{j}", tuple(f"c{j}_{v}" for v in range(10))) for j in range(10)]
TABLES = [(f"t{j}", ROW_DIMS[j % 3], COLUMN_DIMS[j]) for j in range(10)]
ALL_TOTALS = frozenset({Part.row_totals, Part.column_totals, Part.grand_total})
Aggregates = dict[str, dict[tuple[str | None, str | None], tuple[int, int]]]


def clients(size: int, rng: random.Random) -> list[tuple[int, dict[str, str]]]:
    """Skewed categories, as in real caseloads: a few large groups and a long tail."""
    people = []
    for _ in range(size):
        attrs = {}
        for dim in ROW_DIMS + COLUMN_DIMS:
            weights = [1.0 / (1 + v) ** 1.3 for v in range(len(dim.values))]
            attrs[dim.key] = rng.choices(dim.values, weights=weights)[0]
        people.append((rng.randrange(256), attrs))
    return people


def aggregate(people: list[tuple[int, dict[str, str]]]) -> Aggregates:
    """COUNT(*) and SUM(record_key) % 256 by GROUPING SETS ((r, c), (r), (c), ())."""
    out: Aggregates = {}
    for key, row_dim, column_dim in TABLES:
        sums: dict[tuple[str | None, str | None], list[int]] = {}
        for record_key, attrs in people:
            r, c = attrs[row_dim.key], attrs[column_dim.key]
            for group in ((r, c), (r, None), (None, c), (None, None)):
                entry = sums.setdefault(group, [0, 0])
                entry[0] += 1
                entry[1] += record_key
        out[key] = {}
        for r in (*row_dim.values, None):
            for c in (*column_dim.values, None):
                n, total = sums.get((r, c), [0, 0])
                out[key][(r, c)] = (n, total % 256)
    return out


def plain(aggregates: Aggregates) -> list[list[list[str]]]:
    """The same grids with every true count printed: no disclosure control."""
    grids = []
    for key, row_dim, column_dim in TABLES:
        cells = aggregates[key]
        grid = [[row_dim.key, *column_dim.values, "Total"]]
        for r in (*row_dim.values, None):
            grid.append(
                [r or "Total"] + [str(cells[(r, c)][0]) for c in (*column_dim.values, None)]
            )
        grids.append(grid)
    return grids


def gated(aggregates: Aggregates, threshold: int = 10) -> tuple[list[list[list[str]]], float]:
    tables = []
    for key, row_dim, column_dim in TABLES:
        counts = {k: Count(n, cell_key) for k, (n, cell_key) in aggregates[key].items()}
        tables.append(
            Table(
                key,
                "people",
                (row_dim,),
                (column_dim,),
                counts,
                ALL_TOTALS,
                frozenset({Part.grand_total}),
            )  # fmt: skip
        )
    released = release(Report("bench", tuple(tables), threshold))
    grids = [t.grid() for t in released.tables]
    cells = [c for t in released.tables for c in t.cells.values()]
    return grids, sum(c.value is None for c in cells) / len(cells)


def medians(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median CPU seconds per run (the machine is shared: wall time measures the
    neighbours), rounds interleaved so that frequency changes hit every contender alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    rng = random.Random(13)
    print("10 tables of 8 x 10 cells with totals (990 cells, 3 shared row margins), threshold 10")
    print(f"{'people':>8} {'plain ms':>9} {'gate ms':>9} {'gate/plain':>11} "
          f"{'aggregate ms':>13} {'gate/aggregate':>15} {'hidden':>7}")  # fmt: skip
    for size in (500, 1_000, 2_000, 10_000, 50_000):
        people = clients(size, rng)
        aggregates = aggregate(people)
        hidden = gated(aggregates)[1]
        runs: dict[str, Callable[[], object]] = {
            "plain": lambda aggregates=aggregates: plain(aggregates),
            "gate": lambda aggregates=aggregates: gated(aggregates),
        }
        if size <= 10_000:
            runs["aggregate"] = lambda people=people: aggregate(people)
        t = medians(runs)
        ratio = t["gate"] / t["aggregate"] if "aggregate" in t else float("nan")
        print(
            f"{size:>8} {t['plain'] * 1e3:>9.2f} {t['gate'] * 1e3:>9.1f} "
            f"{t['gate'] / t['plain']:>10.0f}x "
            f"{t.get('aggregate', float('nan')) * 1e3:>13.0f} {ratio:>14.2f}x {hidden:>7.0%}"
        )


if __name__ == "__main__":
    main()
