"""HTML views of the consent ledger on the client's page: the history in plain words,
recording (the notice shown in the client's language), withdrawing in one action,
receipts, and the audited showing of a scan.

XXX: URLs carry ids only. The notice's language may be in the query string (a coarse fact,
like the client's preferred language); nothing typed about the client is.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app.auth.access import requires
from app.auth.permissions import Permission
from app.clients.models import Client
from app.clients.service import get_client
from app.consent import evidence, receipts, service
from app.consent.forms import (
    BASIS_LABELS,
    CHANNEL_LABELS,
    EVIDENCE_LABELS,
    GROUP_LABELS,
    METHOD_LABELS,
    PURPOSE_LABELS,
    RECEIPT_LABELS,
    RECIPIENT_LABELS,
    STATUS_LABELS,
    ConsentForm,
    ReceiptForm,
    WithdrawForm,
)
from app.consent.inputs import ConsentInput, Scan, Withdrawal
from app.consent.models import NoticeText
from app.consent.notices import NoticeView, find_text, notices_of
from app.consent.reading import add_months
from app.consent.withdrawal import withdraw_consent
from app.errors import NotFound
from app.i18n import N_
from app.tenants.models import Organisation
from app.tenants.service import other_organisations
from app.validation import field_names
from app.web.forms import Page, handle_form
from app.web.i18n import text_direction
from app.web.inputs import allow_upload
from app.web.request import actor, db, parse_uuid

bp = Blueprint("consent", __name__)
allow_upload(
    "consent.record",
    evidence.MAX_SCAN_BYTES + 256 * 1024,
    "evidence_scan",
    evidence.TOO_LARGE,
)


def labels() -> dict[str, Any]:
    return {
        "purpose_labels": PURPOSE_LABELS,
        "group_labels": GROUP_LABELS,
        "recipient_labels": RECIPIENT_LABELS,
        "basis_labels": BASIS_LABELS,
        "method_labels": METHOD_LABELS,
        "evidence_labels": EVIDENCE_LABELS,
        "receipt_labels": RECEIPT_LABELS,
        "channel_labels": CHANNEL_LABELS,
        "status_labels": STATUS_LABELS,
        "direction": text_direction,
        "named_recipients": named_recipients,
    }


def named_recipients(record: Any, organisations: dict[str, str]) -> list[str]:
    """The organisations a record names, on Haven (by name) and off it."""
    gone = _("an organisation no longer on Haven")
    return [organisations.get(o, gone) for o in record.recipient_organisations] + list(
        record.recipient_names
    )


def organisation_names(ids: set[str]) -> dict[str, str]:
    """Names of platform organisations named by records (a global table, not client data)."""
    found = (db().get(Organisation, parse_uuid(i)) for i in ids if parse_uuid(i))
    return {str(org.id): org.name for org in found if org is not None}


def _history_page(client: Client, failed: uuid.UUID | None = None, form: Any = None) -> str:
    views = service.consent_history(db(), actor(), client.id)
    named = {o for v in views for o in v.record.recipient_organisations}
    return render_template(
        "consent/tab.html",
        **labels(),
        active_tab="consent",
        client=client,
        views=views,
        organisations=organisation_names(named),
        withdraw_form=form if form is not None else WithdrawForm(formdata=None),
        failed=failed,
        receipt_form=ReceiptForm(formdata=None),
    )


@bp.route("/clients/<uuid:client_id>/consent")
@requires(Permission.casework)
def history(client_id: uuid.UUID) -> str:
    return _history_page(get_client(db(), actor(), client_id))


def _chosen_text(client: Client, choices: list[NoticeView], form: ConsentForm) -> NoticeText:
    """The notice version shown: the one posted, else the one asked for in the query
    string, else the first notice in the client's preferred language."""
    if form.is_submitted():
        notice_id, language = parse_uuid(form.notice_id.data or ""), form.notice_language.data
        version = form.notice_version.data or ""
        if notice_id and language and version.isdecimal():
            posted = find_text(db(), notice_id, language, int(version))
            if posted is not None:
                return posted
    wanted = parse_uuid(request.args.get("notice", ""))
    view = next((v for v in choices if v.notice.id == wanted), choices[0])
    language = request.args.get("lang") or client.preferred_language or "en"
    return _best_language(view, language)


