"""The auditor's workspace (auditors and organisation admins): the access log, the consent
ledger by pseudonym, statistics, checkpoints and bundles; and, for anyone, each
organisation's verifier key at a stable URL and the standalone verifier.

XXX: nothing here shows client content. Clients appear by pseudonym code only; the test
over every route (tests/auditor/test_no_client_content.py) keeps it so.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.audit import verifier
from app.audit.log import verifier_keys, vkey_text
from app.auditor import service
from app.auditor.inputs import BundleQuery, LogQuery
from app.auth.access import requires
from app.auth.forms import ActionForm
from app.auth.permissions import Permission
from app.db.tenancy import acting_in
from app.disclosure.forms import BASES
from app.errors import NotFound
from app.i18n import N_
from app.tenants.models import Organisation
from app.validation import typed_input
from app.web.charts import bar_chart, counts
from app.web.forms import Page, handle_form
from app.web.request import actor, db, settings

bp = Blueprint("auditor", __name__)

#: The verifier file, served unchanged (it imports nothing from Haven).
VERIFIER_SOURCE = Path(verifier.__file__)


@bp.route("/audit/<uuid:organisation_id>/key.vkey")
def public_key(organisation_id: uuid.UUID) -> Response:
    """The organisation's audit verifier keys, current first: public, stable, cacheable."""
    if db().get(Organisation, organisation_id) is None:
        raise NotFound()
    with acting_in(db(), organisation_id):
        text = vkey_text(verifier_keys(db(), settings().audit_host))
    response = Response(text, mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/audit/haven_verify.py")
def verifier_file() -> Response:
    """The standalone offline verifier (standard library and ``cryptography`` only)."""
    response = Response(VERIFIER_SOURCE.read_bytes(), mimetype="text/x-python")
    response.headers["Content-Disposition"] = 'attachment; filename="haven_verify.py"'
    return response


def _labels() -> dict[str, Any]:
    return {"tabs": TABS}


#: The workspace's tabs: (endpoint, label).
TABS = (
    ("auditor.access_log", N_("Access log")),
    ("auditor.consents", N_("Consent ledger")),
    ("auditor.statistics", N_("Statistics")),
    ("auditor.log", N_("Checkpoints and bundles")),
    # The disclosure package's own page: for auditors it shows pseudonym codes only.
    ("disclosure.register_page", N_("Disclosure register")),
)


@bp.route("/audit")
@requires(Permission.read_audit)
def access_log() -> str:
    filters = service.read_log_query(actor(), typed_input(LogQuery, request.args))
    page = service.access_log(db(), actor(), filters)
    return render_template(
        "auditor/access_log.html",
        **_labels(),
        page=page,
        names=service.member_names(db(), actor()),
        actions=service.actions_seen(db(), actor()),
    )


@bp.route("/audit/consents")
@requires(Permission.read_audit)
def consents() -> str:
    return render_template(
        "auditor/consents.html", **_labels(), rows=service.consent_ledger(db(), actor())
    )


@bp.route("/audit/statistics")
@requires(Permission.read_audit)
def statistics() -> str:
    reveals = service.reveals_per_month(db(), actor())
    without_consent = service.disclosures_without_consent(db(), actor())
    chart = bar_chart(
        "reveals-chart",
        _("Sealed values revealed per month, all members"),
        counts(reveals.months, [reveals.total(m) for m in reveals.months]),
    )
    disclosures_chart = bar_chart(
        "disclosures-chart",
        _("Disclosures without valid consent per month, all legal bases"),
        counts(without_consent.months, [without_consent.total(m) for m in without_consent.months]),
    )
    return render_template(
        "auditor/statistics.html",
        **_labels(),
        reveals=reveals,
        chart=chart,
        without_consent=without_consent,
        disclosures_chart=disclosures_chart,
        basis_labels=BASES,
        referrals=service.referral_identity_per_month(db(), actor()),
    )


@bp.route("/audit/log")
@requires(Permission.read_audit)
def log() -> str:
    state = service.log_state(db(), actor(), settings().audit_host)
    return render_template(
        "auditor/log.html",
        **_labels(),
        state=state,
        key_url=url_for("auditor.public_key", organisation_id=actor().tenant_id, _external=True),
        form=ActionForm(),
    )


@bp.route("/audit/checkpoint", methods=["POST"])
@requires(Permission.read_audit)
def checkpoint() -> Page:
    return handle_form(
        ActionForm(),
        lambda: service.request_checkpoint(db(), actor(), settings().audit_host),
        page=lambda _f: log(),
        then=url_for("auditor.log"),
        done=lambda made: _("Checkpoint of %(size)s entries signed.", size=made.checkpoint.size),
    )


@bp.route("/audit/bundle")
@requires(Permission.read_audit)
def bundle() -> Response:
    buffer = io.BytesIO()
    done = service.export_for_auditor(
        db(), actor(), settings().audit_host, buffer, typed_input(BundleQuery, request.args)
    )
    buffer.seek(0)
    name = f"audit-bundle-{done.checkpoint.size}-{done.start}-{done.end}.zip"
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name=name)
