"""Report screens: the funder's home page (their grants), a grant's report with charts,
the organisation-wide reports, the exports, and linking funders to grants.

Handlers stay short: load, check (in the service), render. Every number shown comes from
:func:`app.reports.rendering.grids` over what the gate released.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.access import requires
from app.auth.permissions import Permission
from app.errors import NotFound
from app.reports import exports, service
from app.reports.rendering import charts, footer_lines, grids, report_title
from app.reports.service import ReportRun
from app.web.charts import bar_chart
from app.web.request import actor, db, parse_uuid

bp = Blueprint("reports", __name__, url_prefix="/reports")
FORMATS = ("csv", "xlsx", "pdf")


@bp.route("/")
@requires(Permission.read_reports)
def index() -> str:
    return render_template(
        "reports/index.html",
        grants=service.reportable_grants(db(), actor()),
        is_network=service.is_network(db(), actor()),
    )


@bp.route("/grants/<uuid:grant_id>")
@requires(Permission.read_reports)
def grant_report(grant_id: uuid.UUID) -> str:
    run = service.run_funder_report(db(), actor(), grant_id, _query())
    return _page(run, url_for(".grant_export", grant_id=grant_id, fmt="FMT", **_query()))


@bp.route("/organisation")
@requires(Permission.read_state_reports)
def organisation_report() -> str:
    if not request.args.get("start"):
        return render_template("reports/choose.html")
    run = service.run_state_report(db(), actor(), _query())
    return _page(run, url_for(".organisation_export", fmt="FMT", **_query()))


@bp.route("/network")
@requires(Permission.read_state_reports)
def network_report() -> str:
    if not request.args.get("start"):
        return render_template("reports/choose.html", network=True)
    run = service.run_network_report(db(), actor(), _query())
    return _page(run, url_for(".network_export", fmt="FMT", **_query()))


@bp.route("/network/export.<fmt>")
@requires(Permission.read_state_reports)
def network_export(fmt: str) -> Response:
    _known(fmt)
    run = service.run_network_report(db(), actor(), _query())
    return exports.respond(db(), actor(), run, fmt)


@bp.route("/grants/<uuid:grant_id>/export.<fmt>")
@requires(Permission.read_reports)
def grant_export(grant_id: uuid.UUID, fmt: str) -> Response:
    _known(fmt)
    run = service.run_funder_report(db(), actor(), grant_id, _query())
    return exports.respond(db(), actor(), run, fmt)


@bp.route("/organisation/export.<fmt>")
@requires(Permission.read_state_reports)
def organisation_export(fmt: str) -> Response:
    _known(fmt)
    run = service.run_state_report(db(), actor(), _query())
    return exports.respond(db(), actor(), run, fmt)


@bp.route("/signing-key.pem")
@requires(Permission.read_reports)
def signing_key() -> Response:
    return Response(
        exports.public_key_pem(db()),
        mimetype="application/x-pem-file",
        headers={"Content-Disposition": "attachment; filename=haven-exports.pem"},
    )


@bp.route("/grants/<uuid:grant_id>/funders", methods=["GET", "POST"])
@requires(Permission.manage_catalogue)
def grant_funders(grant_id: uuid.UUID) -> Response | str:
    if request.method == "POST":
        user_id = parse_uuid(request.form.get("user_id", ""))
        if user_id is None:
            raise NotFound()
        if request.form.get("action") == "unlink":
            service.unlink_funder(db(), actor(), grant_id, user_id)
        else:
            service.link_funder(db(), actor(), grant_id, user_id)
        return redirect(url_for(".grant_funders", grant_id=grant_id))  # type: ignore[return-value]
    members = service.funder_members(db(), actor())
    linked = service.linked_funders(db(), actor(), grant_id)
    grant = service.reportable_grant(db(), actor(), grant_id)
    return render_template("reports/funders.html", grant=grant, members=members, linked=linked)


def _query() -> dict[str, Any]:
    """The report's own parameters only: anything else is refused by the service."""
    return {k: v for k, v in request.args.items()}


def _known(fmt: str) -> None:
    if fmt not in FORMATS:
        raise NotFound()


def _page(run: ReportRun, export_url: str) -> str:
    grid_list = grids(run)
    drawn = [
        (c, bar_chart(f"chart-{c.key}", c.title, c.bars, c.description))
        for c in charts(run, grid_list)
    ]
    return render_template(
        "reports/report.html",
        run=run,
        title=report_title(run),
        grids=grid_list,
        charts={c.key: svg for c, svg in drawn},
        chart_titles={c.key: c.title for c, _ in drawn},
        footer=footer_lines(run),
        exports=[(fmt, export_url.replace("FMT", fmt)) for fmt in FORMATS],
        symbol_note=_("%(symbol)s: hidden to protect people.", symbol="[c]"),
    )
