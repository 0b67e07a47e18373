"""CSV, XLSX and PDF exports of a released report, signed, audited and streamed.

All three print the same :func:`app.reports.rendering.grids` as the screen, then the footer
(period, organisation, suppression and perturbation rules, which numbers are exact), and
carry an Ed25519 signature of the organisation's exports key (:mod:`.signatures`).

A report's size is its number of cells, never its number of clients: the file is built in
memory (kilobytes to a few megabytes), signed, and sent in chunks.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Response
from flask_babel import gettext
from openpyxl import Workbook
from sqlalchemy.orm import Session

from app.context import Actor
from app.documents.pdf import FAMILY, SIZE, Document
from app.keys.signing import SigningPurpose, fingerprint, private_key
from app.reports.rendering import Chart, Grid, charts, footer_lines, grids, report_title
from app.reports.service import ReportRun, record_export
from app.reports.signatures import attach, trailer

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
CHUNK = 64 * 1024
#: Written into the XLSX properties instead of now: an export must not date a visit.
FIXED = datetime(2000, 1, 1, tzinfo=UTC).replace(tzinfo=None)


def respond(session: Session, ctx: Actor, run: ReportRun, fmt: str) -> Response:
    body = BUILDERS[fmt](run)
    signed = sign(session, fmt, body)
    record_export(session, ctx, run, fmt, hashlib.sha256(signed).hexdigest())
    name = f"haven-{run.kind}-{run.request.period.start}-{run.request.period.end}.{fmt}"

    def chunks() -> Iterator[bytes]:
        view = memoryview(signed)
        for at in range(0, len(view), CHUNK):
            yield bytes(view[at : at + CHUNK])

    return Response(
        chunks(),  # already signed in memory: the chunks need no request context
        mimetype=MIMETYPES[fmt],
        headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Content-Length": str(len(signed)),
            "Cache-Control": "no-store",
        },
    )


def sign(session: Session, fmt: str, body: bytes) -> bytes:
    row, key = private_key(session, SigningPurpose.exports)
    return attach(fmt, body, trailer(fingerprint(row), key.sign(body)))


def public_key_pem(session: Session) -> bytes:
    row, key = private_key(session, SigningPurpose.exports)
    public: Ed25519PublicKey = key.public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _title_lines(run: ReportRun) -> list[str]:
    lines = [report_title(run), run.organisation]
    if run.grant:
        lines.append(f"{run.grant.code} · {run.grant.name} · {run.grant.funder}")
    return lines


def to_csv(run: ReportRun) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _title_lines(run):
        writer.writerow([line])
    for grid in grids(run):
        writer.writerow([])
        writer.writerow([f"{grid.title} ({grid.unit})"])
        writer.writerow(grid.header)
        for label, cells in grid.rows:
            writer.writerow([label, *(c.text for c in cells)])
    writer.writerow([])
    for line in footer_lines(run):
        writer.writerow([line])
    return out.getvalue().encode("utf-8")


def to_xlsx(run: ReportRun) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(gettext("Report")[:31])
    for line in _title_lines(run):
        sheet.append([line])
    for grid in grids(run):
        sheet.append([])
        sheet.append([f"{grid.title} ({grid.unit})"])
        sheet.append(grid.header)
        for label, cells in grid.rows:
            # Numbers as numbers where shown, the symbol as text where hidden.
            sheet.append([label, *(c.number if c.number is not None else c.text for c in cells)])
    notes = book.create_sheet(gettext("About these numbers")[:31])
    for line in footer_lines(run):
        notes.append([line])
    book.properties.creator = "Haven"
    book.properties.created = FIXED
    book.properties.modified = FIXED
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(run: ReportRun) -> bytes:
    footer = footer_lines(run)
    pages = gettext("Page %(n)s of %(total)s", n="{n}", total="{total}")
    doc = Document(report_title(run), footer_text=run.organisation, page_label=pages)
    doc.add_page()
    doc.ln(50)
    for i, line in enumerate(_title_lines(run)):
        doc.heading(line, 1 if i == 0 else 2)
    doc.ln(8)
    for line in footer:
        _pdf_lines(doc, line)
    doc.add_page()  # the title page stands alone
    grid_list = grids(run)
    drawn = {c.key: c for c in charts(run, grid_list)}
    for grid in grid_list:
        if doc.get_y() > 200:
            doc.add_page()
        elif doc.get_y() > 30:
            doc.ln(6)
        doc.heading(f"{grid.title} ({grid.unit})", 2)
        if grid.key in drawn:
            _pdf_chart(doc, drawn[grid.key])
        _pdf_table(doc, grid)
    return doc.bytes()


def _pdf_lines(doc: Document, text: str) -> None:
    doc.multi_cell(0, doc.font_size * 1.5, text, new_x="LMARGIN", new_y="NEXT")
    doc.ln(1.5)


def _pdf_table(doc: Document, grid: Grid) -> None:
    """Wide tables are split into column blocks that fit the page, the labels repeated."""
    per_block = 7
    columns = len(grid.header) - 1
    for first in range(0, columns, per_block):
        picked = range(first, min(first + per_block, columns))
        header = [grid.header[0], *(grid.header[1 + i] for i in picked)]
        rows = [[label, *(cells[i].text for i in picked)] for label, cells in grid.rows]
        doc.set_font(FAMILY, size=SIZE - 2 if len(header) > 5 else SIZE)
        doc.data_table(header, rows)
        doc.set_font(FAMILY, size=SIZE)
        doc.ln(3)


def _pdf_chart(doc: Document, chart: Chart) -> None:
    top = max((v for _, _, v in chart.bars if v is not None), default=0) or 1
    label_width, span, row = 55.0, 100.0, 5.5
    doc.set_font(FAMILY, size=SIZE - 2.5)
    for label, text, value in chart.bars:
        if doc.get_y() > 270:
            doc.add_page()
        y = doc.get_y()
        doc.set_xy(doc.l_margin, y)
        doc.cell(label_width - 2, row, label[:34], align="R")
        width = 0.0 if value is None else float(span * float(value) / float(top))
        if width:
            doc.set_fill_color(47, 93, 138)
            doc.rect(doc.l_margin + label_width, y + 1, width, row - 2, style="F")
        doc.set_xy(doc.l_margin + label_width + width + 1.5, y)
        doc.cell(25, row, text)
        doc.set_xy(doc.l_margin, y + row)
    doc.set_fill_color(255, 255, 255)
    doc.set_font(FAMILY, size=SIZE)
    doc.ln(3)


BUILDERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}
