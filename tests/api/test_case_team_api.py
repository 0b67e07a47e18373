"""The case team through the API: supervisor tokens assign and unassign, casework tokens
read; the assignee is a caseworker or supervisor of the token's organisation, anyone else
is not found; bad input and other tenants' ids change nothing."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.db import bind_actor
from tests.api.conftest import ApiWorld, assert_fields, day, refused

API = "/api/v1"


def _case(world: ApiWorld, org: str = "north") -> str:
    """The URL of a new open case of a new client of ``org``."""
    owner = world.north if org == "north" else world.south
    cid = str(world.client_of(owner))
    case = world.post(f"{API}/clients/{cid}/cases", {"opened_on": day(-3)}, org=org)
    assert case.status_code == 201, case.json
    return f"{API}/clients/{cid}/cases/{case.json['id']}"


def _member(world: ApiWorld, email: str, role: Role, org: str = "north") -> str:
    owner = world.north if org == "north" else world.south
    return str(world.factory.person(email, {owner: {role}}).user.id)


def test_a_supervisor_token_assigns_and_unassigns(world: ApiWorld, db: Any) -> None:
    url = _case(world)
    worker = _member(world, "cw@north.org", Role.caseworker)
    assert world.get(f"{url}/assignments").json == []  # a token opened it: no one assigned
    added = world.post(f"{url}/assignments", {"user_id": worker}, role="supervisor")
    assert added.status_code == 201, added.json
    assert added.json == {"user_id": worker, "display_name": "Cw", "roles": ["caseworker"]}
    assert "@" not in added.get_data(as_text=True)
    again = world.post(f"{url}/assignments", {"user_id": worker}, role="supervisor")
    assert again.status_code == 201 and again.json == added.json
    assert world.get(f"{url}/assignments").json == [added.json]  # a caseworker token reads
    bind_actor(db, world.north.id, None)
    assigned = select(func.count()).where(AuditEvent.action == "case.assigned")
    assert db.scalar(assigned) == 1  # assigning again changed nothing
    removed = world.call("DELETE", f"{url}/assignments/{worker}", role="supervisor")
    assert removed.status_code == 204
    assert world.get(f"{url}/assignments", role="supervisor").json == []
    gone = world.call("DELETE", f"{url}/assignments/{worker}", role="supervisor")
    assert_fields(gone, status=404)


def test_a_caseworker_token_cannot_change_the_team(world: ApiWorld) -> None:
    url = _case(world)
    worker = _member(world, "cw@north.org", Role.caseworker)
    body = refused(world, "POST", f"{url}/assignments", {"user_id": worker}, status=403)
    assert body["message"] == "Only a supervisor can assign caseworkers to a case."
    world.post(f"{url}/assignments", {"user_id": worker}, role="supervisor")
    refused(world, "DELETE", f"{url}/assignments/{worker}", None, status=403)


def test_only_caseworkers_and_supervisors_of_the_organisation_can_be_assigned(
    world: ApiWorld,
) -> None:
    url = _case(world)
    admin = _member(world, "admin@north.org", Role.org_admin)
    stranger = _member(world, "cw@south.org", Role.caseworker, org="south")
    sup = {"role": "supervisor"}
    refused(world, "POST", f"{url}/assignments", {"user_id": admin}, "user_id", **sup)
    unknown = refused(
        world, "POST", f"{url}/assignments", {"user_id": str(uuid.uuid4())}, status=404, **sup
    )
    foreign = refused(world, "POST", f"{url}/assignments", {"user_id": stranger}, status=404, **sup)
    assert foreign == unknown  # another organisation's user looks like no one
    refused(world, "DELETE", f"{url}/assignments/{stranger}", None, status=404, **sup)


def test_bad_assignment_input_is_refused_and_stores_nothing(world: ApiWorld) -> None:
    url = f"{_case(world)}/assignments"
    worker = _member(world, "cw@north.org", Role.caseworker)
    sup = {"role": "supervisor"}
    refused(world, "POST", url, {}, "user_id", **sup)
    refused(world, "POST", url, {"user_id": "me"}, "user_id", **sup)
    refused(world, "POST", url, {"user_id": None}, "user_id", **sup)
    body = refused(world, "POST", url, {"user_id": worker, "role": "boss"}, "role", **sup)
    assert body["fields"]["role"] == ["Unknown field."]
    refused(world, "POST", url, {"user_id": worker, "pad": "x" * 10_000_000}, status=413, **sup)


def test_a_closed_case_keeps_its_team(world: ApiWorld) -> None:
    url = _case(world)
    worker = _member(world, "cw@north.org", Role.caseworker)
    world.post(f"{url}/assignments", {"user_id": worker}, role="supervisor")
    world.post(f"{url}/close", {"closed_on": day(), "reason": "goals_met"})
    assert [m["user_id"] for m in world.get(f"{url}/assignments").json] == [worker]
    sup = {"role": "supervisor"}
    refused(world, "DELETE", f"{url}/assignments/{worker}", None, status=409, **sup)
    other = _member(world, "cw2@north.org", Role.caseworker)
    refused(world, "POST", f"{url}/assignments", {"user_id": other}, status=409, **sup)


def test_ids_of_another_tenant_or_another_client_are_not_found(world: ApiWorld) -> None:
    north_case = _case(world)
    worker = _member(world, "cw@north.org", Role.caseworker)
    world.post(f"{north_case}/assignments", {"user_id": worker}, role="supervisor")
    south_case = _case(world, org="south")
    case_id = north_case.rsplit("/", 1)[1]
    wrong_client = f"{API}/clients/{world.client_of()}/cases/{case_id}"
    calls = [
        ("south", "GET", f"{north_case}/assignments", None),  # the rest: tests/api/test_access
        ("south", "POST", f"{south_case}/assignments", {"user_id": worker}),
        ("south", "DELETE", f"{south_case}/assignments/{worker}", None),
        ("north", "GET", f"{wrong_client}/assignments", None),
        ("north", "POST", f"{wrong_client}/assignments", {"user_id": worker}),
        ("north", "DELETE", f"{wrong_client}/assignments/{worker}", None),
    ]
    for org, method, url, body in calls:
        found = refused(world, method, url, body, status=404, org=org, role="supervisor")
        assert worker not in str(found)
