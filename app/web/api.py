"""The JSON API under /api/v1 (flask-smorest): bearer tokens only, OpenAPI generated.

XXX: the API never authenticates with the browser's session cookie, so it needs no CSRF
token and a page can never be tricked into calling it on a signed-in user's behalf.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask_smorest import Api, Blueprint
from marshmallow import Schema, fields

from app.auth.tokens import authenticate_api_token
from app.context import Actor
from app.errors import AuthenticationFailed, Forbidden
from app.i18n import N_


class ErrorSchema(Schema):
    """Every API error, as ``app.web.errors`` renders it."""

    status = fields.Integer(required=True)
    error = fields.String(required=True, metadata={"description": "short title"})
    message = fields.String(required=True, metadata={"description": "what to do, translated"})
    field_messages = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "messages per input field (422 only)"},
    )


class HavenApi(Api):  # type: ignore[misc]
    ERROR_SCHEMA = ErrorSchema


api = HavenApi()


def init_app(app: Flask, blueprints: list[Any]) -> None:
    app.config.update(
        API_TITLE="Haven",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
    )
    api.init_app(app)
    api.spec.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "hvn_… API token"}
    )
    from app.web.extensions import csrf

    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)


def api_actor(*roles: str) -> Actor:
    """The integration calling: from the Authorization header only, never from cookies."""
    if "api_actor" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        if scheme.lower() != "bearer" or not raw:
            raise AuthenticationFailed(N_("The API token is missing or not valid."))
        from app.web.request import db

        g.api_actor = authenticate_api_token(db(), raw.strip())
    actor: Actor = g.api_actor
    if roles and not actor.has_any(*roles):  # type: ignore[arg-type]
        raise Forbidden(N_("This token's role does not allow this call."))
    return actor


#: OpenAPI security requirement of every casework endpoint.
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def casework_actor() -> Actor:
    """The integration calling a casework endpoint: a caseworker or supervisor token."""
    return api_actor("caseworker", "supervisor")


def casework_blueprint(domain: str, description: str) -> Blueprint:
    """A domain's API blueprint under /api/v1 that checks the token before anything else."""
    blp = Blueprint(
        f"api_{domain}", f"app.{domain}.api", url_prefix="/api/v1", description=description
    )

    @blp.before_request
    def _authenticate() -> None:
        # Before the body is parsed: no token is 401 and a wrong role 403, whatever was sent.
        casework_actor()

    return blp
