"""JSON API of the accountability reports: the grants a token may report on, a grant's
funder report, the organisation-wide reports (State / NRM, GRETA, evaluation summary) and
the network's pooled report.

The same parameters, refusals, permissions and audit event as the screens: every handler
calls the screens' service function with the query string as given (the service refuses
an unknown parameter, a bad period or threshold, an unknown breakdown), and renders only
what the gate released (:func:`app.reports.schemas.report_document`).

An API token stands for a role, not a person, so a funder token is linked to no grant: it
lists none and reads none (404), rather than every grant of the organisation.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask_smorest import Blueprint

from app.assistance.models import Grant
from app.auth.access import api_actor
from app.auth.permissions import Permission
from app.reports import service
from app.reports.labels import table_title
from app.reports.rendering import footer_lines, report_title
from app.reports.schemas import ReportGrantOut, ReportOut, report_document
from app.reports.service import ReportRun
from app.web.api import BEARER
from app.web.request import db

blp = Blueprint(
    "api_reports",
    __name__,
    url_prefix="/api/v1/reports",
    description="Accountability reports: every cell as the disclosure-control gate released it",
)


@blp.before_request
def _authenticate() -> None:
    # A valid token before anything else (401); each route then checks its permission (403).
    api_actor(None)


def _query_doc(*names: str) -> dict[str, Any]:
    descriptions = {
        "start": "first day (YYYY-MM-DD); a grant's report defaults to the grant's dates",
        "end": "last day; at most 5 years after the start",
        "threshold": "suppression threshold, at least 5 (default 10)",
        "cross": "two person breakdowns to cross, e.g. gender,age_band",
        "variant": "nrm (default), greta or evaluation",
    }
    return {
        "parameters": [
            {
                "in": "query",
                "name": n,
                "required": False,
                "schema": {"type": "string"},
                "description": descriptions[n],
            }
            for n in names
        ]  # fmt: skip
    }


def _query() -> dict[str, str]:
    """The query string as given: the service refuses anything it does not know."""
    return {k: v for k, v in request.args.items()}


def _document(run: ReportRun) -> dict[str, Any]:
    titles = {t.key: table_title(t.key) for t in run.released.tables}
    return report_document(run, report_title(run), titles, footer_lines(run))


@blp.route("/grants")
@blp.response(200, ReportGrantOut(many=True))
@blp.doc(security=BEARER)
def grants() -> list[Grant]:
    """The grants whose funder report this token may read (none for a funder token)."""
    return service.reportable_grants(db(), api_actor(Permission.read_reports))


@blp.route("/grants/<uuid:grant_id>")
@blp.response(200, ReportOut)
@blp.doc(security=BEARER, **_query_doc("start", "end", "threshold"))
def grant_report(grant_id: uuid.UUID) -> dict[str, Any]:
    """A grant's funder report for a period; another organisation's grant, or one not
    linked to the caller, is not found."""
    ctx = api_actor(Permission.read_reports)
    return _document(service.run_funder_report(db(), ctx, grant_id, _query()))


@blp.route("/organisation")
@blp.response(200, ReportOut)
@blp.doc(security=BEARER, **_query_doc("start", "end", "threshold", "cross", "variant"))
def organisation_report() -> dict[str, Any]:
    """The organisation-wide report for a period: State / NRM (``variant=nrm``), shaped after
    the GRETA questionnaire (``greta``) or the evaluation summary (``evaluation``)."""
    ctx = api_actor(Permission.read_state_reports)
    return _document(service.run_state_report(db(), ctx, _query()))


@blp.route("/network")
@blp.response(200, ReportOut)
@blp.doc(security=BEARER, **_query_doc("start", "end", "threshold"))
def network_report() -> dict[str, Any]:
    """The network's pooled report, for a token of the network organisation itself."""
    ctx = api_actor(Permission.read_state_reports)
    return _document(service.run_network_report(db(), ctx, _query()))
