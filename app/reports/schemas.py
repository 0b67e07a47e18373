"""The JSON of a report run: exactly what the gate released, cell by cell, with the
footer's facts. Built from a :class:`app.reports.service.ReportRun` only, so the API can no
more show a true count than a screen or an export can.

A cell's ``status`` says how it is shown: ``suppressed`` (no value: below the threshold,
or a complementary cell), ``protected`` (perturbed by the cell-key method) or ``exact``.
Values are whole numbers in the table's ``unit`` (costs in cents, hours in minutes), as
released; labels and the footer's rules are in the reader's language.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from app.reports.released import ReleasedCell, ReleasedTable, Shown
from app.reports.service import ReportRun
from app.web.api import decimal_string

#: A hidden cell is "suppressed" in the API (the screens print the symbol).
STATUS = {Shown.exact: "exact", Shown.protected: "protected", Shown.hidden: "suppressed"}
STATUSES = tuple(STATUS.values())


class ReportGrantOut(Schema):
    id = fields.UUID(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    funder = fields.String(required=True)
    currency = fields.String(required=True)
    budget = decimal_string()
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class ReportCellOut(Schema):
    key = fields.List(
        fields.String(allow_none=True),
        required=True,
        metadata={"description": "the row then column values; null = the total over it"},
    )
    value = fields.Integer(
        allow_none=True, required=True, metadata={"description": "null when suppressed"}
    )
    status = fields.String(required=True, metadata={"enum": list(STATUSES)})


class ReportTableOut(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    population = fields.String(required=True)
    unit = fields.String(required=True, metadata={"description": "people, records, nights, "
                                                  "minutes or cents"})  # fmt: skip
    row_dimensions = fields.List(fields.String(), required=True)
    column_dimensions = fields.List(fields.String(), required=True)
    shown_parts = fields.List(fields.String(), required=True)
    cells = fields.List(fields.Nested(ReportCellOut), required=True)


class ReportDerivedOut(Schema):
    key = fields.String(required=True)
    value = fields.Decimal(
        as_string=True,
        allow_none=True,
        required=True,
        metadata={"type": "string", "format": "decimal", "description": "null when suppressed"},
    )
    status = fields.String(required=True, metadata={"enum": ["shown", "suppressed"]})


class ExactPartOut(Schema):
    table = fields.String(required=True)
    part = fields.String(required=True)


class ReportFooterOut(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    organisation = fields.String(required=True)
    threshold = fields.Integer(required=True)
    symbol = fields.String(required=True)
    ptable = fields.String(required=True)
    max_noise = fields.Integer(required=True)
    pooled = fields.Boolean(required=True)
    exact_parts = fields.List(fields.Nested(ExactPartOut), required=True)
    lines = fields.List(
        fields.String(), required=True, metadata={"description": "the rules, translated"}
    )


class ReportOut(Schema):
    kind = fields.String(required=True)
    title = fields.String(required=True)
    grant = fields.Nested(ReportGrantOut, allow_none=True)
    tables = fields.List(fields.Nested(ReportTableOut), required=True)
    derived = fields.List(fields.Nested(ReportDerivedOut), required=True)
    footer = fields.Nested(ReportFooterOut, required=True)


def report_document(
    run: ReportRun, title: str, table_titles: dict[str, str], lines: list[str]
) -> dict[str, Any]:
    """The run as :class:`ReportOut` reads it (titles and footer lines translated by the
    caller, with the same functions the screens use)."""
    released, footer = run.released, run.released.footer
    return {
        "kind": run.kind,
        "title": title,
        "grant": run.grant,
        "tables": [_table(t, table_titles[t.key]) for t in released.tables],
        "derived": [
            {"key": d.key, "value": d.value, "status": "suppressed" if d.value is None else "shown"}
            for d in released.derived
        ],  # fmt: skip
        "footer": {
            "start": run.request.period.start,
            "end": run.request.period.end,
            "organisation": run.organisation,
            "threshold": footer.threshold,
            "symbol": footer.symbol,
            "ptable": footer.ptable,
            "max_noise": footer.max_noise,
            "pooled": footer.pooled,
            "exact_parts": [{"table": t, "part": p.value} for t, p in footer.exact_parts],
            "lines": lines,
        },
    }


def _table(table: ReleasedTable, title: str) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": title,
        "population": table.population,
        "unit": table.unit.value,
        "row_dimensions": list(table.row_dimensions),
        "column_dimensions": list(table.column_dimensions),
        "shown_parts": sorted(p.value for p in table.show),
        "cells": [_cell(key, cell) for key, cell in table.cells.items()],
    }


def _cell(key: tuple[str | None, ...], cell: ReleasedCell) -> dict[str, Any]:
    if cell.shown is Shown.hidden:
        return {"key": list(key), "value": None, "status": STATUS[Shown.hidden]}
    return {"key": list(key), "value": cell.value, "status": STATUS[cell.shown]}