def _best_language(view: NoticeView, language: str) -> NoticeText:
    for tag in (language, language.split("-")[0], "en"):
        if tag in view.current:
            return view.current[tag]
    return next(iter(view.current.values()))


def _consent_input(form: ConsentForm) -> ConsentInput:
    values = {name: form[name].data for name in field_names(ConsentInput) if name in form}
    upload = form.evidence_scan.data
    values["evidence_scan"] = (
        Scan(upload.read(), upload.filename)
        if isinstance(upload, FileStorage) and upload.filename
        else None
    )
    return ConsentInput(**values)


def _prefill(form: ConsentForm, client: Client, text: NoticeText) -> None:
    form.notice_id.data, form.notice_language.data = str(text.notice_id), text.language
    form.notice_version.data = str(text.version)
    if form.is_submitted():
        return
    today = actor().today()
    form.language.data = client.preferred_language or text.language
    form.expires_on.data = add_months(today, service.maximum_months(db()))
    form.recipient_types.data = ["partner_ngo"]
    old = parse_uuid(request.args.get("renew", ""))
    if old is not None:
        _prefill_renewal(form, client, old)


def _prefill_renewal(form: ConsentForm, client: Client, record_id: uuid.UUID) -> None:
    record = service.get_record(db(), actor(), client.id, record_id).record
    form.supersedes.data = str(record.id)
    for name in ("purposes", "field_groups", "recipient_types", "recipient_organisations"):
        form[name].data = list(getattr(record, name))
    form.recipient_names.data = "\n".join(record.recipient_names)
    form.legal_basis.data, form.legal_reference.data = record.legal_basis, record.legal_reference
    form.language.data = record.language


@bp.route("/clients/<uuid:client_id>/consent/new", methods=["GET", "POST"])
@requires(Permission.record_consent)
def record(client_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    choices = notices_of(db(), actor())
    form = ConsentForm()
    text = _chosen_text(client, choices, form)
    _prefill(form, client, text)
    partners = other_organisations(db(), actor())
    form.recipient_organisations.choices = [(str(o.id), o.name) for o in partners]

    def page(_form: Any) -> str:
        return render_template(
            "consent/record.html",
            **labels(),
            active_tab="consent",
            client=client,
            form=form,
            text=text,
            notices=choices,
        )

    return handle_form(
        form,
        lambda: service.record_consent(db(), actor(), client.id, _consent_input(form)),
        page=page,
        then=url_for("consent.history", client_id=client.id),
        done=_("Consent recorded."),
    )


@bp.route("/clients/<uuid:client_id>/consent/<uuid:record_id>/withdraw", methods=["POST"])
@requires(Permission.record_consent)
def withdraw(client_id: uuid.UUID, record_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    service.get_record(db(), actor(), client.id, record_id)  # another client's: 404
    form = WithdrawForm()
    return handle_form(
        form,
        lambda: withdraw_consent(
            db(), actor(), client.id, record_id, Withdrawal(form.channel.data)
        ),
        page=lambda f: _history_page(client, record_id, f),
        then=url_for("consent.history", client_id=client.id),
        done=_("Consent withdrawn. It can no longer be used."),
        fallback="channel",
    )


def _download(data: bytes, media_type: str, filename: str) -> Response:
    response = make_response(data)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/clients/<uuid:client_id>/consent/<uuid:record_id>/receipt", methods=["POST"])
@requires(Permission.record_consent)
def receipt(client_id: uuid.UUID, record_id: uuid.UUID) -> Response:
    form = ReceiptForm()
    if not form.validate_on_submit():
        raise NotFound(N_("No such consent record."))
    data, name = receipts.print_receipt(db(), actor(), client_id, record_id, form.kind.data)
    return _download(data, "application/pdf", name)


@bp.route("/clients/<uuid:client_id>/consent/<uuid:record_id>/scan", methods=["POST"])
@requires(Permission.reveal_identity)
def scan(client_id: uuid.UUID, record_id: uuid.UUID) -> Response:
    """The sealed scan, opened once (audited) and sent as a download, never cached."""
    client = get_client(db(), actor(), client_id)
    if not ReceiptForm().validate_on_submit():
        raise NotFound(N_("No such scan."))
    data, media_type = evidence.reveal_scan(db(), actor(), client.id, record_id)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[media_type]
    return _download(data, media_type, f"scan-{str(record_id)[:8]}.{extension}")
