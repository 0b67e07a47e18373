"""HTML views of the clients domain: list and search, intake, overview with reveal, identity
and facts editing, erasure.

XXX: URLs and page titles carry the client id and pseudonym code only. Searches and
reveals are POSTed and answered in that response (never redirected to a URL holding the
value), and every page is sent with ``Cache-Control: no-store`` (app.web.security).
"""

from __future__ import annotations

import uuid
from typing import Any, NamedTuple

from flask import (
    Blueprint,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.clients import duplicates, service
from app.clients.forms import (
    IDENTITY_LABELS,
    LABELS,
    EraseForm,
    FactsForm,
    IdentityForm,
    IntakeForm,
    SearchForm,
    country_name,
    region_name,
)
from app.clients.models import Client
from app.clients.validation import ClientFacts, ClientIntake
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.web.forms import form_errors, form_input, handle_form, submit
from app.web.i18n import translated_tables
from app.web.request import actor, db

bp = Blueprint("clients", __name__)
View = Response | str | tuple[str, int]


def _display() -> dict[str, Any]:
    """Label lookups for the client page (the list resolves its cells in _list_lines)."""
    return {
        "labels": translated_tables(LABELS),
        "country_name": country_name,
        "region_name": region_name,
    }


class ListLine(NamedTuple):
    """One row of the list page, every cell already a string in the reader's language."""

    href: str
    code: str
    erased: bool
    registered: str
    gender: str
    age_band: str
    is_minor: bool
    region: str
    victim_status: str


def _list_lines(page: service.ClientPage) -> list[ListLine]:
    """Cells resolved in one Python pass: a page has 50 rows, and a Jinja call or filter
    per cell was a third of the page's time."""
    labels = translated_tables(LABELS)
    genders, bands, statuses = labels["gender"], labels["age_band"], labels["victim_status"]
    unknown = _("Unknown")
    regions = {r: region_name(r) or unknown for r in {row.nationality_region for row in page.rows}}
    base = url_for("clients.index")
    return [
        ListLine(
            f"{base}/{row.id}",
            row.code,
            row.erased,
            row.created_at.date().isoformat(),
            genders[row.gender],
            bands[row.age_band],
            row.is_minor,
            regions[row.nationality_region],
            statuses[row.victim_status],
        )
        for row in page.rows
    ]


def _list_page(form: SearchForm, results: list[Client] | None = None) -> str:
    args = request.args
    page = service.list_clients(
        db(),
        actor(),
        args.get("page", 1, type=int),
        after=service.ListCursor.parse(args.get("after")),
        before=service.ListCursor.parse(args.get("before")),
    )
    return render_template(
        "clients/index.html",
        page=page,
        lines=_list_lines(page),
        form=form,
        search_fields=None if form.is_submitted() else _untouched_search_fields(form),
        results=results,
    )


#: locale -> the HTML of the untouched search fields (the CSRF token is rendered apart).
_SEARCH_FIELDS: dict[str, Markup] = {}


def _untouched_search_fields(form: SearchForm) -> Markup:
    """Rendering the two WTForms fields was a tenth of the list page's time, and with no
    input and no errors they come out the same for every request in a language."""
    locale = str(get_locale())
    found = _SEARCH_FIELDS.get(locale)
    if found is None:
        fields_of = get_template_attribute("clients/_search_fields.html", "fields_of")
        found = fields_of(form)
        assert isinstance(found, Markup), "an autoescaped macro returns Markup"
        _SEARCH_FIELDS[locale] = found
    return found


@bp.route("/clients")
@requires(Permission.casework)
def index() -> str:
    return _list_page(SearchForm())


@bp.route("/clients/search", methods=["POST"])
@requires(Permission.casework)
def search() -> View:
    form = SearchForm()
    found = submit(form, lambda: _search(form.kind.data, form.value.data))
    return _list_page(form, found.value if found else None), form_errors(form)


def _search(kind: str, value: str) -> list[Client]:
    if kind == "code":
        try:
            return [service.find_by_code(db(), actor(), value)]
        except NotFound:
            return []
    return service.search_identity(db(), actor(), kind, value)


@bp.route("/clients/new", methods=["GET", "POST"])
@requires(Permission.casework)
def new() -> View:
    """Intake. Before registering, a probable second record of someone already here, or
    an intake with nothing filled in, is shown back with the typed values kept; the
    caseworker opens the existing client or presses "register anyway"."""
    form = IntakeForm()
    intake = None
    if form.validate_on_submit():
        intake = ClientIntake(form_input(form, ClientFacts), form.identity())
        if not form.confirmed.data:
            warnings = duplicates.intake_warnings(db(), actor(), intake)
            if warnings:
                return render_template("clients/new.html", form=form, warnings=warnings)
    return handle_form(
        form,
        lambda: service.register_client(db(), actor(), intake or ClientIntake()),
        page=lambda f: render_template("clients/new.html", form=f, warnings=None),
        then=lambda client: url_for("clients.overview", client_id=client.id),
        done=lambda client: _("Client %(code)s registered.", code=client.code),
    )


@bp.route("/clients/<uuid:client_id>")
@requires(Permission.casework)
def overview(client_id: uuid.UUID) -> str:
    return _overview(service.get_client(db(), actor(), client_id))


def _overview(client: Client, revealed: tuple[str, str | None] | None = None) -> str:
    return render_template(
        "clients/overview.html",
        client=client,
        active_tab="overview",
        sealed=service.sealed_fields(client),
        field_labels=IDENTITY_LABELS,
        revealed=revealed,
        action=ActionForm(),
        **_display(),
    )


@bp.route("/clients/<uuid:client_id>/reveal", methods=["POST"])
@requires(Permission.casework)
def reveal(client_id: uuid.UUID) -> View:
    """The value is shown in this response only: nothing to bookmark, nothing cached."""
    client = service.get_client(db(), actor(), client_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("clients.overview", client_id=client.id))
    field = request.form.get("field", "")
    value = service.reveal_field(db(), actor(), client.id, field)
    return _overview(client, revealed=(field, value))


@bp.route("/clients/<uuid:client_id>/identity", methods=["GET", "POST"])
@requires(Permission.casework)
def identity(client_id: uuid.UUID) -> View:
    client = service.get_client(db(), actor(), client_id)
    form = IdentityForm()
    return handle_form(
        form,
        lambda: service.update_identity(db(), actor(), client.id, form.changes()),
        page=lambda f: render_template(
            "clients/identity.html",
            client=client,
            active_tab="overview",
            form=f,
            sealed=service.sealed_fields(client),
        ),
        then=url_for("clients.overview", client_id=client.id),
        done=_("Identity saved."),
    )


@bp.route("/clients/<uuid:client_id>/facts", methods=["GET", "POST"])
@requires(Permission.casework)
def facts(client_id: uuid.UUID) -> View:
    client = service.editable_client(db(), actor(), client_id)
    form = FactsForm(data=_facts_data(client) if request.method == "GET" else None)
    return handle_form(
        form,
        lambda: service.update_client_facts(
            db(), actor(), client.id, form_input(form, ClientFacts)
        ),
        page=lambda f: render_template(
            "clients/facts.html", client=client, active_tab="overview", form=f
        ),
        then=url_for("clients.overview", client_id=client.id),
        done=_("Facts saved."),
    )


def _facts_data(client: Client) -> dict[str, Any]:
    data = service.current_facts(client).__dict__.copy()
    data["languages"] = ", ".join(client.languages)
    data["nationality"] = client.nationality or ""
    return data


@bp.route("/clients/<uuid:client_id>/erase", methods=["GET", "POST"])
@requires(Permission.erase_client)
def erase(client_id: uuid.UUID) -> View:
    client = service.get_client(db(), actor(), client_id)
    form = EraseForm()
    return handle_form(
        form,
        lambda: _erase(client, form.confirm_code.data),
        page=lambda f: render_template(
            "clients/erase.html", client=client, active_tab="overview", form=f
        ),
        then=url_for("clients.overview", client_id=client.id),
        done=_("Client %(code)s was erased.", code=client.code),
    )


def _erase(client: Client, typed_code: str) -> None:
    """Typing the client's code confirms that this is the client meant."""
    if typed_code.strip().upper() != client.code:
        raise ValidationFailed({"confirm_code": [N_("This is not the client's code.")]})
    service.erase_client(db(), actor(), client.id)
