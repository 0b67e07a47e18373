"""The child module through the API: supervisor tokens only (a token is never assigned to
a case), minors' cases only, sealed guardian and contact reported by name, one field
revealed at a time and audited, bad input and other tenants' ids changing nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import bind_actor
from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys, refused

API = "/api/v1"
CONTACT = "Mme Irina Protectova, +33 1 23 45 67 89"
SUP = {"role": "supervisor"}
CHILD = {
    "schooling": "enrolled",
    "child_protection_service": "ASE Rhône",
    "guardian": SECRET,
    "child_protection_contact": CONTACT,
}


def _case(world: ApiWorld, minor: bool = True, org: str = "north") -> str:
    owner = world.north if org == "north" else world.south
    cid = str(world.client_of(owner, facts={"age_band": "12_17" if minor else "25_34"}))
    case = world.post(f"{API}/clients/{cid}/cases", {"opened_on": day(-3)}, org=org)
    assert case.status_code == 201, case.json
    return f"{API}/clients/{cid}/cases/{case.json['id']}"


def test_a_supervisor_token_records_and_reveals_the_child_module(world: ApiWorld, db: Any) -> None:
    url = _case(world)
    case_id = url.rsplit("/", 1)[1]
    empty = world.get(f"{url}/child", **SUP).json
    assert empty == {"case_id": case_id, "recorded": False, "schooling": None,
                     "child_protection_service": None, "recorded_sealed_fields": []}  # fmt: skip
    saved = world.put(f"{url}/child", CHILD, **SUP)
    assert saved.status_code == 200, saved.json
    for text in (SECRET, CONTACT):
        assert text not in saved.get_data(as_text=True)
    no_sealed_keys(saved.json)
    assert saved.json["recorded_sealed_fields"] == ["guardian", "child_protection_contact"]
    assert (saved.json["schooling"], saved.json["child_protection_service"]) == (
        "enrolled",
        "ASE Rhône",
    )
    read = world.get(f"{url}/child", **SUP)
    assert read.json == saved.json and SECRET not in read.get_data(as_text=True)
    revealed = world.post(f"{url}/child/reveal", {"field": "guardian"}, **SUP)
    assert revealed.json == {"case_id": case_id, "field": "guardian", "value": SECRET}
    bind_actor(db, world.north.id, None)
    reveals = db.scalars(select(AuditEvent).where(AuditEvent.action == "case.revealed")).all()
    assert [(e.target_id, e.details["fields"]) for e in reveals] == [(case_id, ["guardian"])]
    assert reveals[0].api_token_id is not None
    for event in db.scalars(select(AuditEvent)):
        assert SECRET not in str(event.details) and CONTACT not in str(event.details)


def test_sealed_fields_are_kept_unless_sent_and_cleared_by_an_empty_string(
    world: ApiWorld,
) -> None:
    url = _case(world)
    world.put(f"{url}/child", CHILD, **SUP)
    kept = world.put(f"{url}/child", {"schooling": "waiting", "guardian": None}, **SUP).json
    assert kept["recorded_sealed_fields"] == ["guardian", "child_protection_contact"]
    assert (kept["schooling"], kept["child_protection_service"]) == ("waiting", None)
    cleared = world.put(f"{url}/child", {"schooling": "waiting", "guardian": ""}, **SUP).json
    assert cleared["recorded_sealed_fields"] == ["child_protection_contact"]
    empty = world.post(f"{url}/child/reveal", {"field": "guardian"}, **SUP).json
    assert empty["value"] is None
    contact = world.post(f"{url}/child/reveal", {"field": "child_protection_contact"}, **SUP)
    assert contact.json["value"] == CONTACT


def test_a_caseworker_token_is_refused_the_child_module(world: ApiWorld) -> None:
    url = _case(world)
    world.put(f"{url}/child", CHILD, **SUP)
    message = "Only supervisors and the caseworkers assigned to this case see its child module."
    for method, path, body in (
        ("GET", "child", None),
        ("PUT", "child", CHILD),
        ("POST", "child/reveal", {"field": "guardian"}),
    ):
        found = refused(world, method, f"{url}/{path}", body, status=403)
        assert found["message"] == message and SECRET not in str(found)


def test_an_adults_case_has_no_child_module(world: ApiWorld) -> None:
    url = _case(world, minor=False)
    for method, path, body in (
        ("GET", "child", None),
        ("PUT", "child", CHILD),
        ("POST", "child/reveal", {"field": "guardian"}),
    ):
        found = refused(world, method, f"{url}/{path}", body, status=409, **SUP)
        assert found["message"] == "The child module applies to minors only."


def test_bad_child_input_is_refused_and_stores_nothing(world: ApiWorld) -> None:
    url = _case(world)
    put = f"{url}/child"
    refused(world, "PUT", put, {}, "schooling", **SUP)
    refused(world, "PUT", put, {**CHILD, "schooling": "homeschool"}, "schooling", **SUP)
    body = refused(world, "PUT", put, {**CHILD, "sealed_guardian": "x"}, "sealed_guardian", **SUP)
    assert body["fields"]["sealed_guardian"] == ["Unknown field."]
    refused(world, "PUT", put, {**CHILD, "guardian": "x" * 501}, "guardian", **SUP)
    long_service = {**CHILD, "child_protection_service": "x" * 121}
    refused(world, "PUT", put, long_service, "child_protection_service", **SUP)
    refused(world, "PUT", put, {**CHILD, "guardian": "x" * 10_000_000}, status=413, **SUP)
    reveal = f"{url}/child/reveal"
    refused(world, "POST", reveal, {}, "field", **SUP)
    refused(world, "POST", reveal, {"field": "name"}, "field", **SUP)
    refused(world, "POST", reveal, {"field": "guardian", "why": "curious"}, "why", **SUP)


def test_a_closed_case_keeps_its_child_module_read_only(world: ApiWorld) -> None:
    url = _case(world)
    world.put(f"{url}/child", CHILD, **SUP)
    world.post(f"{url}/close", {"closed_on": day(), "reason": "goals_met"})
    assert world.get(f"{url}/child", **SUP).json["recorded"] is True
    refused(world, "PUT", f"{url}/child", CHILD, status=409, **SUP)


def test_ids_of_another_tenant_or_another_client_are_not_found(world: ApiWorld) -> None:
    url = _case(world)
    world.put(f"{url}/child", CHILD, **SUP)
    case_id = url.rsplit("/", 1)[1]
    wrong_client = f"{API}/clients/{world.client_of(facts={'age_band': '12_17'})}/cases/{case_id}"
    for org, target in (("south", url), ("north", wrong_client)):
        for method, path, body in (
            ("GET", "child", None),
            ("PUT", "child", CHILD),
            ("POST", "child/reveal", {"field": "guardian"}),
        ):
            found = refused(world, method, f"{target}/{path}", body, status=404, org=org, **SUP)
            assert SECRET not in str(found)
