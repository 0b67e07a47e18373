"""Evidence of a consent: the scan of a signed form, or the hash of a signature.

A scan is recognised by its content, never by its name or the type the browser claims:
PDF, JPEG or PNG, at most 10 MB. It is sealed under the client's key before it is stored
(base64 inside the seal, which holds text) and comes out only through
:func:`reveal_scan`, which checks the permission and writes an audit event.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import uuid

from PIL import Image, UnidentifiedImageError
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.consent.models import ConsentEvidence, ConsentRecord
from app.context import Actor
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.keys.service import binding, open_for_client, seal_for_client
from app.validation import Errors

#: The largest scan accepted, in bytes.
MAX_SCAN_BYTES = 10 * 1024 * 1024
TOO_LARGE = N_("The scan is larger than 10 MB. Scan it at a lower resolution, or as a PDF.")
WRONG_TYPE = N_("The scan must be a PDF, JPEG or PNG file.")
EMPTY = N_("Choose the scan of the signed form.")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PDF, _JPEG, _PNG = b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"


def media_type_of(data: bytes) -> str | None:
    """``application/pdf``, ``image/jpeg`` or ``image/png`` read from the content, or None."""
    if data.startswith(_PDF):
        # A PDF that was cut short has no end-of-file marker near its end.
        return "application/pdf" if b"%%EOF" in data[-2048:] else None
    if data.startswith(_JPEG) or data.startswith(_PNG):
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                kind = image.format
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return None
        return {"JPEG": "image/jpeg", "PNG": "image/png"}.get(kind or "")
    return None


def check_scan(data: bytes | None, errors: Errors, name: str = "evidence_scan") -> str | None:
    """The scan's media type, or a message on ``name`` (nothing of the file is quoted)."""
    if not data:
        errors.fail(name, EMPTY)
        return None
    if len(data) > MAX_SCAN_BYTES:
        errors.fail(name, TOO_LARGE)
        return None
    kind = media_type_of(data)
    if kind is None:
        errors.fail(name, WRONG_TYPE)
    return kind


def check_signature_hash(value: str | None, errors: Errors, name: str) -> str | None:
    """A hex SHA-256 (64 characters), lower-cased."""
    text = (value or "").strip().lower()
    if not _HEX64.fullmatch(text):
        errors.fail(name, N_("Enter the SHA-256 of the signature: 64 hexadecimal characters."))
        return None
    return text


def decode_base64(value: str, errors: Errors, name: str) -> bytes | None:
    """A scan sent through the API as base64 text."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        errors.fail(name, N_("Send the scan as base64."))
        return None


def seal_scan(
    session: Session, record: ConsentRecord, data: bytes, media_type: str
) -> ConsentEvidence:
    where = binding(session, "consent_evidence", "scan", record.id)
    text = base64.b64encode(data).decode("ascii")
    evidence = ConsentEvidence(
        record_id=record.id,
        client_id=record.client_id,
        media_type=media_type,
        size=len(data),
        sealed_scan=seal_for_client(session, record.client_id, where, text),
    )
    session.add(evidence)
    return evidence


def reveal_scan(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID
) -> tuple[bytes, str]:
    """The scan's bytes and media type, once, audited."""
    require(ctx, Permission.reveal_identity)
    evidence = session.get(ConsentEvidence, (ctx.tenant_id, record_id))
    if evidence is None or evidence.client_id != client_id:
        raise NotFound(N_("No such scan."))
    if evidence.sealed_scan is None:
        raise Conflict(N_("This client was erased: their identity no longer exists."))
    where = binding(session, "consent_evidence", "scan", record_id)
    text = open_for_client(session, client_id, evidence.sealed_scan, where)
    record_event(session, ctx, AuditAction.consent_evidence_revealed, "consent_record", record_id)
    return base64.b64decode(text), evidence.media_type
