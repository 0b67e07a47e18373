"""HTML views of the assistance domain: the client's services tab with the record-service
form, corrections, group intake, anonymous contacts (the grant and service-type settings
are in ``settings_views``, on the same blueprint).

URLs carry ids and dates only, never client identity; the services tab shows the pseudonym.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.assistance import contacts as contact_service
from app.assistance import corrections, forms, service
from app.assistance import grants as catalogue
from app.assistance import group as group_service
from app.assistance.inputs import (
    CORRECTION_FIELDS,
    Changes,
    ContactInput,
    CorrectionInput,
    ServiceInput,
)
from app.assistance.models import AssistanceRecord
from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.clients.models import Client
from app.clients.service import get_client
from app.taxonomy import AgeBand, Gender, ServiceOutcome
from app.web.forms import form_input, handle_form
from app.web.pickers import COMMON_LANGUAGES, language_name
from app.web.request import actor, db

bp = Blueprint("assistance", __name__)

Page = Response | str | tuple[str, int]


@bp.route("/clients/<uuid:client_id>/services", methods=["GET", "POST"])
@requires(Permission.casework)
def services(client_id: uuid.UUID) -> Page:
    if request.method == "POST":
        return _record(client_id)
    client = get_client(db(), actor(), client_id)
    form = forms.RecordServiceForm(data=_service_defaults(client.preferred_language))
    return _services_page(client, form)


def _record(client_id: uuid.UUID) -> Page:
    """``record_service`` reads the client (404 for any other organisation's id) with its
    open case; a refused form shows the page again, the client already in the session."""
    form = forms.RecordServiceForm()
    return handle_form(
        form,
        lambda: service.record_service(db(), actor(), client_id, form_input(form, ServiceInput)),
        page=lambda form: _services_page(get_client(db(), actor(), client_id), form),
        done=_("Service recorded."),
        then=lambda _recorded: _after_record(client_id, form),
    )


def _after_record(client_id: uuid.UUID, form: forms.RecordServiceForm) -> str:
    if form.record_another.data:
        # Keep the date: a caseworker catching up records a day's services in a row.
        on = form.started_on.data.isoformat()
        return url_for(".services", client_id=client_id, on=on, _anchor="record")
    return url_for(".services", client_id=client_id, _anchor="history")


def _services_page(client: Client, form: forms.RecordServiceForm) -> str:
    number = request.args.get("page", 1, type=int)
    page = service.list_services(db(), actor(), client.id, page=number)
    subtypes, grants = _catalogue_choices(form)
    return render_template(
        "assistance/services.html",
        client=client,
        active_tab="services",
        form=form,
        page=page,
        records=page.records,
        subtype_names={s.id: s.name for s in subtypes},
        grant_codes={g.id: g.code for g in grants},
        languages=_language_options([client.preferred_language, *client.languages]),
        labels=_labels(),
        action=ActionForm(),
    )


@bp.route("/clients/<uuid:client_id>/services/<uuid:record_id>/notes", methods=["POST"])
@requires(Permission.casework)
def reveal_notes(client_id: uuid.UUID, record_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".services", client_id=client.id))
    notes = service.reveal_service_notes(db(), actor(), client.id, record_id)
    return render_template(
        "assistance/notes.html", client=client, active_tab="services", notes=notes
    )


@bp.route("/clients/<uuid:client_id>/services/<uuid:record_id>/edit", methods=["GET", "POST"])
@requires(Permission.casework)
def correct(client_id: uuid.UUID, record_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    record = corrections.changeable_service(db(), actor(), client.id, record_id)
    if request.method == "POST":
        form = forms.CorrectServiceForm()
    else:
        form = forms.CorrectServiceForm(data=_record_values(record))

    def page(form: forms.CorrectServiceForm) -> str:
        _catalogue_choices(form, kept=record.subtype_id)
        return render_template(
            "assistance/correct.html",
            client=client,
            active_tab="services",
            form=form,
            record=record,
            languages=_language_options([client.preferred_language, *client.languages]),
        )

    return handle_form(
        form,
        lambda: corrections.correct_service(db(), actor(), client.id, record.id, _correction(form)),
        page=page,
        done=lambda done: _("Service corrected.") if done.changed else _("Nothing was changed."),
        then=url_for(".services", client_id=client.id, _anchor="history"),
    )


@bp.route("/clients/<uuid:client_id>/services/<uuid:record_id>/remove", methods=["GET", "POST"])
@requires(Permission.casework)
def remove(client_id: uuid.UUID, record_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    record = corrections.changeable_service(db(), actor(), client.id, record_id)
    form = forms.RemoveServiceForm()
    return handle_form(
        form,
        lambda: corrections.remove_service(db(), actor(), client.id, record.id, form.reason.data),
        page=lambda form: render_template(
            "assistance/remove.html",
            client=client,
            active_tab="services",
            form=form,
            record=record,
            labels=_labels(),
        ),
        done=_("Service record removed."),
        then=url_for(".services", client_id=client.id, _anchor="history"),
    )


@bp.route("/services/group", methods=["GET", "POST"])
@requires(Permission.casework)
def group() -> Page:
    if request.method == "POST":
        form = forms.GroupServiceForm()
    else:
        form = forms.GroupServiceForm(data=_service_defaults(None))

    def record() -> list[AssistanceRecord]:
        ids = group_service.find_clients(db(), actor(), form.clients.data or "")
        data = form_input(form, ServiceInput)
        return group_service.record_group_service(db(), actor(), ids, data)

    def page(form: forms.GroupServiceForm) -> str:
        _catalogue_choices(form)
        return render_template(
            "assistance/group.html", form=form, languages=_language_options([]), labels=_labels()
        )

    return handle_form(
        form,
        record,
        page=page,
        done=lambda records: ngettext("Service recorded for %(num)d client.",
                                      "Service recorded for %(num)d clients.", len(records)),
        then=url_for(".group"),
    )  # fmt: skip


@bp.route("/contacts", methods=["GET", "POST"])
@requires(Permission.casework)
def contacts() -> Page:
    if request.method == "POST":
        form = forms.AnonymousContactForm()
    else:
        form = forms.AnonymousContactForm(data=_contact_defaults())
    return handle_form(
        form,
        lambda: contact_service.record_anonymous_contact(
            db(), actor(), form_input(form, ContactInput)
        ),
        page=_contacts_page,
        done=_("Contact recorded."),
        then=lambda _contact: _after_contact(form),
    )


def _after_contact(form: forms.AnonymousContactForm) -> str:
    # Keep the date for the next call of the same shift.
    on = form.occurred_on.data.isoformat() if form.record_another.data else None
    return url_for(".contacts", on=on, _anchor="record")


def _contacts_page(form: forms.AnonymousContactForm) -> str:
    start, end = _period()
    return render_template(
        "assistance/contacts.html",
        form=form,
        rows=contact_service.list_anonymous_contacts(db(), actor(), start, end),
        total=contact_service.count_anonymous_contacts(db(), actor(), start, end),
        start=start,
        end=end,
        languages=_language_options([]),
        labels=_labels(),
    )


@bp.app_template_filter("assistance_number")
def _number(value: Decimal) -> str:
    """1.00 as 1, 2.50 as 2.5, 100 as 100 (not 1E+2)."""
    return f"{value.normalize():f}"


def _today() -> date:
    return actor().today()


def _day_arg(name: str) -> date | None:
    try:
        value = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return value if value <= actor().today() else None


def _service_defaults(language: str | None) -> dict[str, Any]:
    return {
        "started_on": _day_arg("on") or _today(),
        "quantity": 1,
        "outcome": ServiceOutcome.delivered.value,
        "language": language or "",
    }


def _record_values(record: AssistanceRecord) -> dict[str, Any]:
    """The edit form's initial values: the record's, never its notes (they stay sealed)."""
    return {
        **corrections.recorded_fields(record),
        "subtype_id": str(record.subtype_id or ""),
        "grant_id": str(record.grant_id or ""),
        "language": record.language or "",
        "currency": record.currency or "",
        "quantity": Decimal(_number(record.quantity)),
        "cost": None if record.cost is None else Decimal(_number(record.cost)),
    }


def _correction(form: forms.CorrectServiceForm) -> Changes[CorrectionInput]:
    fields = CORRECTION_FIELDS
    if not (form.notes.data or "").strip():
        # An empty notes box keeps the sealed notes; only the "clear the notes" box clears.
        fields -= {"notes"}
    return Changes(form_input(form, CorrectionInput), fields)


def _contact_defaults() -> dict[str, Any]:
    return {
        "occurred_on": _day_arg("on") or _today(),
        "gender": Gender.not_stated.value,
        "age_band": AgeBand.unknown.value,
    }


def _period() -> tuple[date, date]:
    """The contacts page's filter; dates typed the wrong way round are read as meant
    (a filter is not a record: nothing to refuse)."""
    end = _day_arg("to") or _today()
    start = _day_arg("from") or end - timedelta(days=29)
    return min(start, end), max(start, end)


def _catalogue_choices(
    form: forms.ServiceFieldsForm, kept: uuid.UUID | None = None
) -> tuple[list[Any], list[Any]]:
    """The organisation's subtypes and grants as choices (two queries, on render only).
    Retired subtypes are not offered, except ``kept`` (the one a corrected record has);
    all are returned, so that old records still show their type's name."""
    subtypes = catalogue.list_subtypes(db(), actor())
    grants = catalogue.list_grants(db(), actor())
    labels = forms.CATEGORY_LABELS
    offered = [s for s in subtypes if s.retired_at is None or s.id == kept]
    form.subtype_id.choices = [("", _("None"))] + [
        (str(s.id), f"{labels[s.category]}: {s.name}") for s in offered
    ]
    form.grant_id.choices = [("", _("No grant"))] + [
        (str(g.id), f"{g.code} ({g.name})") for g in grants
    ]
    return subtypes, grants


def _language_options(first: list[str | None]) -> list[tuple[str, str]]:
    """Tags for the language box's suggestions, named in the user's language: the
    client's own first, then the common ones."""
    locale = str(get_locale())
    tags = dict.fromkeys([t for t in first if t] + list(COMMON_LANGUAGES))
    return [(tag, language_name(tag, locale)) for tag in tags]


def _labels() -> dict[str, Any]:
    return {
        "category": forms.CATEGORY_LABELS,
        "unit": forms.UNIT_LABELS,
        "outcome": forms.OUTCOME_LABELS,
        "channel": forms.CHANNEL_LABELS,
        "gender": forms.GENDER_LABELS,
        "age_band": forms.AGE_BAND_LABELS,
    }
