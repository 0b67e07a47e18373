"""The auditor's workspace (auditors and organisation admins): the access log, the consent
ledger by pseudonym, statistics, checkpoints and bundles; and, for anyone, each
organisation's verifier key at a stable URL and the standalone verifier.

XXX: nothing here shows client content. Clients appear by pseudonym code only; the test
over every route (tests/auditor/test_no_client_content.py) keeps it so.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from flask import Blueprint, Response

from app.audit import verifier
from app.audit.log import verifier_keys, vkey_text
from app.db.tenancy import acting_in
from app.errors import NotFound
from app.tenants.models import Organisation
from app.web.request import db, settings

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
