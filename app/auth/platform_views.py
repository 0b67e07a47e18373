"""Platform admin pages: organisations and their first admin. No client data here."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from app.auth.access import platform_admin
from app.auth.inputs import Invitation
from app.auth.platform_forms import KIND_LABELS, OrganisationForm
from app.auth.service import invite_member
from app.context import Actor, Role
from app.db.tenancy import acting_in
from app.tenants import service
from app.web.forms import form_errors, submit
from app.web.request import db

bp = Blueprint("platform", __name__, url_prefix="/platform")


@bp.route("/organisations", methods=["GET", "POST"])
@platform_admin
def organisations() -> Response | str | tuple[str, int]:
    form = OrganisationForm()
    # The organisation's messages name its fields; those naming none of the form's come
    # from its first admin's account (e-mail, name): the admin's e-mail shows them.
    accepted = submit(form, lambda: _create(form), fallback="admin_email")
    created = accepted.value if accepted else None
    return render_template(
        "platform/organisations.html",
        organisations=service.list_organisations(db()),
        form=form,
        kinds=KIND_LABELS,
        created=created,
    ), form_errors(form)


def _create(form: OrganisationForm) -> tuple[str, str | None]:
    ctx = Actor(current_user.user.id, None, is_platform_admin=True)
    org = service.create_organisation(
        db(),
        ctx,
        name=form.name.data,
        slug=form.slug.data,
        kind=form.kind.data,
        country=form.country.data,
        locale=form.default_locale.data,
    )
    with acting_in(db(), org.id):
        in_org = Actor(ctx.user_id, org.id, is_platform_admin=True)
        first_admin = Invitation(form.admin_email.data, form.admin_name.data, [Role.org_admin])
        membership, one_time = invite_member(db(), in_org, first_admin)
    return membership.user.email, one_time
