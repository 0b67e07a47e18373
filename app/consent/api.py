"""JSON API of the consent ledger: notices, a client's records, recording, withdrawing,
the validity question, and the consents expiring soon.

Every id is looked up inside the token's organisation by the services: another
organisation's client, record or notice is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.auth.access import caller, casework_blueprint
from app.consent import evidence, notices, service
from app.consent.inputs import (
    ConsentInput,
    ConsentQuestion,
    NoticeTextInput,
    Scan,
    Withdrawal,
)
from app.consent.models import NoticeText
from app.consent.schemas import (
    ConsentAnswerOut,
    ConsentQuestionArgs,
    ConsentRecordArgs,
    ConsentRecordOut,
    ExpiringArgs,
    ExpiringOut,
    NoticeOut,
    NoticeTextArgs,
    NoticeTextOut,
    WithdrawalArgs,
    answer_document,
    record_document,
)
from app.consent.service import ExpiringConsent
from app.consent.withdrawal import withdraw_consent
from app.validation import Errors
from app.web.api import BEARER
from app.web.inputs import allow_upload
from app.web.request import db

blp = casework_blueprint("consent", "The consent ledger: notices, records, the validity question")
RECORDS = "/clients/<uuid:client_id>/consents"
#: A scan of 10 MB is about 13.4 MB of base64, plus the rest of the record.
allow_upload(
    "api_consent.record_consent",
    evidence.MAX_SCAN_BYTES * 4 // 3 + 256 * 1024,
    "evidence_scan",
    evidence.TOO_LARGE,
)


@blp.route("/consent/notices")
@blp.response(200, NoticeOut(many=True))
@blp.doc(security=BEARER)
def list_notices() -> list[dict[str, Any]]:
    """The organisation's notices with the newest text in each language."""
    views = notices.notices_of(db(), caller())
    return [
        {
            "id": v.notice.id,
            "key": v.notice.key,
            "purposes": v.notice.purposes,
            "texts": list(v.current.values()),
        }
        for v in views
    ]


@blp.route("/consent/notices/<uuid:notice_id>/texts")
@blp.response(200, NoticeTextOut(many=True))
@blp.doc(security=BEARER)
def notice_versions(notice_id: uuid.UUID) -> list[NoticeText]:
    """Every version of every language of a notice (old versions stay readable)."""
    return notices.versions_of(db(), caller(), notice_id)


@blp.route("/consent/notices/<uuid:notice_id>/texts", methods=["POST"])
@blp.arguments(NoticeTextArgs)
@blp.response(201, NoticeTextOut)
@blp.doc(security=BEARER)
def save_notice_text(args: dict[str, Any], notice_id: uuid.UUID) -> NoticeText:
    """Save a text of a notice in a language: its next version."""
    return notices.add_notice_text(db(), caller(), notice_id, NoticeTextInput(**args))


@blp.route(RECORDS)
@blp.response(200, ConsentRecordOut(many=True))
@blp.doc(security=BEARER)
def list_records(client_id: uuid.UUID) -> list[dict[str, Any]]:
    """The client's consent records, newest first."""
    return [record_document(v) for v in service.consent_history(db(), caller(), client_id)]


@blp.route(RECORDS, methods=["POST"])
@blp.arguments(ConsentRecordArgs)
@blp.response(201, ConsentRecordOut)
@blp.doc(security=BEARER)
def record_consent(args: dict[str, Any], client_id: uuid.UUID) -> dict[str, Any]:
    """Record a consent (or a refusal) on the exact notice version read to the client."""
    ctx = caller()
    encoded = args.pop("evidence_scan", None)
    scan = None
    if encoded:
        errors = Errors()
        data = evidence.decode_base64(encoded, errors, "evidence_scan")
        errors.raise_if_failed()
        scan = Scan(data or b"")
    record = service.record_consent(db(), ctx, client_id, ConsentInput(**args, evidence_scan=scan))
    return record_document(service.get_record(db(), ctx, client_id, record.id))


@blp.route(f"{RECORDS}/<uuid:consent_id>")
@blp.response(200, ConsentRecordOut)
@blp.doc(security=BEARER)
def get_record(client_id: uuid.UUID, consent_id: uuid.UUID) -> dict[str, Any]:
    return record_document(service.get_record(db(), caller(), client_id, consent_id))


@blp.route(f"{RECORDS}/<uuid:consent_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawalArgs)
@blp.response(200, ConsentRecordOut)
@blp.doc(security=BEARER)
def withdraw(args: dict[str, Any], client_id: uuid.UUID, consent_id: uuid.UUID) -> dict[str, Any]:
    """Withdraw a consent: one call, in force at once."""
    ctx = caller()
    withdraw_consent(db(), ctx, client_id, consent_id, Withdrawal(**args))
    return record_document(service.get_record(db(), ctx, client_id, consent_id))


@blp.route("/clients/<uuid:client_id>/consent-check", methods=["POST"])
@blp.arguments(ConsentQuestionArgs)
@blp.response(200, ConsentAnswerOut)
@blp.doc(security=BEARER)
def check(args: dict[str, Any], client_id: uuid.UUID) -> dict[str, Any]:
    """Is there valid consent for this purpose, recipient and field groups (now, or at
    ``at``)? The answer names the record relied on, or why there is none."""
    answer = service.answer_question(db(), caller(), client_id, ConsentQuestion(**args))
    return answer_document(answer)


@blp.route("/consents/expiring")
@blp.arguments(ExpiringArgs, location="query")
@blp.response(200, ExpiringOut(many=True))
@blp.doc(security=BEARER)
def expiring(args: dict[str, Any]) -> list[ExpiringConsent]:
    """The organisation's consents in force that expire within ``days`` (default 30)."""
    return service.consents_expiring(db(), caller(), args["days"])
