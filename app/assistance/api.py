"""JSON API of the assistance domain: a client's services, recording, correcting and
removing one, group intake, the audited reveal of a record's notes, anonymous contacts, and
the organisation's grants and service subtypes (listed for every casework token; corrected
or deleted with a supervisor token only, like an organisation admin or supervisor on
screen).

Every id is looked up inside the token's organisation by the services: another
organisation's client, record, grant or subtype is "not found", like a missing one.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from flask import url_for

from app.assistance import contacts, corrections, grants, group, service
from app.assistance.inputs import (
    Changes,
    ContactInput,
    CorrectionInput,
    GrantInput,
    ServiceInput,
    SubtypeRename,
)
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.assistance.schemas import (
    AnonymousContactArgs,
    AnonymousContactOut,
    AnonymousContactPageOut,
    AssistanceRecordOut,
    GrantCorrectionArgs,
    GrantOut,
    GroupServiceArgs,
    PeriodArgs,
    RevealedServiceNotes,
    ServiceArgs,
    ServiceCorrectionArgs,
    ServiceListArgs,
    ServiceRemovalArgs,
    SubtypeListArgs,
    SubtypeOut,
    SubtypeRenameArgs,
)
from app.auth.access import caller, casework_blueprint
from app.auth.permissions import Permission, require
from app.clients.models import AnonymousContact
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint(
    "assistance", "Assistance: services delivered, group intake, anonymous contacts"
)


def _managers_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 for a caseworker token before the body is parsed, as for any other wrong role."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        require(caller(), Permission.manage_catalogue)
        return view(*args, **kwargs)

    return checked


#: The documented ``Link`` header of a page that has a next one.
_NEXT_LINK = {"Link": {"description": '<url>; rel="next", when older services follow'}}


@blp.route("/clients/<uuid:client_id>/services")
@blp.arguments(ServiceListArgs, location="query", unknown="raise")
@blp.response(200, AssistanceRecordOut(many=True), headers=_NEXT_LINK)
@blp.doc(security=BEARER)
def list_services(args: dict[str, Any], client_id: uuid.UUID) -> Any:
    """The client's services, newest first, one page (``per_page``: 1 to 200, default 200).
    When older services follow, a ``Link`` header gives the next page's URL."""
    found = service.list_services(db(), caller(), client_id, **args)
    if not found.has_next:
        return found.records
    following = url_for(
        ".list_services", client_id=client_id, page=found.page + 1, per_page=found.per_page
    )
    return found.records, {"Link": f'<{following}>; rel="next"'}


@blp.route("/clients/<uuid:client_id>/services", methods=["POST"])
@blp.arguments(ServiceArgs)
@blp.response(201, AssistanceRecordOut)
@blp.doc(security=BEARER)
def record_service(args: dict[str, Any], client_id: uuid.UUID) -> AssistanceRecord:
    """Record one service delivered to the client, linked to their open case."""
    return service.record_service(db(), caller(), client_id, ServiceInput(**args))


@blp.route("/clients/<uuid:client_id>/services/<uuid:record_id>", methods=["PATCH"])
@blp.arguments(ServiceCorrectionArgs)
@blp.response(200, AssistanceRecordOut)
@blp.doc(security=BEARER)
def correct_service(
    args: dict[str, Any], client_id: uuid.UUID, record_id: uuid.UUID
) -> AssistanceRecord:
    """Correct a record: fields left out keep their value, and every rule of recording
    applies to the result (the same 422 messages). ``notes``: text replaces the sealed
    notes, null or "" clears them. Audited with the names of the fields that changed; 409
    for a record of an erased client."""
    changes = Changes.sent(CorrectionInput, args)
    return corrections.correct_service(db(), caller(), client_id, record_id, changes).record


@blp.route("/clients/<uuid:client_id>/services/<uuid:record_id>", methods=["DELETE"])
@blp.arguments(ServiceRemovalArgs, location="query", unknown="raise")
@blp.response(204)
@blp.doc(security=BEARER)
def remove_service(args: dict[str, Any], client_id: uuid.UUID, record_id: uuid.UUID) -> None:
    """Remove a record entered in error, with the reason as a query argument:
    ``?reason=duplicate``, ``wrong_client`` or ``never_delivered``. The record and its notes
    are deleted for good; the audit log keeps the removal and its reason. A wrong detail is
    corrected with PATCH instead. 409 for a record of an erased client."""
    corrections.remove_service(db(), caller(), client_id, record_id, args["reason"])


@blp.route("/clients/<uuid:client_id>/services/<uuid:record_id>/reveal", methods=["POST"])
@blp.response(200, RevealedServiceNotes)
@blp.doc(security=BEARER)
def reveal_notes(client_id: uuid.UUID, record_id: uuid.UUID) -> dict[str, Any]:
    """The record's notes in plaintext; audited as a reveal."""
    notes = service.reveal_service_notes(db(), caller(), client_id, record_id)
    return {"record_id": record_id, "notes": notes}


