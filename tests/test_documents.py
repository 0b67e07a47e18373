"""Documents: every script Haven's clients read renders (Latin, Cyrillic, Arabic shaped
right-to-left), tables fit the page, and nothing in the file dates or names its maker."""

from __future__ import annotations

import pypdfium2 as pdfium

from app.documents.pdf import Document, is_right_to_left


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_text_in_three_scripts_and_a_long_table_render_with_page_numbers():
    doc = Document("Receipt", footer_text="No. 0042", page_label="{n} / {total}")
    doc.add_page()
    doc.heading("Receipt")
    doc.paragraph("Здравствуйте. Вы можете попросить копию.")
    doc.paragraph("يمكنك أن تطلب نسخة")
    doc.data_table(["Category", "Count"], [[f"row {i}", str(i)] for i in range(80)])
    pdf = doc.bytes()
    text = "".join(_text(pdf).split())  # extraction spaces glyphs of shaped text freely
    assert "Здравствуйте" in text and "row79" in text
    assert "1/2" in text and "2/2" in text and "No.0042" in text
    assert pdfium.PdfDocument(pdf).get_metadata_dict()["CreationDate"].startswith("D:2000")


def test_direction_follows_the_first_strong_character():
    assert is_right_to_left("مرحبا 12") and not is_right_to_left("12 hello")
    assert not is_right_to_left("Привет") and not is_right_to_left("")
