"""Home page per role, and small helpers shared by the HTML views."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from app.auth.access import signed_in
from app.errors import ValidationFailed
from app.i18n import N_
from app.web.extensions import login_manager

bp = Blueprint("home", __name__)


def form_errors(form: FlaskForm) -> int:
    """422 when a submitted form failed validation, so nothing is committed; else 200."""
    return 422 if form.errors else 200


def show_errors(form: FlaskForm, error: ValidationFailed, fallback: Field | None = None) -> None:
    """A service's per-field messages on the form's fields, in the user's language.

    A message for a field the form lacks goes onto ``fallback`` when given (e.g. the first
    visible field), otherwise to the error page (still a 422): never silently dropped.
    """
    for name, messages in error.fields.items():
        field = form._fields.get(name) or fallback
        if field is None:
            raise error
        field.errors = list(field.errors) + [_(m) for m in messages]


def first_visible_field(form: FlaskForm) -> Field:
    return next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))


@bp.app_context_processor
def _layout() -> dict[str, object]:
    """What the page header needs: the user's organisations for the switcher. The
    header's forms carry only a CSRF token (``csrf_token()``): no form object is built, so
    an error page for a refused body (413) never parses it again."""
    if not current_user.is_authenticated:
        return {"nav_orgs": [], "current_org": None}
    membership = current_user.membership
    if membership is not None and membership.organisations <= 1:
        # The one organisation came with the session: no switcher, no query.
        return {"nav_orgs": [], "current_org": membership.organisation}
    from app.web.request import my_organisations

    orgs = my_organisations()
    current = current_user.membership.tenant_id if current_user.membership else None
    return {
        "nav_orgs": orgs,
        "current_org": next((o for o in orgs if o.id == current), None),
    }


@login_manager.unauthorized_handler  # type: ignore[untyped-decorator]
def _unauthorized() -> Response | tuple[str, int]:
    if g.get("session_expired"):
        from app.errors import AuthenticationFailed

        raise AuthenticationFailed(N_("Your session has ended. Please sign in again."))
    if request.path.startswith("/api/"):
        from app.errors import AuthenticationFailed

        raise AuthenticationFailed()
    return redirect(url_for("auth.sign_in"))


@bp.route("/")
@signed_in
def index() -> Response | str:
    if current_user.membership is None and not current_user.user.is_platform_admin:
        return redirect(url_for("auth.choose_organisation"))
    return render_template("home/index.html", actor=current_user.actor)
