"""JSON API of disclosure: ask for a decision, read a request, approve it, release the
signed package, and the "what if" question.

Every id is looked up inside the token's organisation by the services: another
organisation's client or request is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, make_response

from app.auth.access import caller, casework_blueprint
from app.disclosure import rules, service
from app.disclosure.inputs import ApprovalInput, DisclosureInput, WhatIfInput
from app.disclosure.package import release_package
from app.disclosure.schemas import (
    ApprovalArgs,
    DecisionOut,
    DisclosureArgs,
    DisclosureOut,
    WhatIfArgs,
    decision_document,
    request_document,
)
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint("disclosure", "Disclosure: decisions per field group, approval, release")


@blp.route("/clients/<uuid:client_id>/disclosures", methods=["POST"])
@blp.arguments(DisclosureArgs)
@blp.response(201, DisclosureOut)
@blp.doc(security=BEARER)
def ask(args: dict[str, Any], client_id: uuid.UUID) -> dict[str, Any]:
    """Decide a request per field group; 422 (recorded) when every group is denied."""
    row = service.ask_for_disclosure(db(), caller(), client_id, DisclosureInput(**args))
    return request_document(row)


@blp.route("/clients/<uuid:client_id>/disclosures")
@blp.response(200, DisclosureOut(many=True))
@blp.doc(security=BEARER)
def list_requests(client_id: uuid.UUID) -> list[dict[str, Any]]:
    return [request_document(r) for r in service.requests_for_client(db(), caller(), client_id)]


@blp.route("/disclosures/<uuid:request_id>")
@blp.response(200, DisclosureOut)
@blp.doc(security=BEARER)
def get_request(request_id: uuid.UUID) -> dict[str, Any]:
    return request_document(service.get_request(db(), caller(), request_id))


@blp.route("/disclosures/<uuid:request_id>/approve", methods=["POST"])
@blp.arguments(ApprovalArgs)
@blp.response(200, DisclosureOut)
@blp.doc(security=BEARER)
def approve(args: dict[str, Any], request_id: uuid.UUID) -> dict[str, Any]:
    """A supervisor who is not the requester approves; consent is asked again now."""
    row = service.approve_disclosure(db(), caller(), request_id, ApprovalInput(**args))
    return request_document(row)


@blp.route("/disclosures/<uuid:request_id>/release", methods=["POST"])
@blp.response(200, description="The signed package (application/zip)")
@blp.doc(security=BEARER)
def release(request_id: uuid.UUID) -> Response:
    package = release_package(db(), caller(), request_id)
    response = make_response(package.zip_bytes)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@blp.route("/disclosure/what-if", methods=["POST"])
@blp.arguments(WhatIfArgs)
@blp.response(200, DecisionOut)
@blp.doc(security=BEARER)
def what_if(args: dict[str, Any]) -> dict[str, Any]:
    """The decision a hypothetical request would get; nothing is read or disclosed."""
    return decision_document(rules.what_if(db(), caller(), WhatIfInput(**args)))
