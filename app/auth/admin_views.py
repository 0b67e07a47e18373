"""Organisation admin pages: members, invitations, roles, session revocation.

Every id in a URL is looked up inside the admin's own organisation: a member of another
organisation is "not found", exactly like an id that does not exist.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.auth import service, sessions
from app.auth.access import requires
from app.auth.forms import ROLE_LABELS, ActionForm, InviteForm, RolesForm
from app.auth.inputs import Invitation
from app.auth.models import Membership
from app.auth.permissions import Permission
from app.web.forms import form_errors, form_input, handle_form, submit
from app.web.request import actor, db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/members")
@requires(Permission.manage_members)
def members() -> str:
    rows = db().scalars(select(Membership).order_by(Membership.created_at)).unique().all()
    return render_template(
        "admin/members.html", members=rows, role_labels=ROLE_LABELS, action=ActionForm()
    )


@bp.route("/members/invite", methods=["GET", "POST"])
@requires(Permission.manage_members)
def invite() -> Response | str | tuple[str, int]:
    form = InviteForm()
    invited = submit(
        form,
        lambda: service.invite_member(db(), actor(), form_input(form, Invitation)),
        fallback="roles",
    )
    if invited is None:
        return render_template("admin/invite.html", form=form), form_errors(form)
    # Shown once, on this page: a one-time password never goes into a URL or the session.
    membership, one_time = invited.value
    return render_template("admin/invited.html", member=membership.user, one_time=one_time)


@bp.route("/members/<uuid:user_id>/roles", methods=["GET", "POST"])
@requires(Permission.manage_members)
def roles(user_id: uuid.UUID) -> Response | str | tuple[str, int]:
    membership = service.membership_in(db(), actor(), user_id)
    form = RolesForm(data={"roles": [r.value for r in membership.roles]})
    return handle_form(
        form,
        lambda: service.assign_roles(db(), actor(), user_id, form.roles.data),
        page=lambda form: render_template("admin/roles.html", form=form, member=membership.user),
        done=_("Roles saved."),
        then=url_for("admin.members"),
        fallback="roles",
    )


@bp.route("/members/<uuid:user_id>/revoke-sessions", methods=["POST"])
@requires(Permission.manage_members)
def revoke_sessions(user_id: uuid.UUID) -> Response:
    if ActionForm().validate_on_submit():
        count = sessions.revoke_member_sessions(db(), actor(), user_id)
        flash(ngettext("%(num)d session ended.", "%(num)d sessions ended.", count))
    if user_id == current_user.user.id:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("admin.members"))
