"""The home page: what each role can act on today."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import signed_in
from app.auth.permissions import Permission, can
from app.auth.principal import my_organisations

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
    return render_template("home/index.html", actor=actor)
