"""JSON API of the claims domain: a client's compensation and unpaid-wage claims, filing,
and status changes (with the amounts and dates each status needs).

Every id is looked up inside the token's organisation by the services: another
organisation's client or claim is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.auth.access import caller, casework_blueprint
from app.claims import service
from app.claims.schemas import ClaimOut, ClaimStatusArgs, ClaimWithHistory, FileClaimArgs
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint("claims", "Compensation and unpaid-wage claims")


@blp.route("/clients/<uuid:client_id>/claims")
@blp.response(200, ClaimOut(many=True))
@blp.doc(security=BEARER)
def list_claims(client_id: uuid.UUID) -> list[ClaimWithHistory]:
    """The client's claims, newest first, each with its status history."""
    claims = service.claims_of(db(), caller(), client_id)
    history = service.history_of(db(), [c.id for c in claims])
    return [ClaimWithHistory(c, history[c.id]) for c in claims]


@blp.route("/clients/<uuid:client_id>/claims", methods=["POST"])
@blp.arguments(FileClaimArgs)
@blp.response(201, ClaimOut)
@blp.doc(security=BEARER)
def file_claim(args: dict[str, Any], client_id: uuid.UUID) -> ClaimWithHistory:
    """A new claim, linked to the client's open case; without ``filed_on`` it is being
    prepared."""
    claim = service.file_claim(db(), caller(), client_id, service.ClaimFiling(**args))
    return ClaimWithHistory(claim, service.history_of(db(), [claim.id])[claim.id])


@blp.route("/clients/<uuid:client_id>/claims/<uuid:claim_id>/status", methods=["POST"])
@blp.arguments(ClaimStatusArgs)
@blp.response(200, ClaimOut)
@blp.doc(security=BEARER)
def change_status(
    args: dict[str, Any], client_id: uuid.UUID, claim_id: uuid.UUID
) -> ClaimWithHistory:
    """Move the claim to a new status; the change joins its history."""
    update = service.StatusUpdate(**args)
    claim = service.update_claim_status(db(), caller(), client_id, claim_id, update)
    return ClaimWithHistory(claim, service.history_of(db(), [claim.id])[claim.id])
