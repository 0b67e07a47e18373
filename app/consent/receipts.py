"""Receipts that are safe to carry: a PDF in the client's language with a receipt number
and what the client may ask for, nothing else.

XXX: a trafficker may search the client's phone or bag. The receipt names no service, no
organisation or kind of organisation, no shelter, no place, no purpose and no date (the
PDF's creation date is fixed by :mod:`app.documents.pdf`); its title is the number.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.consent.defaults import RECEIPTS, ReceiptWords
from app.consent.models import ConsentRecord, ReceiptKind
from app.consent.service import get_record
from app.context import Actor
from app.documents.pdf import Document
from app.errors import ValidationFailed
from app.i18n import N_

FALLBACK = "en"


def receipt_language(record: ConsentRecord) -> str:
    """The client's language for the receipt: the one the consent was explained in, else
    the notice's, else English (the words exist in en, fr, ru, uk, ar)."""
    for tag in (record.language, record.notice_language):
        base = tag.split("-")[0]
        if base in RECEIPTS:
            return base
    return FALLBACK


def receipt_pdf(words: ReceiptWords, number: str, kind: ReceiptKind) -> bytes:
    """The receipt itself (pure: the words, the number, full or minimal)."""
    heading = words.number.format(number=number)
    pdf = Document(title=heading, page_label="")
    pdf.add_page()
    pdf.heading(heading)
    if kind is ReceiptKind.minimal:
        pdf.paragraph(words.minimal)
    else:
        pdf.paragraph(words.keep)
        pdf.paragraph(words.you_may_ask)
        for ask in words.asks:
            pdf.paragraph(f"– {ask}")
        pdf.paragraph(words.no_change)
    return pdf.bytes()


def print_receipt(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID, kind: str
) -> tuple[bytes, str]:
    """The receipt of one record (``full`` or ``minimal``) and its file name; audited."""
    require(ctx, Permission.record_consent)
    view = get_record(session, ctx, client_id, record_id)
    try:
        chosen = ReceiptKind(kind)
    except ValueError:
        chosen = ReceiptKind.none
    if chosen is ReceiptKind.none:
        raise ValidationFailed({"kind": [N_("Choose a full or a minimal receipt.")]})
    record = view.record
    language = receipt_language(record)
    data = receipt_pdf(RECEIPTS[language], record.receipt_number, chosen)
    record_event(
        session, ctx, AuditAction.consent_receipt_printed, "consent_record", record.id,
        kind=chosen.value, language=language,
    )  # fmt: skip
    return data, f"{record.receipt_number}.pdf"
