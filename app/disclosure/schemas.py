"""API schemas of disclosure: input (``…Args``, unknown fields refused) and output.

Inputs leave every field optional on purpose: the service reads them, so a missing legal
basis is refused with the same message as on the screen *and recorded* as a refusal.

XXX: no output schema carries client content: a request names the client by id, the
decision by outcome, policy ids and reason codes with their sentence.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.clients.schemas import UtcDateTime
from app.disclosure.models import DisclosureRequest
from app.disclosure.service import explain
from app.disclosure.wording import reason_text
from policies import Decision


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _text(**kw: Any) -> fields.String:
    return fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=20_000), **kw
    )


def _codes() -> fields.List:  # type: ignore[type-arg]
    return fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)


class DisclosureArgs(_Args):
    recipient_type = _text()
    recipient_name = _text()
    purpose = _text()
    legal_basis = _text()
    legal_reference = _text()
    field_groups = _codes()


class ApprovalArgs(_Args):
    notify_client = fields.Boolean(load_default=True)
    notify_reason = _text()


class WhatIfArgs(_Args):
    recipient_type = _text()
    purpose = _text()
    legal_basis = _text()
    field_groups = _codes()
    consented_groups = _codes()
    is_minor = fields.Boolean(load_default=False)
    legal_reference_present = fields.Boolean(load_default=False)


class GroupOut(Schema):
    field_group = fields.String()
    outcome = fields.String(metadata={"enum": ["allowed", "denied", "needs_approval"]})
    policy_ids = fields.List(fields.String())
    reasons = fields.List(fields.String(), metadata={"description": "In English; codes below"})
    reason_codes = fields.List(fields.String())


class DisclosureOut(Schema):
    id = fields.UUID()
    number = fields.String()
    client_id = fields.UUID()
    status = fields.String()
    recipient_type = fields.String()
    recipient_name = fields.String()
    purpose = fields.String()
    legal_basis = fields.String()
    legal_reference = fields.String(allow_none=True)
    policy_set = fields.String()
    policy_set_hash = fields.String()
    context_sha256 = fields.String()
    consent_record_id = fields.UUID(allow_none=True)
    requested_at = UtcDateTime()
    approved_at = UtcDateTime(allow_none=True)
    notify_client = fields.Boolean(allow_none=True)
    notify_reason = fields.String(allow_none=True)
    released_at = UtcDateTime(allow_none=True)
    package_sha256 = fields.String(allow_none=True)
    groups = fields.List(fields.Nested(GroupOut))


class DecisionOut(Schema):
    policy_set = fields.String()
    policy_set_hash = fields.String()
    groups = fields.List(fields.Nested(GroupOut))


def request_document(row: DisclosureRequest) -> dict[str, Any]:
    document = {name: getattr(row, name) for name in DisclosureOut().fields if name != "groups"}
    document["groups"] = [
        {
            "field_group": str(g.field_group),
            "outcome": str(g.outcome),
            "policy_ids": list(g.policy_ids),
            "reasons": list(g.reasons),
            "reason_codes": list(row.decision["groups"][str(g.field_group)]["reason_codes"]),
        }
        for g in explain(row)
    ]
    return document


def decision_document(decision: Decision) -> dict[str, Any]:
    return {
        "policy_set": decision.policy_set,
        "policy_set_hash": decision.policy_set_hash,
        "groups": [
            {
                "field_group": str(g.field_group),
                "outcome": str(g.outcome),
                "policy_ids": list(g.policy_ids),
                "reasons": [reason_text(r.code, r.text) for r in g.reasons],
                "reason_codes": [r.code for r in g.reasons],
            }
            for g in decision.groups
        ],
    }
