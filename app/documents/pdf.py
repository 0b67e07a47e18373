"""PDF documents that Haven hands out: consent receipts, disclosure packages, reports.

One small wrapper on fpdf2 so that every document gets the same fonts (DejaVu Sans, which
covers Latin, Cyrillic and Arabic; shipped in ``fonts/``), right-to-left text shaped
properly (HarfBuzz), a footer with page numbers, and no metadata that names a person or
the software (the producer and creator fields are set to "Haven" only).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONTS = Path(__file__).parent / "fonts"
FAMILY = "DejaVu"
#: Written as every document's creation date.
NO_DATE = datetime(2000, 1, 1, tzinfo=UTC)
#: Base text size in points; headings scale from it.
SIZE = 10.5


class Document(FPDF):
    """An A4 document with Haven's fonts. ``footer_text`` is printed on every page with
    "page n / N" (translated by the caller, e.g. ``"Page %(n)s of %(total)s"``)."""

    def __init__(self, title: str, footer_text: str = "", page_label: str = "{n} / {total}"):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text, self.page_label = footer_text, page_label
        self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        self.set_text_shaping(use_shaping_engine=True)
        self.set_title(title)
        self.set_creator("Haven")
        self.set_producer("Haven")
        # A fixed date, not now: a receipt found in a bag must not date a visit.
        self.set_creation_date(NO_DATE)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages("{total}")
        self.set_font(FAMILY, size=SIZE)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, size=SIZE - 2.5)
        label = self.page_label.replace("{n}", str(self.page_no()))
        text = f"{self.footer_text}   {label}" if self.footer_text else label
        self.cell(0, 6, text, align="C")
        self.set_font(FAMILY, size=SIZE)

    def heading(self, text: str, level: int = 1) -> None:
        self.set_font(FAMILY, "B", SIZE + (8 - 3 * level if level < 3 else 1))
        self._lines(text, 1.5)
        self.set_font(FAMILY, size=SIZE)
        self.ln(1)

    def paragraph(self, text: str) -> None:
        self._lines(text, 1.35)
        self.ln(2)

    def data_table(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A table as wide as the page; its header row repeats on each new page."""
        line_height = self.font_size * 1.6
        with self.table(text_align="LEFT", repeat_headings=1, line_height=line_height) as table:
            for cells in (header, *rows):
                row = table.row()
                for value in cells:
                    row.cell(str(value))

    def _lines(self, text: str, spacing: float) -> None:
        align = "R" if is_right_to_left(text) else "L"
        self.multi_cell(
            0,
            self.font_size * spacing * 0.55,
            text,
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def bytes(self) -> bytes:
        return bytes(self.output())


def is_right_to_left(text: str) -> bool:
    """Whether the first strong character of ``text`` is right-to-left (Arabic, Hebrew)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False
