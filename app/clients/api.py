"""JSON API of the clients domain: the list, intake, one client, coarse-fact and identity
changes, search by pseudonym code or by identity field, and the audited reveal.

XXX: responses carry the pseudonym code and coarse facts only; identity is revealed one
field at a time by ``POST /clients/<id>/reveal`` and searched by POST body, so no
identifying value ever sits in a URL, a query string or a log line. Another organisation's
client is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from app.auth.access import caller, casework_blueprint
from app.clients import service
from app.clients.models import Client
from app.clients.schemas import (
    ClientFactsArgs,
    ClientIdentityArgs,
    ClientIntakeArgs,
    ClientListArgs,
    ClientOut,
    ClientPageOut,
    CodeSearchArgs,
    IdentitySearchArgs,
    RevealArgs,
    RevealedFieldOut,
    identity_change_of,
    intake_of,
)
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint("clients", "Clients: pseudonym codes, coarse facts and sealed identity")


@blp.route("/clients")
@blp.arguments(ClientListArgs, location="query", unknown="raise")
@blp.response(200, ClientPageOut)
@blp.doc(security=BEARER)
def list_clients(args: dict[str, Any]) -> service.ClientPage:
    """Newest first, one page: pseudonym codes and coarse facts only."""
    return service.list_clients(db(), caller(), **args, count=True)


@blp.route("/clients", methods=["POST"])
@blp.arguments(ClientIntakeArgs)
@blp.response(201, ClientOut)
@blp.doc(security=BEARER)
def register(args: dict[str, Any]) -> Client:
    """Intake: a new client with a fresh pseudonym code; identity fields are optional and
    sealed, and are not returned."""
    return service.register_client(db(), caller(), intake_of(args))


@blp.route("/clients/by-code")
@blp.arguments(CodeSearchArgs, location="query", unknown="raise")
@blp.response(200, ClientOut)
@blp.doc(security=BEARER)
def find_by_code(args: dict[str, Any]) -> Client:
    """The client with this pseudonym code (case, spaces and dashes do not matter)."""
    return service.find_by_code(db(), caller(), args["code"])


@blp.route("/clients/search", methods=["POST"])
@blp.arguments(IdentitySearchArgs)
@blp.response(200, ClientOut(many=True))
@blp.doc(security=BEARER)
def search(args: dict[str, Any]) -> list[Client]:
    """Exact match on name, date of birth, identity document or phone (through blind
    indexes); returns the matching clients, not the values."""
    return service.search_identity(db(), caller(), args["field"], args["value"])


@blp.route("/clients/<uuid:client_id>")
@blp.response(200, ClientOut)
@blp.doc(security=BEARER)
def get_client(client_id: uuid.UUID) -> Client:
    """One client: pseudonym code, coarse facts, and which identity fields are recorded."""
    return service.get_client(db(), caller(), client_id)


@blp.route("/clients/<uuid:client_id>", methods=["PATCH"])
@blp.arguments(ClientFactsArgs)
@blp.response(200, ClientOut)
@blp.doc(security=BEARER)
def update_facts(args: dict[str, Any], client_id: uuid.UUID) -> Client:
    """Change some coarse facts; fields left out keep their value."""
    ctx = caller()
    current = service.current_facts(service.get_client(db(), ctx, client_id))
    return service.update_client_facts(db(), ctx, client_id, replace(current, **args))


@blp.route("/clients/<uuid:client_id>/identity", methods=["PATCH"])
@blp.arguments(ClientIdentityArgs)
@blp.response(200, ClientOut)
@blp.doc(security=BEARER)
def update_identity(args: dict[str, Any], client_id: uuid.UUID) -> Client:
    """Seal new values for the identity fields given; null or "" clears a field."""
    return service.update_identity(db(), caller(), client_id, identity_change_of(args))


@blp.route("/clients/<uuid:client_id>/reveal", methods=["POST"])
@blp.arguments(RevealArgs)
@blp.response(200, RevealedFieldOut)
@blp.doc(security=BEARER)
def reveal(args: dict[str, Any], client_id: uuid.UUID) -> dict[str, Any]:
    """Plaintext of one identity field; audited as a reveal."""
    value = service.reveal_field(db(), caller(), client_id, args["field"])
    return {"field": args["field"], "value": value}
