"""API: who am I (token check for integrations)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.auth.access import api_actor

blp = Blueprint("api_auth", __name__, url_prefix="/api/v1", description="Token check")


class WhoAmI(Schema):
    organisation_id = fields.UUID(required=True)
    roles = fields.List(fields.String(), required=True)


@blp.route("/whoami")
@blp.response(200, WhoAmI)
@blp.doc(security=[{"bearer": []}])
def whoami() -> dict[str, Any]:
    """The organisation and role the token acts for."""
    actor = api_actor(None)
    return {"organisation_id": actor.tenant_id, "roles": sorted(actor.roles)}
