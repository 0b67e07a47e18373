"""HTML views of the referrals domain: the client's referrals tab, sending, the sender's
follow-up, and the receiving organisation's inbox.

Every id in a URL is looked up inside the signed-in organisation: another organisation's
client or referral is "not found", like a missing one. The inbox shows only what the
referral carried.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
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
from app.errors import NotFound
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
from app.referrals.inputs import ExternalReferral, PlatformReferral, ReferralAnswer
from app.referrals.models import Referral
from app.tenants.models import Organisation
from app.web.forms import Page, form_input, handle_form
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
def refer_on_platform(client_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    form = PlatformReferralForm()

    def send() -> Referral:
        chosen = _organisation_id(form.organisation_id.data)
        data = replace(form_input(form, PlatformReferral), organisation_id=chosen)
        return service.refer_to_platform_organisation(db(), actor(), client.id, data)

    return handle_form(
        form,
        send,
        page=lambda form: _platform_page(client, form),
        done=_("Referral sent."),
        then=url_for("referrals.referrals", client_id=client.id),
    )


def _platform_page(client: Client, form: PlatformReferralForm) -> str:
    partners = service.referral_partners(db(), actor())
    form.organisation_id.choices = [("", _("Choose an organisation"))] + [
        (str(o.id), f"{o.name} ({KIND_LABELS.get(o.kind, o.kind)})") for o in partners
    ]
    return _form_page("referrals/refer_platform.html", client, form)


@bp.route("/clients/<uuid:client_id>/referrals/external", methods=["GET", "POST"])
@requires(Permission.casework)
def refer_externally(client_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    form = ExternalReferralForm()
    return handle_form(
        form,
        lambda: service.refer_externally(
            db(), actor(), client.id, form_input(form, ExternalReferral)
        ),
        page=lambda form: _form_page("referrals/refer_external.html", client, form),
        done=_("Referral recorded."),
        then=url_for("referrals.referrals", client_id=client.id),
    )


def _client_and_referral(client_id: uuid.UUID, referral_id: uuid.UUID) -> tuple[Client, Referral]:
    """The client and one of their referrals; another organisation's either is a 404."""
    client = get_client(db(), actor(), client_id)
    return client, service.get_referral(db(), actor(), referral_id, client.id)


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
    client, row = _client_and_referral(client_id, referral_id)
    return _detail(client, row, ResponseForm(), CompleteForm())


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/response", methods=["POST"])
@requires(Permission.casework)
def record_response(client_id: uuid.UUID, referral_id: uuid.UUID) -> Page:
    client, row = _client_and_referral(client_id, referral_id)
    form = ResponseForm()
    return handle_form(
        form,
        lambda: receiving.respond_to_referral(db(), actor(), row, form_input(form, ReferralAnswer)),
        page=lambda form: _detail(client, row, form, CompleteForm(formdata=None)),
        done=_("Answer recorded."),
        then=url_for("referrals.referrals", client_id=client.id),
    )


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/complete", methods=["POST"])
@requires(Permission.casework)
def complete(client_id: uuid.UUID, referral_id: uuid.UUID) -> Page:
    client, row = _client_and_referral(client_id, referral_id)
    form = CompleteForm()
    return handle_form(
        form,
        lambda: service.complete_referral(db(), actor(), row, form.outcome.data),
        page=lambda form: _detail(client, row, ResponseForm(formdata=None), form),
        done=_("Referral completed."),
        then=url_for("referrals.referrals", client_id=client.id),
    )


@bp.route("/clients/<uuid:client_id>/referrals/<uuid:referral_id>/cancel", methods=["POST"])
@requires(Permission.casework)
def cancel(client_id: uuid.UUID, referral_id: uuid.UUID) -> Response:
    client, row = _client_and_referral(client_id, referral_id)
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
def respond(referral_id: uuid.UUID) -> Page:
    receiving.get_incoming(db(), actor(), referral_id)  # another organisation's id: 404
    form = ResponseForm()
    return handle_form(
        form,
        lambda: receiving.answer_incoming(
            db(), actor(), referral_id, form_input(form, ReferralAnswer)
        ),
        page=lambda form: _inbox(form, referral_id),
        done=_answered,
        then=_after_answer,
    )


@bp.route("/referrals/incoming/<uuid:referral_id>/take-on", methods=["POST"])
@requires(Permission.casework)
def take_on(referral_id: uuid.UUID) -> Response:
    row = receiving.get_incoming(db(), actor(), referral_id)
    if ActionForm().validate_on_submit():
        taken = receiving.take_on_referral(db(), actor(), row)
        flash(_answered(taken))
        return redirect(_after_answer(taken))
    return redirect(url_for("referrals.incoming"))


def _answered(taken: Client | None) -> str:
    if taken is None:
        return str(_("Answer sent."))
    return str(_("Registered as client %(code)s.", code=taken.code))


def _after_answer(taken: Client | None) -> str:
    """The new client's page when the answer took the person on, else the inbox."""
    if taken is None:
        return url_for("referrals.incoming")
    return url_for("clients.overview", client_id=taken.id)


def _today() -> date:
    return actor().today()


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
