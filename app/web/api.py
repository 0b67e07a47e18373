"""The JSON API under /api/v1 (flask-smorest): bearer tokens only, OpenAPI generated.

XXX: the API never authenticates with the browser's session cookie, so it needs no CSRF
token and a page can never be tricked into calling it on a signed-in user's behalf.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api
from marshmallow import Schema, fields

from app.web.extensions import csrf


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
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)


#: OpenAPI security requirement of every casework endpoint.
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]


def decimal_string(*, required: bool = False) -> fields.Decimal:
    """A decimal amount or quantity in API output, written as a string with two decimals
    ("1250.00") so that no float rounding touches money; the OpenAPI document says so."""
    return fields.Decimal(
        places=2,
        as_string=True,
        required=required,
        allow_none=not required,
        metadata={
            "type": "string",
            "format": "decimal",
            "pattern": r"^-?\d+\.\d{2}$",
            "example": "1250.00",
            "description": "a decimal number written as a string, two decimals",
        },
    )
