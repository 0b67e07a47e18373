"""HTML views of the referrals domain: the client's referrals tab, sending, the sender's
follow-up, and the receiving organisation's inbox.

Every id in a URL is looked up inside the signed-in organisation: another organisation's
client or referral is "not found", like a missing one. The inbox shows only what the
referral carried.
"""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.assistance.forms import (
    AGE_BAND_LABELS,
    CATEGORY_LABELS,
    EXPLOITATION_LABELS,
    GENDER_LABELS,
)
from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.auth.platform_forms import KIND_LABELS
from app.clients.models import Client
from app.clients.service import get_client
from app.db.base import utcnow
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.referrals import receiving, service
from app.referrals.forms import (
    OUTCOME_LABELS,
    PARTNER_KIND_LABELS,
    STATUS_LABELS,
    CompleteForm,
    ExternalReferralForm,
    PlatformReferralForm,
    ResponseForm,
)
from app.referrals.models import Referral
from app.tenants.models import Organisation
from app.web.forms import form_errors, show_errors
from app.web.request import actor, db, parse_uuid

bp = Blueprint("referrals", __name__)


@bp.route("/clients/<uuid:client_id>/referrals")
@requires(Permission.casework)
def referrals(client_id: uuid.UUID) -> str:
    client = get_client(db(), actor(), client_id)
    rows = service.referrals_of(db(), actor(), client.id)
    return render_template(
        "referrals/tab.html",
        **_labels(),
        active_tab="referrals",
        client=client,
        referrals=rows,
        organisations=_organisations(rows),
    )


