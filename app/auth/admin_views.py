"""Organisation admin pages: members, invitations, roles, session revocation.

Every id in a URL is looked up inside the admin's own organisation: a member of another
organisation is "not found", exactly like an id that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from app.auth import lifecycle, service, sessions
from app.auth.access import requires
from app.auth.forms import ROLE_LABELS, ActionForm, InviteForm, RolesForm
from app.auth.inputs import Invitation
from app.auth.models import Membership, User
from app.auth.permissions import Permission
from app.context import Actor
from app.web.forms import Page, form_errors, form_input, handle_form, submit
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
    """Change a member's roles; for a deactivated member, choosing roles reactivates them.
    Removing every role is not saved: the page offers deactivation instead."""
    membership = service.membership_in(db(), actor(), user_id)
    active = lifecycle.is_active(membership)
    form = RolesForm(data={"roles": [r.value for r in membership.roles]})
    if active and form.validate_on_submit() and not form.roles.data:
        return _roles_page(form, membership.user, active, offer_deactivation=True), 422
    if active:
        action = lambda: service.assign_roles(db(), actor(), user_id, form.roles.data)  # noqa: E731
    else:
        action = lambda: lifecycle.reactivate_member(  # noqa: E731
            db(), actor(), user_id, service.read_roles(form.roles.data)
        )
    return handle_form(
        form,
        action,
        page=lambda form: _roles_page(form, membership.user, active),
        done=_("Roles saved.") if active else _("Member reactivated."),
        then=url_for("admin.members"),
        fallback="roles",
    )


def _roles_page(
    form: RolesForm, member: User, active: bool, *, offer_deactivation: bool = False
) -> str:
    return render_template(
        "admin/roles.html",
        form=form,
        member=member,
        active=active,
        offer_deactivation=offer_deactivation,
    )


@bp.route("/members/<uuid:user_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.manage_members)
def deactivate(user_id: uuid.UUID) -> Page:
    """Asks first (what ends, what stays), then deactivates."""
    membership = service.membership_in(db(), actor(), user_id)
    return handle_form(
        ActionForm(),
        lambda: lifecycle.deactivate_member(db(), actor(), user_id),
        page=lambda form: render_template(
            "admin/deactivate.html", form=form, member=membership.user
        ),
        done=_("Member deactivated: their sessions and API tokens have ended."),
        then=url_for("admin.members"),
    )


@bp.route("/members/<uuid:user_id>/reset-password", methods=["POST"])
@requires(Permission.manage_members)
def reset_password(user_id: uuid.UUID) -> Page:
    return _reset(user_id, lifecycle.reset_member_password, second_factor=False)


@bp.route("/members/<uuid:user_id>/reset-second-factor", methods=["POST"])
@requires(Permission.manage_members)
def reset_second_factor(user_id: uuid.UUID) -> Page:
    return _reset(user_id, lifecycle.reset_member_second_factor, second_factor=True)


def _reset(
    user_id: uuid.UUID, reset: Callable[[Session, Actor, uuid.UUID], str], *, second_factor: bool
) -> Page:
    membership = service.membership_in(db(), actor(), user_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.members"))
    # Shown once, on this page: a one-time password never goes into a URL or the session.
    one_time = reset(db(), actor(), user_id)
    page = render_template(
        "admin/reset.html", member=membership.user, one_time=one_time, second_factor=second_factor
    )
    return page, 200


@bp.route("/members/<uuid:user_id>/revoke-sessions", methods=["POST"])
@requires(Permission.manage_members)
def revoke_sessions(user_id: uuid.UUID) -> Response:
    if ActionForm().validate_on_submit():
        count = sessions.revoke_member_sessions(db(), actor(), user_id)
        flash(ngettext("%(num)d session ended.", "%(num)d sessions ended.", count))
    if user_id == current_user.user.id:
        return redirect(url_for("auth.sign_in"))
    return redirect(url_for("admin.members"))
