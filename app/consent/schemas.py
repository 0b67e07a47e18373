"""API schemas of the consent ledger: input (``…Args``, unknown fields refused) and output.

A record's JSON follows ISO/IEC TS 27560 (consent record information structure) in its
W3C DPV profile where a name exists: ``record_id``, ``pii_principal_id`` (the client's id:
a pseudonymous id, never a name), ``privacy_notice``, ``language``, ``purposes``,
``lawful_basis``, ``pii_categories`` (27560's PII types; here the field groups),
``recipient_third_parties``, ``event`` (``event_time``, ``state``); ``dpv_consent_status``
carries the DPV status IRI (``dpv:ConsentGiven``, ``dpv:ConsentRefused``,
``dpv:ConsentWithdrawn``, ``dpv:ConsentExpired``; a superseded record is
``dpv:ConsentInvalidated``, DPV's nearest term, with ``superseded_by``). Names Haven adds
(``interpreter``, ``evidence``, ``receipt``) say so in their description.

XXX: no output schema has a sealed value: a scan is reported as present or not, never sent.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.clients.schemas import UtcDateTime
from app.consent.models import Decision
from app.consent.service import RecordView
from app.consent.validity import ConsentAnswer

SCHEMA_VERSION = "ISO/IEC TS 27560:2023 (W3C DPV profile); haven consent record 1"
DPV_STATUS = {
    "given": "dpv:ConsentGiven",
    "refused": "dpv:ConsentRefused",
    "withdrawn": "dpv:ConsentWithdrawn",
    "expired": "dpv:ConsentExpired",
    "superseded": "dpv:ConsentInvalidated",
}


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _strings(**kw: Any) -> fields.List:  # type: ignore[type-arg]
    return fields.List(fields.String(validate=validate.Length(max=200)), **kw)


class ConsentRecordArgs(_Args):
    decision = fields.String(required=True, metadata={"enum": [d.value for d in Decision]})
    purposes = _strings(required=True)
    field_groups = _strings(required=True)
    recipient_types = _strings(required=True)
    recipient_organisations = fields.List(fields.UUID(), load_default=list)
    recipient_names = _strings(load_default=list)
    notice_id = fields.UUID(required=True)
    notice_language = fields.String(required=True)
    notice_version = fields.Integer(required=True, strict=True)
    language = fields.String(required=True)
    method = fields.String(required=True)
    #: The first day on which the consent no longer holds; required.
    expires_on = fields.Date(required=True)
    legal_basis = fields.String(load_default="consent")
    legal_reference = fields.String(allow_none=True, load_default=None)
    interpreter_used = fields.Boolean(load_default=False)
    interpreter_code = fields.String(allow_none=True, load_default=None)
    evidence_kind = fields.String(load_default="none")
    evidence_scan = fields.String(
        allow_none=True,
        load_default=None,
        metadata={"description": "the scan (PDF, JPEG or PNG, at most 10 MB) as base64"},
    )
    signature_sha256 = fields.String(allow_none=True, load_default=None)
    witness_code = fields.String(allow_none=True, load_default=None)
    receipt_kind = fields.String(load_default="full")
    supersedes = fields.UUID(allow_none=True, load_default=None)


class WithdrawalArgs(_Args):
    channel = fields.String(load_default="in_person")


class ConsentQuestionArgs(_Args):
    purpose = fields.String(required=True)
    recipient_type = fields.String(required=True)
    field_groups = _strings(load_default=list)
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    recipient_name = fields.String(allow_none=True, load_default=None)
    #: When (a naive time is read as UTC); now if not given.
    at = fields.AwareDateTime(default_timezone=UTC, allow_none=True, load_default=None)


class NoticeTextArgs(_Args):
    language = fields.String(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)


class ExpiringArgs(_Args):
    days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366))


class PrivacyNoticeOut(Schema):
    notice_id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    language = fields.String(required=True)
    sha256 = fields.String(required=True)


class RecipientOut(Schema):
    """A named recipient: an organisation on Haven (``organisation_id``) or off it."""

    organisation_id = fields.UUID(allow_none=True)
    name = fields.String(allow_none=True)


class InterpreterOut(Schema):
    used = fields.Boolean(required=True)
    code = fields.String(allow_none=True)


class EvidenceOut(Schema):
    kind = fields.String(required=True)
    signature_sha256 = fields.String(allow_none=True)
    witness_code = fields.String(allow_none=True)
    #: Whether a sealed scan is kept (it is opened only on screen, audited).
    scan = fields.Boolean(required=True)


class ReceiptOut(Schema):
    kind = fields.String(required=True)
    number = fields.String(required=True)


class EventOut(Schema):
    event_time = UtcDateTime(required=True)
    state = fields.String(required=True)
    channel = fields.String(allow_none=True)
    superseded_by = fields.UUID(allow_none=True)


class ConsentRecordOut(Schema):
    """A consent record (ISO/IEC TS 27560 / DPV names; see the module)."""

    schema_version = fields.String(required=True)
    record_id = fields.UUID(required=True)
    pii_principal_id = fields.UUID(required=True)
    state = fields.String(required=True, metadata={"enum": list(DPV_STATUS)})
    dpv_consent_status = fields.String(required=True)
    purposes = fields.List(fields.String(), required=True)
    pii_categories = fields.List(fields.String(), required=True)
    recipient_types = fields.List(fields.String(), required=True)
    recipient_third_parties = fields.List(fields.Nested(RecipientOut), required=True)
    lawful_basis = fields.String(required=True)
    lawful_basis_reference = fields.String(allow_none=True)
    privacy_notice = fields.Nested(PrivacyNoticeOut, required=True)
    language = fields.String(required=True)
    interpreter = fields.Nested(InterpreterOut, required=True)
    indication_method = fields.String(required=True)
    evidence = fields.Nested(EvidenceOut, required=True)
    given_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    supersedes = fields.UUID(allow_none=True)
    superseded_by = fields.UUID(allow_none=True)
    withdrawn_at = UtcDateTime(allow_none=True)
    receipt = fields.Nested(ReceiptOut, required=True)
    event = fields.List(fields.Nested(EventOut), required=True)


def record_document(view: RecordView) -> dict[str, Any]:
    """The record as :class:`ConsentRecordOut` lists it."""
    r = view.record
    withdrawn, superseded = view.withdrawn, view.superseded
    events = [{"event_time": r.given_at, "state": r.decision.value}] + [
        {
            "event_time": e.occurred_at,
            "state": e.kind.value,
            "channel": e.channel.value if e.channel else None,
            "superseded_by": e.superseded_by,
        }
        for e in view.events
    ]
    return {
        "schema_version": SCHEMA_VERSION,
        "record_id": r.id,
        "pii_principal_id": r.client_id,
        "state": view.status,
        "dpv_consent_status": DPV_STATUS[view.status],
        "purposes": r.purposes,
        "pii_categories": r.field_groups,
        "recipient_types": r.recipient_types,
        "recipient_third_parties": [
            {"organisation_id": o, "name": None} for o in r.recipient_organisations
        ]
        + [{"organisation_id": None, "name": n} for n in r.recipient_names],
        "lawful_basis": r.legal_basis.value,
        "lawful_basis_reference": r.legal_reference,
        "privacy_notice": {
            "notice_id": r.notice_id,
            "version": r.notice_version,
            "language": r.notice_language,
            "sha256": r.notice_sha256,
        },
        "language": r.language,
        "interpreter": {"used": r.interpreter_used, "code": r.interpreter_code},
        "indication_method": r.method.value,
        "evidence": {
            "kind": r.evidence_kind.value,
            "signature_sha256": r.signature_sha256,
            "witness_code": r.witness_code,
            "scan": view.has_scan,
        },
        "given_at": r.given_at,
        "expires_at": r.expires_at,
        "supersedes": r.supersedes_id,
        "superseded_by": superseded.superseded_by if superseded else None,
        "withdrawn_at": withdrawn.occurred_at if withdrawn else None,
        "receipt": {"kind": r.receipt_kind.value, "number": r.receipt_number},
        "event": events,
    }


class ConsentAnswerOut(Schema):
    """The validity question's answer, as the policy context takes it."""

    decision = fields.String(required=True, metadata={"enum": ["valid", "not_valid"]})
    record_id = fields.UUID(allow_none=True)
    reason = fields.String(required=True)
    params = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    legal_basis = fields.String(allow_none=True)


def answer_document(answer: ConsentAnswer) -> dict[str, Any]:
    return {
        "decision": answer.decision.value,
        "record_id": answer.record_id,
        "reason": answer.reason.value,
        "params": dict(answer.params),
        "legal_basis": answer.legal_basis.value if answer.legal_basis else None,
    }


class NoticeTextOut(Schema):
    id = fields.UUID(required=True)
    notice_id = fields.UUID(required=True)
    language = fields.String(required=True)
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    body = fields.String(required=True)
    sha256 = fields.String(required=True)
    is_example = fields.Boolean(required=True)
    created_at = UtcDateTime(required=True)


class NoticeOut(Schema):
    id = fields.UUID(required=True)
    key = fields.String(required=True)
    purposes = fields.List(fields.String(), required=True)
    #: The newest version in each language.
    texts = fields.List(fields.Nested(NoticeTextOut), required=True)


class ExpiringOut(Schema):
    record_id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    client_code = fields.String(required=True)
    expires_at = UtcDateTime(required=True)
    purposes = fields.List(fields.String(), required=True)
