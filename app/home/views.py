"""The home page: what each role can act on today."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import signed_in
from app.auth.forms import ActionForm
from app.auth.permissions import Permission, can
from app.auth.principal import my_organisations
from app.disclosure.break_glass import openings_to_review
from app.disclosure.forms import BREAK_GLASS_REASONS
from app.web.request import db

bp = Blueprint("home", __name__)


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
    alerts = {}
    if current_user.membership is not None and can(actor, Permission.review_break_glass):
        # Supervisors see every break-glass opening at once, until they review it.
        alerts = {
            "openings": openings_to_review(db(), actor),
            "action_form": ActionForm(formdata=None),
            "break_glass_labels": BREAK_GLASS_REASONS,
        }
    return render_template("home/index.html", actor=actor, **alerts)
