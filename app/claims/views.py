"""HTML views of the claims domain: the client's claims tab, filing, status changes.

Every id in a URL is looked up inside the signed-in organisation (``get_client``,
``get_claim``): another organisation's client or claim is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from flask import Blueprint, render_template, request, url_for
from flask_babel import format_currency
from flask_babel import gettext as _

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
from app.claims.service import ClaimFiling, StatusUpdate
from app.clients.models import Client
from app.clients.service import get_client
from app.db.base import utcnow
from app.errors import Conflict
from app.web.forms import Page, form_input, handle_form
from app.web.request import actor, db

bp = Blueprint("claims", __name__)


@bp.route("/clients/<uuid:client_id>/claims", methods=["GET", "POST"])
@requires(Permission.casework)
def claims(client_id: uuid.UUID) -> Page:
    client = get_client(db(), actor(), client_id)
    form = FileClaimForm()
    if request.method == "GET":
        form.currency.data = service.default_currency(actor().country or "")
    return handle_form(
        form,
        lambda: service.file_claim(db(), actor(), client.id, form_input(form, ClaimFiling)),
        page=lambda f: _tab(client, f),
        then=url_for("claims.claims", client_id=client.id),
        done=_("Claim recorded."),
    )


@bp.route("/clients/<uuid:client_id>/claims/<uuid:claim_id>/status", methods=["GET", "POST"])
@requires(Permission.casework)
def change_status(client_id: uuid.UUID, claim_id: uuid.UUID) -> Page:
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
    return handle_form(
        form,
        lambda: service.update_claim_status(
            db(), actor(), client.id, claim.id, form_input(form, StatusUpdate)
        ),
        page=lambda f: _status_page(client, claim, f),
        then=url_for("claims.claims", client_id=client.id),
        done=_("Claim status saved."),
    )


def _status_page(client: Client, claim: Claim, form: ClaimStatusForm) -> str:
    return render_template(
        "claims/status.html",
        **_labels(),
        active_tab="claims",
        client=client,
        claim=claim,
        history=service.history_of(db(), [claim.id])[claim.id],
        form=form,
        closed=service.CLOSED if service.is_closed(claim) else None,
    )


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
