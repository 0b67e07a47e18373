"""Clients through the API: intake, list, search, the audited reveal, and bad input."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import bind_actor
from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys, refused

API = "/api/v1"
SCRIPT = "<script>alert('x')</script> Ana"


def _intake(world: ApiWorld, **extra: object) -> dict[str, object]:
    body = {"gender": "female", "age_band": "18_24", "nationality": "md", "languages": ["ro"]}
    response = world.post(f"{API}/clients", {**body, **extra})
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def test_intake_returns_code_and_coarse_facts_never_identity(world: ApiWorld) -> None:
    client = _intake(world, name=SECRET, date_of_birth="1999-04-01", phone="+373 22 123 456")
    assert client["nationality"] == "MD" and client["nationality_region"]
    assert client["identity_recorded"] == ["name", "date_of_birth", "phone"]
    response = world.get(f"{API}/clients/{client['id']}")
    assert response.json == client
    for body in (response.get_data(as_text=True), str(client)):
        assert SECRET not in body and "1999-04-01" not in body
    no_sealed_keys(response.json)


def test_list_paginates_with_codes_and_coarse_facts(world: ApiWorld) -> None:
    codes = {_intake(world, name=f"{SECRET} {n}")["code"] for n in range(3)}
    first = world.get(f"{API}/clients?per_page=2").json
    second = world.get(f"{API}/clients?per_page=2&page=2").json
    assert (first["total"], first["page"], len(first["items"]), len(second["items"])) == (
        3,
        1,
        2,
        1,
    )
    assert {row["code"] for row in first["items"] + second["items"]} == codes
    assert set(first["items"][0]) == {
        "id", "code", "created_at", "gender", "age_band", "is_minor", "nationality",
        "nationality_region", "victim_status", "erased",
    }  # fmt: skip
    assert SECRET not in str(first)


def test_search_by_code_and_by_identity_field(world: ApiWorld) -> None:
    client = _intake(world, name="Ana Popescu", date_of_birth="1999-04-01")
    _intake(world, name="Someone Else")
    spaced = str(client["code"]).lower().replace("-", " ")
    assert world.get(f"{API}/clients/by-code?code={spaced}").json["id"] == client["id"]
    assert world.get(f"{API}/clients/by-code?code=ZZ-NONE-00").status_code == 404
    found = world.post(f"{API}/clients/search", {"field": "name", "value": "ana  POPESCU"})
    assert [c["id"] for c in found.json] == [client["id"]]
    found = world.post(f"{API}/clients/search", {"field": "date_of_birth", "value": "1999-04-01"})
    assert [c["id"] for c in found.json] == [client["id"]]
    assert "Popescu" not in found.get_data(as_text=True)


def test_identity_is_never_searched_through_the_query_string(world: ApiWorld) -> None:
    response = world.get(f"{API}/clients/search?field=name&value=Ana")
    assert response.status_code == 405
    refused(world, "GET", f"{API}/clients/by-code?code=X&name=Ana", None, "name")


def test_reveal_returns_plaintext_and_is_audited(world: ApiWorld, db) -> None:  # type: ignore[no-untyped-def]
    client = _intake(world, name=SCRIPT)
    response = world.post(f"{API}/clients/{client['id']}/reveal", {"field": "name"})
    assert response.status_code == 200
    # Stored and returned as text: JSON, never markup.
    assert response.json == {"field": "name", "value": SCRIPT}
    assert response.content_type == "application/json"
    empty = world.post(f"{API}/clients/{client['id']}/reveal", {"field": "address"}).json
    assert empty == {"field": "address", "value": None}
    bind_actor(db, world.north.id, None)
    reveals = db.scalars(select(AuditEvent).where(AuditEvent.action == "client.revealed")).all()
    assert [(e.target_id, e.details["field"]) for e in reveals] == [(client["id"], "name")]
    assert all(SCRIPT not in str(e.details) for e in reveals)
    # The integration that revealed is on record, though no person signed in.
    assert reveals[0].actor_id is None and reveals[0].api_token_id is not None


def test_reveal_by_supervisor_token_and_refused_for_funder(world: ApiWorld) -> None:
    client = _intake(world, name=SECRET)
    url = f"{API}/clients/{client['id']}/reveal"
    assert world.post(url, {"field": "name"}, role="supervisor").json["value"] == SECRET
    response = world.post(url, {"field": "name"}, role="funder")
    assert response.status_code == 403 and SECRET not in response.get_data(as_text=True)


def test_facts_and_identity_updates(world: ApiWorld) -> None:
    client = _intake(world)
    updated = world.patch(f"{API}/clients/{client['id']}", {"victim_status": "presumed"}).json
    assert updated["victim_status"] == "presumed" and updated["gender"] == "female"
    updated = world.patch(f"{API}/clients/{client['id']}/identity", {"phone": "+33 6 12"}).json
    assert updated["identity_recorded"] == ["phone"]


def test_bad_intake_is_refused_field_by_field_and_stores_nothing(world: ApiWorld) -> None:
    url = f"{API}/clients"
    body = refused(world, "POST", url, {"gender": "female", "nickname": "x"}, "nickname")
    assert body["fields"]["nickname"] == ["Unknown field."]
    refused(world, "POST", url, {"gender": "robot"}, "gender")
    # Unknown fields stop here: the service's input is typed and cannot carry them.
    refused(world, "POST", url, {"colour": "blue"}, "colour")
    refused(world, "POST", url, {"passport": "X1"}, "passport")
    refused(world, "POST", url, {"forms_of_exploitation": ["piracy"]}, "forms_of_exploitation.0")
    refused(world, "POST", url, {"date_of_birth": day(30)}, "date_of_birth")
    refused(world, "POST", url, {"identified_on": "yesterday"}, "identified_on")
    refused(world, "POST", url, {"nationality": "XX", "name": "a" * 201}, "nationality", "name")
    refused(world, "POST", url, {"age_band": "25_34", "is_minor": True}, "is_minor")
    refused(world, "POST", url, {"narrative": "x" * 10_001}, "narrative")
    refused(world, "POST", url, {"name": "Ana \ud800", "narrative": "a\x00b"}, "name", "narrative")


def test_ten_megabytes_of_notes_are_refused(world: ApiWorld) -> None:
    refused(world, "POST", f"{API}/clients", {"narrative": "x" * 10_000_000}, status=413)


def test_bad_search_and_reveal_requests(world: ApiWorld) -> None:
    client = _intake(world)
    refused(world, "POST", f"{API}/clients/search", {"field": "address", "value": "x"}, "field")
    refused(world, "POST", f"{API}/clients/search", {"field": "name", "value": " "}, "value")
    refused(world, "POST", f"{API}/clients/search", {"field": "name"}, "value")
    url = f"{API}/clients/{client['id']}/reveal"
    refused(world, "POST", url, {"field": "sealed_name"}, "field")
    refused(world, "POST", url, {"field": "name", "why": "curious"}, "why")
    refused(world, "GET", f"{API}/clients?per_page=500", None, "per_page")
    refused(world, "PATCH", f"{API}/clients/{client['id']}", {"name": "x"}, "name")
