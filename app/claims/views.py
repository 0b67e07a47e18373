"""HTML views of the claims domain: the client's claims tab, filing, status changes.

Every id in a URL is looked up inside the signed-in organisation (``get_client``,
``get_claim``): another organisation's client or claim is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.auth.access import requires
from app.auth.permissions import Permission
from app.claims import service
from app.claims.forms import (
    DEFENDANT_LABELS,
    ROUTE_LABELS,
    STATUS_LABELS,
    ClaimStatusForm,
    FileClaimForm,
)
from app.claims.models import Claim
from app.clients.models import Client
from app.clients.service import get_client
from app.db.base import utcnow
from app.errors import Conflict, ValidationFailed
from app.tenants.models import Organisation
from app.web.forms import form_errors, show_errors
from app.web.request import actor, db

bp = Blueprint("claims", __name__)


@bp.route("/clients/<uuid:client_id>/claims", methods=["GET", "POST"])
@requires(Permission.casework)
def claims(client_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    form = FileClaimForm()
    if request.method == "GET":
        org = db().get(Organisation, actor().tenant_id)
        form.currency.data = service.default_currency(org.country if org else "")
    if form.validate_on_submit():
        try:
            service.file_claim(
                db(),
                actor(),
                client.id,
                route=form.route.data,
                defendant_type=form.defendant_type.data,
                currency=form.currency.data or "",
                amount_claimed=form.amount_claimed.data,
                filed_on=form.filed_on.data,
            )
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("Claim recorded."))
            return redirect(url_for("claims.claims", client_id=client.id))
    return _tab(client, form), form_errors(form)


@bp.route("/clients/<uuid:client_id>/claims/<uuid:claim_id>/status", methods=["GET", "POST"])
@requires(Permission.casework)
def change_status(client_id: uuid.UUID, claim_id: uuid.UUID) -> Response | tuple[str, int]:
    client = get_client(db(), actor(), client_id)
    claim = service.get_claim(db(), actor(), client.id, claim_id)
    form = ClaimStatusForm()
    form.status.choices = [
        (s.value, STATUS_LABELS[s]) for s in STATUS_LABELS if s in service.TRANSITIONS[claim.status]
    ]
    if request.method == "GET":
        form.changed_on.data = utcnow().date()
    if request.method == "POST" and service.is_closed(claim):
        raise Conflict(service.CLOSED)  # the page shows no form for it; a stale one gets this
    if form.validate_on_submit():
        update = service.StatusUpdate(
            status=form.status.data,
            changed_on=form.changed_on.data,
            amount_awarded=form.amount_awarded.data,
            amount_paid=form.amount_paid.data,
            decided_on=form.decided_on.data,
            paid_on=form.paid_on.data,
        )
        try:
            service.update_claim_status(db(), actor(), claim, update)
        except ValidationFailed as error:
            show_errors(form, error)
        else:
            flash(_("Claim status saved."))
            return redirect(url_for("claims.claims", client_id=client.id))
    history = service.history_of(db(), [claim.id])[claim.id]
    page = render_template(
        "claims/status.html",
        **_labels(),
        active_tab="claims",
        client=client,
        claim=claim,
        history=history,
        form=form,
        closed=service.CLOSED if service.is_closed(claim) else None,
    )
    return page, form_errors(form)


def _tab(client: Client, form: FileClaimForm) -> str:
    rows = service.claims_of(db(), actor(), client.id)
    return render_template(
        "claims/tab.html",
        **_labels(),
        active_tab="claims",
        client=client,
        claims=rows,
        history=service.history_of(db(), [c.id for c in rows]),
        form=form,
    )


def _labels() -> dict[str, object]:
    return {
        "route_labels": ROUTE_LABELS,
        "defendant_labels": DEFENDANT_LABELS,
        "status_labels": STATUS_LABELS,
        "money": _money,
        "can_change": lambda claim: bool(service.TRANSITIONS[claim.status]),
    }


def _money(amount: Decimal | None, claim: Claim) -> str:
    return "—" if amount is None else format_currency(amount, claim.currency)
