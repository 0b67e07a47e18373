"""HTML views of the grant and service-type settings (organisation admins and
supervisors), on the assistance blueprint: list and add, correct a grant, rename a type,
stop offering it, delete either while unused."""

from __future__ import annotations

import uuid
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.assistance import forms
from app.assistance import grants as catalogue
from app.assistance.inputs import Changes, GrantInput, SubtypeInput, SubtypeRename
from app.assistance.models import ServiceSubtype
from app.assistance.views import Page, _labels, bp
from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.errors import Conflict
from app.web.forms import form_input, handle_form
from app.web.request import actor, db


@bp.route("/settings/grants", methods=["GET", "POST"])
@requires(Permission.manage_catalogue)
def grants() -> Page:
    form = forms.GrantForm()
    return handle_form(
        form,
        lambda: catalogue.create_grant(db(), actor(), form_input(form, GrantInput)),
        page=lambda form: render_template(
            "assistance/grants.html", form=form, grants=catalogue.list_grants(db(), actor())
        ),
        done=_("Grant added."),
        then=url_for(".grants"),
    )


@bp.route("/settings/service-types", methods=["GET", "POST"])
@requires(Permission.manage_catalogue)
def service_types() -> Page:
    form = forms.SubtypeForm()
    return handle_form(
        form,
        lambda: catalogue.create_subtype(db(), actor(), form_input(form, SubtypeInput)),
        page=lambda form: render_template(
            "assistance/subtypes.html",
            form=form,
            subtypes=catalogue.list_subtypes(db(), actor()),
            labels=_labels(),
        ),
        done=_("Service type added."),
        then=url_for(".service_types"),
    )


@bp.route("/settings/grants/<uuid:grant_id>", methods=["GET", "POST"])
@requires(Permission.manage_catalogue)
def edit_grant(grant_id: uuid.UUID) -> Page:
    grant = catalogue.managed_grant(db(), actor(), grant_id)
    form = forms.GrantForm() if request.method == "POST" else forms.GrantForm(obj=grant)
    return handle_form(
        form,
        lambda: catalogue.correct_grant(
            db(), actor(), grant.id, Changes.every(form_input(form, GrantInput))
        ),
        page=lambda form: _grant_page(form, grant.id),
        done=_changed,
        then=url_for(".grants"),
    )


def _changed(done: catalogue.Correction[Any]) -> str:
    return str(_("Grant corrected.") if done.changed else _("Nothing was changed."))


@bp.route("/settings/grants/<uuid:grant_id>/delete", methods=["POST"])
@requires(Permission.manage_catalogue)
def delete_grant(grant_id: uuid.UUID) -> Page:
    grant = catalogue.managed_grant(db(), actor(), grant_id)
    if ActionForm().validate_on_submit():
        try:
            catalogue.delete_grant(db(), actor(), grant.id)
        except Conflict as refused:
            return _grant_page(forms.GrantForm(obj=grant), grant.id, _(refused.message)), 409
        flash(_("Grant deleted."))
    return redirect(url_for(".grants"))


def _grant_page(form: forms.GrantForm, grant_id: uuid.UUID, refusal: str | None = None) -> str:
    return render_template(
        "assistance/grant_edit.html",
        form=form,
        grant_id=grant_id,
        refusal=refusal,
        action=ActionForm(),
    )


@bp.route("/settings/service-types/<uuid:subtype_id>", methods=["GET", "POST"])
@requires(Permission.manage_catalogue)
def edit_service_type(subtype_id: uuid.UUID) -> Page:
    subtype = catalogue.managed_subtype(db(), actor(), subtype_id)
    form = forms.SubtypeForm() if request.method == "POST" else forms.SubtypeForm(obj=subtype)
    return handle_form(
        form,
        lambda: catalogue.rename_subtype(db(), actor(), subtype.id, SubtypeRename(form.name.data)),
        page=lambda form: _subtype_page(form, subtype),
        done=lambda done: _("Service type renamed.") if done.changed else _("Nothing was changed."),
        then=url_for(".service_types"),
        fallback="name",
    )


@bp.route("/settings/service-types/<uuid:subtype_id>/retire", methods=["POST"])
@requires(Permission.manage_catalogue)
def retire_service_type(subtype_id: uuid.UUID) -> Page:
    """``retired=1`` stops offering the type for new records, ``retired=0`` offers it again."""
    subtype = catalogue.managed_subtype(db(), actor(), subtype_id)
    if ActionForm().validate_on_submit():
        retired = request.form.get("retired") == "1"
        done = catalogue.retire_subtype(db(), actor(), subtype.id, retired)
        if done.changed:
            flash(
                _("Service type no longer offered.")
                if retired
                else _("Service type offered again.")
            )
    return redirect(url_for(".service_types"))


@bp.route("/settings/service-types/<uuid:subtype_id>/delete", methods=["POST"])
@requires(Permission.manage_catalogue)
def delete_service_type(subtype_id: uuid.UUID) -> Page:
    subtype = catalogue.managed_subtype(db(), actor(), subtype_id)
    if ActionForm().validate_on_submit():
        try:
            catalogue.delete_subtype(db(), actor(), subtype.id)
        except Conflict as refused:
            form = forms.SubtypeForm(obj=subtype)
            return _subtype_page(form, subtype, _(refused.message)), 409
        flash(_("Service type deleted."))
    return redirect(url_for(".service_types"))


def _subtype_page(
    form: forms.SubtypeForm, subtype: ServiceSubtype, refusal: str | None = None
) -> str:
    # The category is shown, not offered: a type's records stay filed under it.
    return render_template(
        "assistance/subtype_edit.html",
        form=form,
        subtype=subtype,
        refusal=refusal,
        action=ActionForm(),
        labels=_labels(),
    )
