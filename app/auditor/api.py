"""JSON API of the auditor workspace under /api/v1/audit: tokens with the auditor or
organisation-admin role. The same service calls as the screens."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, send_file
from flask_smorest import Blueprint

from app.auditor import service
from app.auditor.inputs import BundleQuery, LogQuery
from app.auditor.schemas import (
    AuditBundleArgs,
    AuditCheckpointOut,
    AuditLogArgs,
    AuditLogOut,
    AuditStatisticsOut,
    ConsentLedgerOut,
    RegisterArgs,
    RegisterEntryOut,
    event_document,
    ledger_document,
    monthly_document,
    register_document,
)
from app.auth.access import api_actor, caller
from app.auth.permissions import Permission
from app.disclosure.register import RegisterQuery, read_register
from app.errors import NotFound
from app.i18n import N_
from app.web.api import BEARER
from app.web.request import db, settings

blp = Blueprint(
    "api_audit", __name__, url_prefix="/api/v1/audit", description="The audit log, for auditors"
)


@blp.before_request
def _authenticate() -> None:
    api_actor(Permission.read_audit)


@blp.route("/events")
@blp.arguments(AuditLogArgs, location="query")
@blp.response(200, AuditLogOut)
@blp.doc(security=BEARER)
def events(args: dict[str, Any]) -> dict[str, Any]:
    """The access log, newest first, 100 events a page, with the same filters as the screen."""
    filters = service.read_log_query(caller(), LogQuery(**args))
    page = service.access_log(db(), caller(), filters)
    return {"events": [event_document(row) for row in page.rows], "more": page.more}


@blp.route("/consents")
@blp.response(200, ConsentLedgerOut(many=True))
@blp.doc(security=BEARER)
def consents() -> list[dict[str, Any]]:
    """The consent ledger: every record, by pseudonym."""
    return [ledger_document(row) for row in service.consent_ledger(db(), caller())]


@blp.route("/statistics")
@blp.response(200, AuditStatisticsOut)
@blp.doc(security=BEARER)
def statistics() -> dict[str, Any]:
    """Reveals per member and month; disclosures without valid consent (from the
    disclosure register) by legal basis and month; identity carried with referrals."""
    return {
        "reveals_per_member": monthly_document(service.reveals_per_month(db(), caller())),
        "disclosures_without_consent_by_legal_basis": monthly_document(
            service.disclosures_without_consent(db(), caller())
        ),
        "referral_identity_carried": monthly_document(
            service.referral_identity_per_month(db(), caller())
        ),
    }


@blp.route("/disclosures")
@blp.arguments(RegisterArgs, location="query")
@blp.response(200, RegisterEntryOut(many=True))
@blp.doc(security=BEARER)
def disclosures(args: dict[str, Any]) -> list[dict[str, Any]]:
    """The disclosure register, newest first (500 rows at most), by pseudonym code."""
    query = RegisterQuery(args.get("client_code"), args.get("number"), args.get("kind"))
    return [register_document(e) for e in read_register(db(), caller(), query)]


@blp.route("/checkpoint")
@blp.response(200, AuditCheckpointOut)
@blp.doc(security=BEARER)
def latest() -> dict[str, Any]:
    """The latest signed checkpoint and the verifier keys."""
    state = service.log_state(db(), caller(), settings().audit_host)
    if state.latest is None:
        raise NotFound(N_("The audit log has no checkpoint yet: make one first."))
    return {
        "size": state.latest.size,
        "note": state.latest.note,
        "created_at": state.latest.created_at,
        "verifier_keys": [str(k) for k in state.keys],
    }


@blp.route("/bundle")
@blp.arguments(AuditBundleArgs, location="query")
@blp.doc(security=BEARER)
def bundle(args: dict[str, Any]) -> Response:
    """A verification bundle (zip, docs/audit-bundle.md) for a period, or the whole log."""
    buffer = io.BytesIO()
    service.export_for_auditor(db(), caller(), settings().audit_host, buffer, BundleQuery(**args))
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name="audit-bundle.zip")  # fmt: skip
