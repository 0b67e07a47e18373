"""Accountability reports and the disclosure-control gate every one of their cells passes.

Pure and typed: nothing here imports Flask, the database or another domain (only
``app.errors`` and ``app.i18n``). Report builders (later: SQL aggregates per report) fill a
:class:`Report` of true counts; :func:`release` is the only way to something that can be
shown, a :class:`ReleasedReport`, which is all that screens, the API and exports render.

Pipeline of :func:`release`
---------------------------
1. Refuse a threshold below 5 (``ValidationFailed``, a 422) and, in pooled network tables,
   any dimension naming a member organisation (:func:`refuse_member_breakdown`).
2. Merge the tables into one set of cells: tables of one population that show the same
   breakdown share the cell, and every total ties its cells by a *line*
   (:mod:`app.reports.cells`).
3. Hide every protected cell below the threshold, zero included, then the complementary
   cells that keep each hidden cell within an interval at least the threshold wide, proved
   by *moves* (:mod:`app.reports.suppression`, :mod:`app.reports.moves`).
4. Perturb the visible protected cells by the ONS cell-key method with the published
   ptable (:mod:`app.reports.perturbation`, ``ptable.json``); exact cells stay exact.
5. Hide percentages and averages that depend on a hidden cell; seal the result, with a
   footer stating the threshold, the symbol, which numbers are exact and the perturbation.

Data model (:mod:`app.reports.tables`)
--------------------------------------
``Dimension(key, values, sensitive=True, organisation=False)``,
``Count(n, cell_key)``, ``Table(key, population, rows, columns, counts, show, exact, unit)``
with counts keyed like ``GROUP BY GROUPING SETS`` rows (``None`` = total),
``Part`` (interior, row_totals, column_totals, grand_total), ``Unit``,
``Derived(key, numerator: CellRef, denominator: CellRef, scale, places)``,
``Report(key, tables, threshold, pooled=False, derived=())``.

Released (:mod:`app.reports.released`)
--------------------------------------
``ReleasedReport(key, threshold, tables, derived, footer)``; ``ReleasedTable.cell(key)``
and ``.grid()``; ``ReleasedCell(value, shown)`` with ``.text`` (``SUPPRESSED_SYMBOL`` when
hidden); ``Footer(threshold, symbol, ptable, max_noise, pooled, lines)``.

Thresholds (:mod:`app.reports.gate`)
------------------------------------
``DEFAULT_THRESHOLD`` (10), ``MINIMUM_THRESHOLD`` (5), ``check_threshold(value)``,
``resolve_threshold(requested, organisation)`` (the organisation's value is a floor).

Record keys: ``new_record_key()`` at intake; builders compute a cell key as
``SUM(record_key) % 256`` beside ``COUNT(*)`` (``cell_key_of`` says the same in Python).
"""

from app.reports.gate import (
    DEFAULT_THRESHOLD,
    MINIMUM_THRESHOLD,
    check_threshold,
    refuse_member_breakdown,
    release,
    resolve_threshold,
)
from app.reports.perturbation import cell_key_of, new_record_key, published_ptable
from app.reports.released import (
    SUPPRESSED_SYMBOL,
    Footer,
    FooterLine,
    ReleasedCell,
    ReleasedDerived,
    ReleasedReport,
    ReleasedTable,
    Shown,
)
from app.reports.tables import (
    CELL_KEY_MODULUS,
    CellRef,
    Count,
    Derived,
    Dimension,
    GateMisuse,
    Part,
    Report,
    Table,
    Unit,
)

__all__ = [
    "CELL_KEY_MODULUS",
    "DEFAULT_THRESHOLD",
    "MINIMUM_THRESHOLD",
    "SUPPRESSED_SYMBOL",
    "CellRef",
    "Count",
    "Derived",
    "Dimension",
    "Footer",
    "FooterLine",
    "GateMisuse",
    "Part",
    "ReleasedCell",
    "ReleasedDerived",
    "ReleasedReport",
    "ReleasedTable",
    "Report",
    "Shown",
    "Table",
    "Unit",
    "cell_key_of",
    "check_threshold",
    "new_record_key",
    "published_ptable",
    "refuse_member_breakdown",
    "release",
    "resolve_threshold",
]
