"""A released report as words and numbers in the reader's language: the one rendering that
screens, CSV, XLSX and PDF all print, so that no output shows a cell another does not.

Takes only what the gate released (:class:`app.reports.service.ReportRun` holds a
``ReleasedReport``); hidden cells print as the suppression symbol.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel import Locale, numbers
from flask_babel import format_date, format_decimal, get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.reports.labels import dimension_title, table_title, value_label
from app.reports.released import SUPPRESSED_SYMBOL, ReleasedCell, ReleasedTable, Shown
from app.reports.service import ReportRun
from app.reports.tables import Part, Unit

UNIT_NOTES = {
    Unit.people: _l("people"),
    Unit.records: _l("records"),
    Unit.nights: _l("nights"),
    Unit.minutes: _l("hours"),
    Unit.cents: None,
}
KIND_TITLES = {
    "funder": _l("Funder report"),
    "nrm": _l("State / NRM report"),
    "greta": _l("Report shaped after the GRETA questionnaire"),
    "evaluation": _l("Evaluation summary"),
    "network": _l("Network report (pooled across members)"),
}


@dataclass(frozen=True)
class Cell:
    text: str
    #: The number behind the text (hours, not minutes; units, not cents), None when hidden.
    number: Decimal | None
    shown: Shown


@dataclass(frozen=True)
class Grid:
    key: str
    title: str
    unit: str
    header: list[str]
    rows: list[tuple[str, list[Cell]]]
    exact: bool


def report_title(run: ReportRun) -> str:
    return str(KIND_TITLES.get(run.kind, run.kind))


def grids(run: ReportRun) -> list[Grid]:
    currency = run.grant.currency if run.grant else ""
    # The reader's locale once per report: asking Flask-Babel per number costs 1-2 ms each.
    locale = get_locale() or Locale("en")
    return [_grid(table, currency, locale) for table in run.released.tables]


def _grid(table: ReleasedTable, currency: str, locale: Locale) -> Grid:
    total = gettext("Total")
    rows_dim = table.row_dimensions[0]
    columns = list(table.column_keys) if table.column_dimensions else [()]
    header = [dimension_title(rows_dim)]
    if table.column_dimensions:
        col_dim = table.column_dimensions[0]
        header += [value_label(col_dim, c[0]) for c in columns]
    else:
        header.append(gettext("Number"))
    with_totals = Part.row_totals in table.show and bool(table.column_dimensions)
    if with_totals:
        header.append(total)
    blank_row = (None,) * len(table.row_dimensions)
    blank_column = (None,) * len(table.column_dimensions)
    body: list[tuple[str, list[Cell]]] = []
    for row in table.row_keys:
        cells = [_cell(table.cells[row + c], table.unit, currency, locale) for c in columns]
        if with_totals:
            cells.append(_cell(table.cells[row + blank_column], table.unit, currency, locale))
        body.append((value_label(rows_dim, row[0]), cells))
    if {Part.column_totals, Part.grand_total} & table.show:
        keys = [blank_row + c for c in columns] if table.column_dimensions else [blank_row]
        if with_totals:
            keys.append(blank_row + blank_column)
        cells = [
            _cell(table.cells[k], table.unit, currency, locale) if k in table.cells else _blank()
            for k in keys
        ]
        body.append((total, cells))
    unit = UNIT_NOTES.get(table.unit)
    exact = all(c.shown is Shown.exact for c in table.cells.values())
    return Grid(table.key, table_title(table.key), str(unit) if unit else currency, header,
                body, exact)  # fmt: skip


def _blank() -> Cell:
    return Cell("", None, Shown.hidden)


def _cell(cell: ReleasedCell, unit: Unit, currency: str, locale: Locale) -> Cell:
    if cell.value is None:
        return Cell(SUPPRESSED_SYMBOL, None, cell.shown)
    if unit is Unit.cents:
        number = Decimal(cell.value) / 100
        return Cell(numbers.format_decimal(number, "#,##0.00", locale=locale), number, cell.shown)
    if unit is Unit.minutes:
        number = (Decimal(cell.value) / 60).quantize(Decimal("0.1"))
        return Cell(numbers.format_decimal(number, "#,##0.0", locale=locale), number, cell.shown)
    text = numbers.format_decimal(cell.value, locale=locale)
    return Cell(text, Decimal(cell.value), cell.shown)


def footer_lines(run: ReportRun) -> list[str]:
    """What every output states below its tables: period, organisation, the rules."""
    period = run.request.period
    lines = [
        gettext("Period: %(start)s to %(end)s.", start=format_date(period.start),
                end=format_date(period.end)),
        gettext("Organisation: %(name)s.", name=run.organisation),
    ]  # fmt: skip
    if run.grant:
        lines.append(gettext("Grant: %(code)s (%(funder)s).", code=run.grant.code,
                             funder=run.grant.funder))  # fmt: skip
    for line in run.released.footer.lines:
        params = {k: v for k, v in line.params.items()}
        lines.append(gettext(line.message) % params if params else gettext(line.message))
    parts: dict[str, set[Part]] = {}
    for table, part in run.released.footer.exact_parts:
        parts.setdefault(table, set()).add(part)
    whole = sorted(table_title(t) for t, found in parts.items() if Part.interior in found)
    totals = sorted(table_title(t) for t, found in parts.items() if Part.interior not in found)
    if whole:
        lines.append(gettext("Exact in this report: %(tables)s.", tables="; ".join(whole)))
    if totals:
        lines.append(
            gettext("Exact totals, protected breakdowns: %(tables)s.", tables="; ".join(totals))
        )
    lines.append(gettext("Every other number is protected as described above."))
    return lines


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str
    bars: list[tuple[str, str, Decimal | None]]


#: Which table each chart draws, and which column of it (-1: the row totals).
CHARTED = {
    "people_by_month": (_l("People helped over time"), 0),
    "services": (_l("Services by category"), -1),
    "costs": (_l("Costs against the budget"), 0),
    "gender_by_age": (_l("People assisted by gender"), -1),
    "exploitation_by_gender": (_l("People assisted by form of exploitation"), -1),
    "sex_by_age_group": (_l("Victims by sex"), -1),
    "outcomes": (_l("Outcomes of services"), 0),
}


def charts(run: ReportRun, grid_list: list[Grid]) -> list[Chart]:
    found = []
    for grid in grid_list:
        if grid.key not in CHARTED:
            continue
        title, column = CHARTED[grid.key]
        rows = [(label, cells) for label, cells in grid.rows if label != gettext("Total")]
        bars = [(label, cells[column].text, cells[column].number) for label, cells in rows]
        if grid.key == "costs" and run.grant:
            total = sum((b[2] or Decimal(0) for b in bars), Decimal(0))
            bars = [b for b in bars if b[2]] + [(gettext("Total"), _money(total), total)]
            if run.grant.budget is not None:
                bars.append((gettext("Budget"), _money(run.grant.budget), run.grant.budget))
        description = gettext("The same numbers are in the table %(table)s.", table=grid.title)
        found.append(Chart(grid.key, str(title), description, bars))
    return found


def _money(value: Decimal) -> str:
    return str(format_decimal(value, "#,##0.00"))
