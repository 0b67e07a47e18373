"""The one gate every report output passes: :func:`release`.

``release(report)`` refuses a threshold below the minimum and, in pooled network tables,
any breakdown by member organisation; merges the tables into one cell system; hides small
cells and their complements (:mod:`app.reports.suppression`); perturbs the visible
protected cells (:mod:`app.reports.perturbation`); keeps exact cells exact; hides derived
values that depend on a hidden count; and seals the result as a
:class:`app.reports.released.ReleasedReport`, the only type renderers accept.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from app.errors import ValidationFailed
from app.i18n import N_
from app.reports.cells import CellSystem, assemble
from app.reports.perturbation import PerturbationTable, perturb, published_ptable
from app.reports.released import (
    _GATE_SEAL,
    ReleasedCell,
    ReleasedDerived,
    ReleasedReport,
    ReleasedTable,
    Shown,
    footer_for,
)
from app.reports.suppression import Suppression, suppress
from app.reports.tables import Derived, GateMisuse, Part, Report, Table

DEFAULT_THRESHOLD = 10
MINIMUM_THRESHOLD = 5


def check_threshold(threshold: object, field_name: str = "threshold") -> int:
    """The threshold, or a 422 in the user's language when it is below the minimum."""
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise ValidationFailed({field_name: [N_("Enter a whole number.")]})
    if threshold < MINIMUM_THRESHOLD:
        raise ValidationFailed(
            {field_name: [N_("The threshold must be at least 5: smaller counts identify people.")]}
        )
    return threshold


def resolve_threshold(requested: int | None, organisation: int | None) -> int:
    """A report's threshold: the one asked for, else the organisation's, else the default.

    The organisation's setting is also a floor: a report may ask for more caution than its
    organisation, never less.
    """
    floor = MINIMUM_THRESHOLD
    if organisation is not None:
        floor = check_threshold(organisation, "organisation_threshold")
    if requested is None:
        return floor if organisation is not None else DEFAULT_THRESHOLD
    check_threshold(requested)
    if requested < floor:
        raise ValidationFailed(
            {"threshold": [N_("Your organisation does not allow a threshold this low.")]}
        )
    return requested


def refuse_member_breakdown(report: Report) -> None:
    """Pooled network tables never show which member organisation a row came from."""
    for table in report.tables:
        if any(d.organisation for d in table.dimensions):
            raise ValidationFailed(
                {"dimensions": [N_("Pooled network tables cannot be broken down by member.")]}
            )


def release(report: Report, ptable: PerturbationTable | None = None) -> ReleasedReport:
    check_threshold(report.threshold)
    if report.pooled:
        refuse_member_breakdown(report)
    ptable = ptable or published_ptable()
    system = assemble(report)
    hiding = suppress(system, report.threshold)
    shown = _published_values(system, hiding, report.threshold, ptable)
    tables = tuple(_released_table(t, system, shown) for t in report.tables)
    derived = tuple(_released_derived(d, report, tables) for d in report.derived)
    exact_parts = tuple(
        (t.key, part) for t in report.tables for part in Part if part in t.exact and
        (part is Part.interior or part in t.show)
    )  # fmt: skip
    footer = footer_for(report.threshold, ptable.name, ptable.max_noise, report.pooled, exact_parts)
    return ReleasedReport(report.key, report.threshold, tables, derived, footer, _GATE_SEAL)


def _published_values(
    system: CellSystem, hiding: Suppression, threshold: int, ptable: PerturbationTable
) -> list[ReleasedCell]:
    shown = []
    for cell in range(len(system)):
        if system.exact[cell]:
            shown.append(ReleasedCell(system.counts[cell], Shown.exact))
        elif cell in hiding.hidden:
            shown.append(ReleasedCell(None, Shown.hidden))
        else:
            key = system.keys[cell]
            assert key is not None  # Table checks that protected cells carry one
            value = perturb(system.counts[cell], key, threshold, ptable)
            shown.append(ReleasedCell(value, Shown.protected))
    return shown


def _released_table(table: Table, system: CellSystem, shown: list[ReleasedCell]) -> ReleasedTable:
    cells = {key: shown[system.positions[(table.key, key)]] for key in table.expected_keys()}
    return ReleasedTable(
        key=table.key,
        population=table.population,
        unit=table.unit,
        row_dimensions=tuple(d.key for d in table.rows),
        column_dimensions=tuple(d.key for d in table.columns),
        row_keys=tuple(table.row_keys()),
        column_keys=tuple(table.column_keys()),
        show=table.show,
        cells=cells,
    )


def _released_derived(
    derived: Derived, report: Report, tables: tuple[ReleasedTable, ...]
) -> ReleasedDerived:
    """Computed from the published numbers, never the true ones: a percentage of a true
    count would give away the count that perturbation protects."""
    by_key = {t.key: t for t in tables}
    values = []
    for ref in (derived.numerator, derived.denominator):
        table = by_key.get(ref.table)
        if table is None or ref.key not in table.cells:
            raise GateMisuse(f"derived value {derived.key!r} refers to no cell")
        values.append(table.cells[ref.key].value)
    numerator, denominator = values
    if numerator is None or denominator is None or denominator == 0:
        return ReleasedDerived(derived.key, None)
    quantum = Decimal(1).scaleb(-derived.places)
    value = (Decimal(numerator) * derived.scale / Decimal(denominator)).quantize(
        quantum, rounding=ROUND_HALF_EVEN
    )
    return ReleasedDerived(derived.key, value)