@blp.route("/services/group", methods=["POST"])
@blp.arguments(GroupServiceArgs)
@blp.response(201, AssistanceRecordOut(many=True))
@blp.doc(security=BEARER)
def record_group(args: dict[str, Any]) -> list[AssistanceRecord]:
    """The same service for several clients at once (a raid, a group referral): one
    record per client, sharing a ``group_id``; one unknown client and none is kept."""
    fields = dict(args)
    client_ids = fields.pop("clients")
    return group.record_group_service(db(), caller(), client_ids, ServiceInput(**fields))


@blp.route("/anonymous-contacts")
@blp.arguments(PeriodArgs, location="query", unknown="raise")
@blp.response(200, AnonymousContactPageOut)
@blp.doc(security=BEARER)
def list_contacts(args: dict[str, Any]) -> dict[str, Any]:
    """Helpline and outreach contacts recorded without a client, in a period."""
    ctx = caller()
    items = contacts.list_anonymous_contacts(db(), ctx, args["start"], args["end"])
    total = contacts.count_anonymous_contacts(db(), ctx, args["start"], args["end"])
    return {**args, "total": total, "items": items}


@blp.route("/anonymous-contacts", methods=["POST"])
@blp.arguments(AnonymousContactArgs)
@blp.response(201, AnonymousContactOut)
@blp.doc(security=BEARER)
def record_contact(args: dict[str, Any]) -> AnonymousContact:
    """A helpline or outreach conversation with no client record; it counts in reports."""
    return contacts.record_anonymous_contact(db(), caller(), ContactInput(**args))


@blp.route("/grants")
@blp.response(200, GrantOut(many=True))
@blp.doc(security=BEARER)
def list_grants() -> list[Grant]:
    """The organisation's grants, current and recent first."""
    return grants.list_grants(db(), caller())


@blp.route("/service-subtypes")
@blp.arguments(SubtypeListArgs, location="query", unknown="raise")
@blp.response(200, SubtypeOut(many=True))
@blp.doc(security=BEARER)
def list_subtypes(args: dict[str, Any]) -> list[ServiceSubtype]:
    """The organisation's own subtypes of the 15 categories (of one, if given)."""
    return grants.list_subtypes(db(), caller(), args["category"])


@blp.route("/grants/<uuid:grant_id>", methods=["PATCH"])
@_managers_only
@blp.arguments(GrantCorrectionArgs)
@blp.response(200, GrantOut)
@blp.doc(security=BEARER)
def correct_grant(args: dict[str, Any], grant_id: uuid.UUID) -> Grant:
    """Correct a grant (supervisor token): fields left out keep their value, and every rule
    of creation applies (the same 422 messages). New dates that would leave services already
    charged to the grant outside them are refused, with how many. Audited with the names of
    the fields that changed."""
    return grants.correct_grant(db(), caller(), grant_id, Changes.sent(GrantInput, args)).row


@blp.route("/grants/<uuid:grant_id>", methods=["DELETE"])
@_managers_only
@blp.response(204)
@blp.doc(security=BEARER)
def delete_grant(grant_id: uuid.UUID) -> None:
    """Delete a grant created in error (supervisor token); 409 while any service is charged
    to it. Audited."""
    grants.delete_grant(db(), caller(), grant_id)


@blp.route("/service-subtypes/<uuid:subtype_id>", methods=["PATCH"])
@_managers_only
@blp.arguments(SubtypeRenameArgs)
@blp.response(200, SubtypeOut)
@blp.doc(security=BEARER)
def rename_subtype(args: dict[str, Any], subtype_id: uuid.UUID) -> ServiceSubtype:
    """Rename a subtype (supervisor token), unique within its category; its records show
    the new name. ``retired`` stops (true) or restarts (false) offering it for new records;
    records made with it keep it. Audited, never with a value."""
    ctx, changes = caller(), dict(args)
    retired = changes.pop("retired", None)
    subtype = grants.managed_subtype(db(), ctx, subtype_id)
    if changes:
        subtype = grants.rename_subtype(db(), ctx, subtype_id, SubtypeRename(**changes)).row
    if retired is not None:
        subtype = grants.retire_subtype(db(), ctx, subtype_id, retired).row
    return subtype


@blp.route("/service-subtypes/<uuid:subtype_id>", methods=["DELETE"])
@_managers_only
@blp.response(204)
@blp.doc(security=BEARER)
def delete_subtype(subtype_id: uuid.UUID) -> None:
    """Delete a subtype created in error (supervisor token); 409 while any record uses it.
    Audited."""
    grants.delete_subtype(db(), caller(), subtype_id)
