"""HTML views of the consent ledger at the organisation's level: consents expiring soon,
the notices and their versions, the longest a consent may last, and the inbox of
withdrawals received from organisations that had referred someone here."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext as _

from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.clients.models import Client
from app.consent import notices, service, sharing
from app.consent.forms import NoticeTextForm, SettingsForm
from app.consent.inputs import ConsentSettingsInput, NoticeTextInput
from app.consent.views import bp, labels, organisation_names
from app.web.forms import Page, handle_form
from app.web.i18n import text_direction
from app.web.request import actor, db

#: How far ahead the dashboard looks.
EXPIRING_DAYS = 30


@bp.route("/consent/expiring")
@requires(Permission.record_consent, Permission.read_audit)
def expiring() -> str:
    rows = service.consents_expiring(db(), actor(), EXPIRING_DAYS)
    return render_template("consent/expiring.html", **labels(), rows=rows, days=EXPIRING_DAYS)


def _notices_page(text_form: Any = None, settings_form: SettingsForm | None = None) -> str:
    settings = settings_form or SettingsForm(formdata=None)
    if settings.max_months.data is None:
        settings.max_months.data = str(service.maximum_months(db()))
    return render_template(
        "consent/notices.html",
        **labels(),
        notices=notices.notices_of(db(), actor()),
        settings_form=settings,
    )


@bp.route("/consent/notices")
@requires(*notices.READERS)
def notice_list() -> str:
    return _notices_page()


@bp.route("/consent/settings", methods=["POST"])
@requires(Permission.manage_consent)
def settings() -> Page:
    form = SettingsForm()
    return handle_form(
        form,
        lambda: service.set_maximum_months(
            db(), actor(), ConsentSettingsInput(form.max_months.data)
        ),
        page=lambda f: _notices_page(settings_form=f),
        then=url_for("consent.notice_list"),
        done=_("Saved."),
    )


@bp.route("/consent/notices/<uuid:notice_id>", methods=["GET", "POST"])
@requires(*notices.READERS)
def notice(notice_id: uuid.UUID) -> Page:
    found = notices.get_notice(db(), actor(), notice_id)
    form = NoticeTextForm()
    versions = notices.versions_of(db(), actor(), found.id)

    def page(_form: Any) -> str:
        return render_template(
            "consent/notice.html",
            **labels(),
            notice=found,
            versions=versions,
            form=form,
        )

    return handle_form(
        form,
        lambda: notices.add_notice_text(
            db(),
            actor(),
            found.id,
            NoticeTextInput(form.language.data, form.title.data, form.body.data),
        ),
        page=page,
        then=url_for("consent.notice", notice_id=found.id),
        done=lambda text: _("Saved as version %(version)s.", version=text.version),
    )


@bp.route("/consent/notice-texts/<uuid:text_id>")
@requires(*notices.READERS)
def notice_text(text_id: uuid.UUID) -> str:
    """One exact version, as a record points at it (old versions stay readable)."""
    text = notices.get_text(db(), actor(), text_id)
    return render_template(
        "consent/notice_text.html", text=text, direction=text_direction(text.language)
    )


@bp.route("/consent/withdrawals")
@requires(Permission.casework)
def withdrawals() -> str:
    rows = sharing.withdrawal_notices(db(), actor())
    clients = {
        c.id: c.code
        for c in (db().get(Client, (actor().tenant_id, r.client_id)) for r in rows if r.client_id)
        if c
    }
    return render_template(
        "consent/withdrawals.html",
        **labels(),
        rows=rows,
        clients=clients,
        senders=organisation_names({str(r.sender_organisation_id) for r in rows}),
        action_form=ActionForm(),
    )


@bp.route("/consent/withdrawals/<uuid:notice_id>/acknowledge", methods=["POST"])
@requires(Permission.casework)
def acknowledge(notice_id: uuid.UUID) -> Page:
    form = ActionForm()
    return handle_form(
        form,
        lambda: sharing.acknowledge_notice(db(), actor(), notice_id),
        page=lambda f: withdrawals(),
        then=url_for("consent.withdrawals"),
        done=_("Marked as done."),
    )