@bp.route("/clients/<uuid:client_id>/referrals/platform", methods=["GET", "POST"])
@requires(Permission.casework)
def refer_on_platform(client_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    form = PlatformReferralForm()
    if form.validate_on_submit():
        try:
            service.refer_to_platform_organisation(
                db(),
                actor(),
                client.id,
                _organisation_id(form.organisation_id.data),
                form.services_requested.data or [],
                form.sent_on.data,
                carry_groups=form.carry_groups.data or [],
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("Referral sent."))
            return redirect(url_for("referrals.referrals", client_id=client.id))
    partners = service.referral_partners(db(), actor())
    form.organisation_id.choices = [("", _("Choose an organisation"))] + [
        (str(o.id), f"{o.name} ({KIND_LABELS.get(o.kind, o.kind)})") for o in partners
    ]
    return _form_page("referrals/refer_platform.html", client, form), form_errors(form)


@bp.route("/clients/<uuid:client_id>/referrals/external", methods=["GET", "POST"])
@requires(Permission.casework)
def refer_externally(client_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    form = ExternalReferralForm()
    if form.validate_on_submit():
        try:
            service.refer_externally(
                db(),
                actor(),
                client.id,
                form.partner_kind.data,
                form.partner_name.data,
                form.partner_country.data,
                form.services_requested.data or [],
                form.sent_on.data,
                include_identity=form.include_identity.data,
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("Referral recorded."))
            return redirect(url_for("referrals.referrals", client_id=client.id))
    return _form_page("referrals/refer_external.html", client, form), form_errors(form)


def _organisation_id(value: str | None) -> uuid.UUID | None:
    """None when nothing was chosen (the service asks for a choice); an id that cannot
    be one is "not found", like an id of no organisation."""
    if not value:
        return None
    organisation_id = parse_uuid(value)
    if organisation_id is None:
        raise NotFound(N_("No such organisation."))
    return organisation_id


def _form_page(
    template: str, client: Client, form: PlatformReferralForm | ExternalReferralForm
) -> str:
    if request.method == "GET":
        form.sent_on.data = _today()
    return render_template(template, active_tab="referrals", client=client, form=form)


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>")
@requires(Permission.casework)
def referral(client_id: uuid.UUID, referral_id: uuid.UUID) -> str:
    client = get_client(db(), actor(), client_id)
    row = service.get_referral(db(), actor(), referral_id, client.id)
    return _detail(client, row, ResponseForm(), CompleteForm())


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/response", methods=["POST"])
@requires(Permission.casework)
def record_response(client_id: uuid.UUID, referral_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    row = service.get_referral(db(), actor(), referral_id, client.id)
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            receiving.respond_to_referral(
                db(), actor(), row, form.decision.data or "", form.responded_on.data
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("Answer recorded."))
            return redirect(url_for("referrals.referrals", client_id=client.id))
    return _detail(client, row, form, CompleteForm(formdata=None)), form_errors(form)


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/complete", methods=["POST"])
@requires(Permission.casework)
def complete(client_id: uuid.UUID, referral_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    row = service.get_referral(db(), actor(), referral_id, client.id)
    form = CompleteForm()
    if form.validate_on_submit():
        service.complete_referral(db(), actor(), row, form.outcome.data)
        flash(_("Referral completed."))
        return redirect(url_for("referrals.referrals", client_id=client.id))
    return _detail(client, row, ResponseForm(formdata=None), form), form_errors(form)


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/cancel", methods=["POST"])
@requires(Permission.casework)
def cancel(client_id: uuid.UUID, referral_id: uuid.UUID) -> Response:
    client = get_client(db(), actor(), client_id)
    row = service.get_referral(db(), actor(), referral_id, client.id)
    if ActionForm().validate_on_submit():
        service.cancel_referral(db(), actor(), row)
        flash(_("Referral cancelled."))
    return redirect(url_for("referrals.referrals", client_id=client.id))


@bp.route("/referrals/incoming")
@requires(Permission.casework)
def incoming() -> str:
    return _inbox(ResponseForm(), None)


@bp.route("/referrals/incoming/<uuid:referral_id>/respond", methods=["POST"])
@requires(Permission.casework)
def respond(referral_id: uuid.UUID) -> Response | tuple[str, int]:
    receiving.get_incoming(db(), actor(), referral_id)  # another organisation's id: 404
    form = ResponseForm()
    if form.validate_on_submit():
        try:
            taken = receiving.answer_incoming(
                db(),
                actor(),
                referral_id,
                form.decision.data or "",
                form.responded_on.data,
                take_on=form.take_on.data,
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            return _after_taking_on(taken) if taken else _back_to_inbox(_("Answer sent."))
    return _inbox(form, referral_id), form_errors(form)


@bp.route("/referrals/incoming/<uuid:referral_id>/take-on", methods=["POST"])
@requires(Permission.casework)
def take_on(referral_id: uuid.UUID) -> Response:
    row = receiving.get_incoming(db(), actor(), referral_id)
    if ActionForm().validate_on_submit():
        return _after_taking_on(receiving.take_on_referral(db(), actor(), row))
    return redirect(url_for("referrals.incoming"))


def _after_taking_on(client: Client) -> Response:
    flash(_("Registered as client %(code)s.", code=client.code))
    return redirect(url_for("clients.overview", client_id=client.id))


def _back_to_inbox(message: str) -> Response:
    flash(message)
    return redirect(url_for("referrals.incoming"))


def _today() -> date:
    return utcnow().date()


def _labels() -> dict[str, object]:
    return {
        "status_labels": STATUS_LABELS,
        "kind_labels": PARTNER_KIND_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "service_labels": CATEGORY_LABELS,
        "org_kind_labels": KIND_LABELS,
        "gender_labels": GENDER_LABELS,
        "age_band_labels": AGE_BAND_LABELS,
        "exploitation_labels": EXPLOITATION_LABELS,
        "today": _today(),
    }


def _organisations(rows: list[Referral]) -> dict[uuid.UUID, Organisation]:
    """Names of the platform partners named by these rows (a global table, not client data)."""
    ids = {r.partner_organisation_id for r in rows if r.partner_organisation_id}
    found = (db().get(Organisation, i) for i in ids)
    return {org.id: org for org in found if org is not None}


def _detail(client: Client, row: Referral, response: ResponseForm, done: CompleteForm) -> str:
    if response.responded_on.data is None and not response.errors:
        response.responded_on.data = _today()
    return render_template(
        "referrals/detail.html",
        **_labels(),
        active_tab="referrals",
        client=client,
        referral=row,
        organisations=_organisations([row]),
        response_form=response,
        complete_form=done,
        action_form=ActionForm(),
        external=row.partner_kind in service.EXTERNAL_KINDS,
    )


def _inbox(form: ResponseForm, failed: uuid.UUID | None) -> str:
    rows = receiving.incoming_referrals(db(), actor())
    return render_template(
        "referrals/incoming.html",
        **_labels(),
        referrals=rows,
        organisations=_organisations(rows),
        form=form,
        failed=failed,
        action_form=ActionForm(),
    )
