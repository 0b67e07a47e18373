"""The home page: what each role can act on today."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import requires, signed_in
from app.auth.forms import ActionForm
from app.auth.permissions import Permission, can
from app.auth.principal import my_organisations
from app.cases.forms import LEVEL_LABELS, RISK_LABELS
from app.consent.forms import PURPOSE_LABELS
from app.disclosure.break_glass import openings_to_review
from app.disclosure.forms import BREAK_GLASS_REASONS
from app.home import service
from app.home.forms import RecordServiceForm
from app.web.forms import Page, form_errors, submit
from app.web.request import actor, db

bp = Blueprint("home", __name__)
#: Permissions that give the home page something to show besides reports.
HOME_PANELS = (
    Permission.casework,
    Permission.assign_cases,
    Permission.manage_members,
    Permission.read_audit,
)


@bp.app_context_processor
def _layout() -> dict[str, object]:
    """What the page header needs: the user's organisations for the switcher. The
    header's forms carry only a CSRF token (``csrf_token()``): no form object is built, so
    an error page for a refused body (413) never parses it again."""
    if not current_user.is_authenticated or g.get("failed"):
        return {"nav_orgs": [], "current_org": None}
    membership = current_user.membership
    if membership is not None and membership.organisations <= 1:
        # The one organisation came with the session: no switcher, no query.
        return {"nav_orgs": [], "current_org": membership.organisation}
    orgs = my_organisations()
    current = current_user.membership.tenant_id if current_user.membership else None
    return {
        "nav_orgs": orgs,
        "current_org": next((o for o in orgs if o.id == current), None),
    }


@bp.route("/")
@signed_in
def index() -> Response | str:
    if current_user.membership is None and not current_user.user.is_platform_admin:
        return redirect(url_for("auth.choose_organisation"))
    actor = current_user.actor
    if can(actor, Permission.read_reports) and not any(can(actor, p) for p in HOME_PANELS):
        # Reports are the home page of whoever has nothing else here (a funder).
        return redirect(url_for("reports.index"))
    return _home(RecordServiceForm())


def _home(form: RecordServiceForm) -> str:
    """One panel per permission held (never per role name), each listing what waits."""
    ctx, session = actor(), db()
    today = ctx.today()
    panels: dict[str, Any] = {}
    if can(ctx, Permission.casework):
        panels["mine"] = service.caseworker_day(session, ctx, today)
    if can(ctx, Permission.assign_cases):
        panels["team"] = service.team_day(session, ctx, today)
    if can(ctx, Permission.manage_members):
        panels["admin"] = service.admin_day(session, ctx)
    if can(ctx, Permission.review_break_glass):
        # Supervisors see every break-glass opening at once, until they review it.
        panels["openings"] = openings_to_review(session, ctx)
        panels["action_form"] = ActionForm(formdata=None)
        panels["break_glass_labels"] = BREAK_GLASS_REASONS
    return render_template(
        "home/index.html",
        actor=ctx,
        today=today,
        record_form=form,
        risk_labels=RISK_LABELS,
        level_labels=LEVEL_LABELS,
        purpose_labels=PURPOSE_LABELS,
        **panels,
    )


@bp.route("/record-service", methods=["POST"])
@requires(Permission.casework)
def record_service() -> Page:
    """The home page's "record a service": the code typed, then the client's services tab."""
    form = RecordServiceForm()
    found = submit(form, lambda: service.client_for_service(db(), actor(), form.code.data))
    if found is None:
        return _home(form), form_errors(form) or 422
    return redirect(url_for("assistance.services", client_id=found.value.id))
