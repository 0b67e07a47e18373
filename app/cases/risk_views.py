"""HTML views of the risk register: the client's risks tab (add, review, close, reveal
notes) and the organisation's "reviews due" list. Registered on :data:`views.bp`.

Risk notes are never on the tab: "Reveal notes" is a POST (so it is neither a link in the
browser history nor prefetched) whose answer is a separate page, audited by the service.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.cases import forms, risks
from app.cases.inputs import RiskInput, RiskReview
from app.cases.service import cases_of, current_case
from app.cases.views import CASE, bp
from app.clients.service import get_client
from app.db.base import utcnow
from app.web.forms import Page, form_input, handle_form
from app.web.request import actor, db

#: The default interval until a risk's next review.
REVIEW_AFTER = timedelta(days=28)


def _labels() -> dict[str, object]:
    return {"risk_labels": forms.RISK_LABELS, "level_labels": forms.LEVEL_LABELS}


@bp.route("/clients/<uuid:client_id>/risks")
@requires(Permission.casework)
def risks_tab(client_id: uuid.UUID) -> str:
    return _risks_page(client_id)


def _risks_page(client_id: uuid.UUID, failed: forms.RiskForm | None = None) -> str:
    client = get_client(db(), actor(), client_id)
    today = utcnow().date()
    form = failed or forms.RiskForm(formdata=None, prefix="risk", review_on=today + REVIEW_AFTER)
    return render_template(
        "cases/risks.html",
        active_tab="risks",
        client=client,
        risks=risks.risks_of(db(), actor(), client.id),
        case=current_case(cases_of(db(), actor(), client.id)),
        form=form,
        action=ActionForm(formdata=None),
        is_overdue=lambda risk: risks.is_overdue(risk, today),
        **_labels(),
    )


@bp.post(f"{CASE}/risks")
@requires(Permission.casework)
def add_risk(client_id: uuid.UUID, case_id: uuid.UUID) -> Page:
    get_client(db(), actor(), client_id)  # another organisation's client: 404 before all
    form = forms.RiskForm(prefix="risk")
    return handle_form(
        form,
        lambda: risks.add_risk(db(), actor(), client_id, case_id, form_input(form, RiskInput)),
        page=lambda failed: _risks_page(client_id, failed),
        then=url_for("cases.risks_tab", client_id=client_id),
        done=_("Risk recorded."),
    )


@bp.route("/clients/<uuid:client_id>/risks/<uuid:risk_id>/review", methods=["GET", "POST"])
@requires(Permission.casework)
def review_risk(client_id: uuid.UUID, risk_id: uuid.UUID) -> Page:
    risk = risks.get_risk(db(), actor(), client_id, risk_id)
    form = forms.ReviewRiskForm()
    if request.method == "GET":
        form.level.data = risk.level
        form.review_on.data = utcnow().date() + REVIEW_AFTER
    return handle_form(
        form,
        lambda: risks.review_risk(db(), actor(), client_id, risk.id, form_input(form, RiskReview)),
        page=lambda f: render_template(
            "cases/review.html",
            active_tab="risks",
            client=get_client(db(), actor(), client_id),
            risk=risk,
            form=f,
            **_labels(),
        ),
        then=url_for("cases.risks_tab", client_id=client_id),
        done=_("Review recorded."),
    )


@bp.post("/clients/<uuid:client_id>/risks/<uuid:risk_id>/close")
@requires(Permission.casework)
def close_risk(client_id: uuid.UUID, risk_id: uuid.UUID) -> Response:
    risks.close_risk(db(), actor(), client_id, risk_id)
    flash(_("Risk closed."))
    return redirect(url_for("cases.risks_tab", client_id=client_id))


@bp.post("/clients/<uuid:client_id>/risks/<uuid:risk_id>/reveal")
@requires(Permission.casework)
def reveal_risk_notes(client_id: uuid.UUID, risk_id: uuid.UUID) -> str:
    notes = risks.reveal_risk_notes(db(), actor(), client_id, risk_id)
    return render_template(
        "cases/risk_notes.html",
        active_tab="risks",
        client=get_client(db(), actor(), client_id),
        risk=risks.get_risk(db(), actor(), client_id, risk_id),
        notes=notes,
        **_labels(),
    )


@bp.route("/risks/due")
@requires(Permission.casework)
def reviews_due() -> str:
    today = utcnow().date()
    rows = risks.risks_due(db(), actor(), today)
    return render_template("cases/due.html", rows=rows, today=today, **_labels())
