"""Correcting grants and renaming service subtypes through the API (supervisor tokens), and
deleting unused ones: 403 for caseworker tokens, 404 for another organisation's ids, 409
for one in use, field messages for bad input; a refused call changes nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.assistance.grants import create_grant, create_subtype
from app.assistance.inputs import GrantInput, SubtypeInput
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.db.base import utcnow
from app.validation import typed_input
from tests.api.conftest import ApiWorld, assert_fields, day, refused

API = "/api/v1"
TODAY = utcnow().date()
#: The catalogue's routes with an id: for supervisor tokens only (a caseworker token gets
#: 403 whatever the id), so their cross-tenant checks are here rather than in test_access.
MANAGER_ROUTES = {
    ("patch", f"{API}/grants/{{grant_id}}"),
    ("delete", f"{API}/grants/{{grant_id}}"),
    ("patch", f"{API}/service-subtypes/{{subtype_id}}"),
    ("delete", f"{API}/service-subtypes/{{subtype_id}}"),
}


def _catalogue(world: ApiWorld, org: str = "north") -> dict[str, str]:
    """A grant from 30 days ago to 30 days ahead, and two counselling subtypes."""
    with world.work(world.north if org == "north" else world.south) as (session, ctx):
        manager = replace(ctx, roles=frozenset({Role.supervisor}))
        grant = create_grant(
            session, manager,
            GrantInput(code="AMIF-1", name="Shelter", funder="EU", currency="EUR",
                       starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=30)),
        )  # fmt: skip
        legal = create_subtype(
            session,
            manager,
            typed_input(SubtypeInput, {"category": "counselling", "name": "Legal"}),
        )
        create_subtype(
            session,
            manager,
            typed_input(SubtypeInput, {"category": "counselling", "name": "Rights"}),
        )
        return {"grant": str(grant.id), "subtype": str(legal.id)}


def _charge(world: ApiWorld, ids: dict[str, str]) -> None:
    """A service 10 days ago, charged to the grant, with the subtype."""
    cid = str(world.client_of())
    service = {"category": "counselling", "started_on": day(-10), "quantity": 1,
               "language": "ro", "interpreter_used": False, "grant_id": ids["grant"],
               "subtype_id": ids["subtype"]}  # fmt: skip
    assert world.post(f"{API}/clients/{cid}/services", service).status_code == 201


def _audit(world: ApiWorld, action: str) -> list[AuditEvent]:
    with world.work() as (session, _):
        found = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
        session.expunge_all()
        return list(found)


def test_supervisor_corrects_a_grant(world: ApiWorld) -> None:
    ids = _catalogue(world)
    url = f"{API}/grants/{ids['grant']}"
    response = world.patch(url, {"code": "AMIF-2", "budget": "1500.5"}, role="supervisor")
    assert response.status_code == 200, response.json
    assert (response.json["code"], response.json["budget"], response.json["name"]) == (
        "AMIF-2", "1500.50", "Shelter",
    )  # fmt: skip
    assert world.get(f"{API}/grants").json[0]["code"] == "AMIF-2"
    [event] = _audit(world, "grant.updated")
    assert event.details == {"fields": ["budget", "code"]}


def test_grant_dates_must_keep_the_services_charged(world: ApiWorld) -> None:
    ids = _catalogue(world)
    _charge(world, ids)
    url = f"{API}/grants/{ids['grant']}"
    body = refused(world, "PATCH", url, {"starts_on": day(-5)}, "starts_on", role="supervisor")
    assert body["fields"] == {
        "starts_on": ["Services charged to this grant before this date:", "1"]
    }
    world.http.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    body = refused(world, "PATCH", url, {"starts_on": day(-5)}, "starts_on", role="supervisor")
    assert body["fields"]["starts_on"] == ["Услуги, отнесённые на этот грант до этой даты:", "1"]
    del world.http.environ_base["HTTP_ACCEPT_LANGUAGE"]
    fits = world.patch(url, {"starts_on": day(-10)}, role="supervisor")
    assert fits.status_code == 200, fits.json


def test_bad_grant_input_is_refused_per_field(world: ApiWorld) -> None:
    url = f"{API}/grants/{_catalogue(world)['grant']}"
    for body, names in (
        ({"code": ""}, ("code",)),
        ({"name": None, "currency": "EURO"}, ("name", "currency")),
        ({"ends_on": day(-31)}, ("ends_on",)),
        ({"budget": "-3"}, ("budget",)),
        ({"starts_on": "soon"}, ("starts_on",)),
        ({"colour": "red"}, ("colour",)),
        ({"id": str(uuid.uuid4())}, ("id",)),
    ):
        refused(world, "PATCH", url, body, *names, role="supervisor")
    assert _audit(world, "grant.updated") == []


def test_supervisor_renames_a_subtype(world: ApiWorld) -> None:
    ids = _catalogue(world)
    _charge(world, ids)
    url = f"{API}/service-subtypes/{ids['subtype']}"
    refused(world, "PATCH", url, {"name": "Rights"}, "name", role="supervisor")
    refused(world, "PATCH", url, {"category": "medical"}, "category", role="supervisor")
    refused(world, "PATCH", url, {"name": ""}, "name", role="supervisor")
    response = world.patch(url, {"name": "Legal advice"}, role="supervisor")
    assert response.status_code == 200, response.json
    assert response.json == {
        "id": ids["subtype"],
        "category": "counselling",
        "name": "Legal advice",
        "retired": False,
    }
    [event] = _audit(world, "service_subtype.updated")
    assert event.details == {"fields": ["name"]}
    retired = world.patch(url, {"retired": True}, role="supervisor")
    assert retired.status_code == 200 and retired.json["retired"] is True
    assert len(_audit(world, "service_subtype.retired")) == 1
    listed = world.get(f"{API}/service-subtypes").json
    assert [s["retired"] for s in listed if s["id"] == ids["subtype"]] == [True]


def test_deleting_is_refused_while_in_use_then_allowed(world: ApiWorld) -> None:
    ids = _catalogue(world)
    _charge(world, ids)
    grant, subtype = f"{API}/grants/{ids['grant']}", f"{API}/service-subtypes/{ids['subtype']}"
    body = refused(world, "DELETE", grant, None, status=409, role="supervisor")
    assert body["message"] == "Services are charged to this grant, so it cannot be deleted."
    body = refused(world, "DELETE", subtype, None, status=409, role="supervisor")
    assert body["message"] == "Services are recorded with this type, so it cannot be deleted."
    unused = _catalogue(world, "south")
    for url in (f"{API}/grants/{unused['grant']}", f"{API}/service-subtypes/{unused['subtype']}"):
        assert world.call("DELETE", url, org="south", role="supervisor").status_code == 204
    assert world.get(f"{API}/grants", org="south").json == []
    assert [s["name"] for s in world.get(f"{API}/service-subtypes", org="south").json] == ["Rights"]
    with world.work(world.south) as (session, _):
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("%deleted"))
        )
        assert sorted(actions) == ["grant.deleted", "service_subtype.deleted"]


def test_the_manager_routes_are_documented_with_a_summary(world: ApiWorld) -> None:
    spec = world.http.get(f"{API}/openapi.json").json
    for method, path in MANAGER_ROUTES:
        operation = spec["paths"][path][method]
        assert operation["security"] == [{"bearer": []}] and operation["summary"]
    catalogue = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
        and path.startswith((f"{API}/grants/", f"{API}/service-subtypes/"))
    }
    assert catalogue == MANAGER_ROUTES


def _changes(ids: dict[str, str]) -> list[tuple[str, str, Any]]:
    grant, subtype = f"{API}/grants/{ids['grant']}", f"{API}/service-subtypes/{ids['subtype']}"
    return [("PATCH", grant, {"name": "Mine"}), ("DELETE", grant, None),
            ("PATCH", subtype, {"name": "Mine"}), ("PATCH", subtype, {"retired": True}),
            ("DELETE", subtype, None)]  # fmt: skip


def test_caseworker_tokens_get_403_before_the_body_is_read(world: ApiWorld) -> None:
    ids = _catalogue(world)
    world.token(role="caseworker")
    before = world.snapshot()
    for method, url, body in _changes(ids):
        for sent in (body, {"bogus": 1}):
            assert_fields(world.call(method, url, sent), status=403)
    assert world.snapshot() == before


def test_another_organisations_ids_are_not_found_and_change_nothing(world: ApiWorld) -> None:
    ids = _catalogue(world)
    _charge(world, ids)
    world.token("south", "supervisor")
    before = world.snapshot()
    missing = {"grant": str(uuid.uuid4()), "subtype": str(uuid.uuid4())}
    for method, url, body in _changes(ids) + _changes(missing):
        response = world.call(method, url, body, org="south", role="supervisor")
        found = assert_fields(response, status=404)
        assert "AMIF" not in str(found) and "Legal" not in str(found)
    assert world.snapshot() == before
