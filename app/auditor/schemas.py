"""The auditor API's shapes: filters in, log rows, ledger rows, statistics and checkpoints
out. Output lists its fields one by one, for auditors: ids and pseudonym codes, never
client content."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields

from app.audit.models import AuditEvent
from app.auditor.service import LedgerRow, LogRow, MonthlyCounts
from app.clients.schemas import UtcDateTime
from app.disclosure.register import RegisterEntry


class _Args(Schema):
    class Meta:
        unknown = RAISE


class AuditLogArgs(_Args):
    actor = fields.String(metadata={"description": "a member's user id or an API token id"})
    action = fields.String(metadata={"description": "an action, or its object (client)"})
    since = fields.String(metadata={"description": "first day, YYYY-MM-DD (UTC)"})
    until = fields.String(metadata={"description": "last day, YYYY-MM-DD (UTC)"})
    pseudonym = fields.String(metadata={"description": "a client's pseudonym code"})
    page = fields.String(metadata={"description": "page number, 100 events a page"})


class AuditBundleArgs(_Args):
    since = fields.String()
    until = fields.String()
    since_size = fields.String(metadata={"description": "size of a checkpoint you kept"})


class RegisterArgs(_Args):
    client_code = fields.String(metadata={"description": "a client's pseudonym code"})
    number = fields.String(metadata={"description": "a disclosure number (D-...)"})
    kind = fields.String(metadata={"description": "a register event kind (released, ...)"})


class AuditEventOut(Schema):
    id = fields.UUID(required=True)
    occurred_at = UtcDateTime(required=True)
    actor_id = fields.UUID(allow_none=True)
    api_token_id = fields.UUID(allow_none=True)
    actor_roles = fields.List(fields.String(), allow_none=True)
    action = fields.String(required=True)
    target_type = fields.String(allow_none=True)
    target_id = fields.String(allow_none=True)
    client_codes = fields.List(fields.String(), required=True)
    details = fields.Dict(required=True)
    policy = fields.Dict(allow_none=True)
    consent_id = fields.UUID(allow_none=True)
    context_hash = fields.String(allow_none=True)


class AuditLogOut(Schema):
    events = fields.List(fields.Nested(AuditEventOut), required=True)
    more = fields.Boolean(required=True)


class ConsentLedgerOut(Schema):
    record_id = fields.UUID(required=True)
    client_code = fields.String(allow_none=True)
    decision = fields.String(required=True)
    given_at = UtcDateTime(required=True)
    expires_at = UtcDateTime(required=True)
    purposes = fields.List(fields.String(), required=True)
    field_groups = fields.List(fields.String(), required=True)
    recipient_types = fields.List(fields.String(), required=True)
    named_recipients = fields.Integer(required=True)
    legal_basis = fields.String(required=True)
    language = fields.String(required=True)
    interpreter_used = fields.Boolean(required=True)
    notice_sha256 = fields.String(required=True)
    withdrawn_at = UtcDateTime(allow_none=True)
    superseded = fields.Boolean(required=True)
    expired = fields.Boolean(required=True)


class AuditMonthlyOut(Schema):
    months = fields.List(fields.String(), required=True)
    rows = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)


class AuditStatisticsOut(Schema):
    reveals_per_member = fields.Nested(AuditMonthlyOut, required=True)
    #: From the disclosure register: approved or released without valid consent.
    disclosures_without_consent_by_legal_basis = fields.Nested(AuditMonthlyOut, required=True)
    #: Identity carried with referrals to partners (under the client's consent).
    referral_identity_carried = fields.Nested(AuditMonthlyOut, required=True)


class RegisterEntryOut(Schema):
    kind = fields.String(required=True)
    occurred_at = UtcDateTime(required=True)
    actor_id = fields.UUID(allow_none=True)
    request_id = fields.UUID(allow_none=True)
    number = fields.String(allow_none=True)
    recipient_type = fields.String(allow_none=True)
    client_code = fields.String(allow_none=True)
    policy_set_hash = fields.String(allow_none=True)
    details = fields.Dict(required=True)


class AuditCheckpointOut(Schema):
    size = fields.Integer(required=True)
    note = fields.String(required=True, metadata={"description": "the C2SP signed note"})
    created_at = UtcDateTime(required=True)
    verifier_keys = fields.List(fields.String(), required=True)


def event_document(row: LogRow) -> dict[str, Any]:
    event: AuditEvent = row.event
    names = [f for f in AuditEventOut._declared_fields if f != "client_codes"]
    return {**{name: getattr(event, name) for name in names}, "client_codes": list(row.codes)}


def ledger_document(row: LedgerRow) -> dict[str, Any]:
    r = row.record
    return {
        "record_id": r.id,
        "client_code": row.client_code,
        "decision": str(r.decision),
        "given_at": r.given_at,
        "expires_at": r.expires_at,
        "purposes": r.purposes,
        "field_groups": r.field_groups,
        "recipient_types": r.recipient_types,
        "named_recipients": row.named_recipients,
        "legal_basis": str(r.legal_basis),
        "language": r.language,
        "interpreter_used": r.interpreter_used,
        "notice_sha256": r.notice_sha256,
        "withdrawn_at": row.withdrawn_at,
        "superseded": row.superseded,
        "expired": row.expired,
    }


def monthly_document(counts: MonthlyCounts) -> dict[str, Any]:
    return {"months": counts.months, "rows": {k: dict(v) for k, v in counts.rows.items()}}


def register_document(entry: RegisterEntry) -> dict[str, Any]:
    """A register row by pseudonym code: the client's id is not given out."""
    names = [f for f in RegisterEntryOut._declared_fields if f != "kind"]
    return {**{name: getattr(entry, name) for name in names}, "kind": str(entry.kind)}
