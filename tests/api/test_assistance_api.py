"""Assistance through the API: recording services (with sealed notes and their audited
reveal), group intake, anonymous contacts, the grant and subtype catalogue, and bad input."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from app.assistance.grants import create_grant, create_subtype
from app.assistance.inputs import GrantInput, SubtypeInput
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.db import bind_actor
from app.validation import typed_input
from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys, refused

API = "/api/v1"
NIGHTS = {"category": "accommodation", "started_on": day(-3), "ended_on": day(), "quantity": 3}
COUNSELLING = {
    "category": "counselling",
    "started_on": day(),
    "quantity": 1,
    "language": "ro",
    "interpreter_used": True,
}


def _catalogue(world: ApiWorld) -> tuple[str, str]:
    with world.work() as (session, ctx):
        manager = replace(ctx, roles=frozenset({Role.supervisor}))
        year = date.today().year
        grant = create_grant(
            session,
            manager,
            typed_input(
                GrantInput,
                {
                    "code": "AMIF-1",
                    "name": "Shelter",
                    "funder": "EU",
                    "currency": "EUR",
                    "starts_on": f"{year - 1}-01-01",
                    "ends_on": f"{year + 1}-12-31",
                },
            ),
        )
        subtype = create_subtype(
            session,
            manager,
            typed_input(SubtypeInput, {"category": "counselling", "name": "Legal"}),
        )
        return str(grant.id), str(subtype.id)


def test_record_list_and_reveal_services(world: ApiWorld, db: Any) -> None:
    grant_id, subtype_id = _catalogue(world)
    cid = str(world.client_of())
    stay = world.post(
        f"{API}/clients/{cid}/services", {**NIGHTS, "grant_id": grant_id, "cost": "90.5"}
    )
    assert stay.status_code == 201, stay.json
    assert (stay.json["unit"], stay.json["quantity"], stay.json["currency"]) == (
        "nights",
        "3.00",
        "EUR",
    )
    talk = world.post(
        f"{API}/clients/{cid}/services",
        {**COUNSELLING, "subtype_id": subtype_id, "notes": SECRET},
    )
    assert talk.status_code == 201, talk.json
    assert talk.json["notes_recorded"] is True and SECRET not in talk.get_data(as_text=True)
    listed = world.get(f"{API}/clients/{cid}/services")
    assert {r["category"] for r in listed.json} == {"accommodation", "counselling"}
    assert SECRET not in listed.get_data(as_text=True)
    no_sealed_keys(listed.json)
    url = f"{API}/clients/{cid}/services/{talk.json['id']}/reveal"
    assert world.post(url).json == {"record_id": talk.json["id"], "notes": SECRET}
    bind_actor(db, world.north.id, None)
    reveal = db.scalar(select(AuditEvent).where(AuditEvent.action == "service.revealed"))
    assert reveal is not None and reveal.target_id == talk.json["id"]
    assert world.get(f"{API}/grants").json[0]["code"] == "AMIF-1"
    subtypes = world.get(f"{API}/service-subtypes?category=counselling").json
    assert [s["id"] for s in subtypes] == [subtype_id]
    assert world.get(f"{API}/service-subtypes?category=medical").json == []


def test_group_intake_records_one_service_per_client(world: ApiWorld) -> None:
    ids = [str(world.client_of()) for _ in range(3)]
    response = world.post(f"{API}/services/group", {"clients": ids, **NIGHTS})
    assert response.status_code == 201, response.json
    assert sorted(r["client_id"] for r in response.json) == sorted(ids)
    assert len({r["group_id"] for r in response.json}) == 1


def test_bad_services_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    url = f"{API}/clients/{cid}/services"
    refused(world, "POST", url, {**NIGHTS, "mood": "good"}, "mood")
    refused(world, "POST", url, {**NIGHTS, "category": "spa"}, "category")
    refused(world, "POST", url, {**NIGHTS, "quantity": -3}, "quantity")
    refused(world, "POST", url, {**NIGHTS, "started_on": day(5), "ended_on": None}, "started_on")
    refused(world, "POST", url, {**COUNSELLING, "language": None}, "language")
    body = {**COUNSELLING}
    del body["interpreter_used"]
    refused(world, "POST", url, body, "interpreter_used")
    refused(world, "POST", url, {**NIGHTS, "notes": "x" * 10_001}, "notes")
    refused(world, "POST", url, {**NIGHTS, "unit": "litres"}, "unit")
    refused(world, "POST", url, {**NIGHTS, "grant_id": "0" * 32}, "grant_id")


def test_interpreter_without_language_is_refused_everywhere(world: ApiWorld) -> None:
    cid = str(world.client_of())
    nights = {**NIGHTS, "interpreter_used": True}
    refused(world, "POST", f"{API}/clients/{cid}/services", nights, "language")
    refused(world, "POST", f"{API}/services/group", {**nights, "clients": [cid]}, "language")
    contact = {"occurred_on": day(), "channel": "phone", "interpreter_used": True}
    refused(world, "POST", f"{API}/anonymous-contacts", contact, "language")


def test_group_intake_is_all_or_nothing(world: ApiWorld) -> None:
    import uuid

    cid = str(world.client_of())
    body = {**NIGHTS, "clients": [cid, str(uuid.uuid4())]}
    refused(world, "POST", f"{API}/services/group", body, status=404)
    refused(world, "POST", f"{API}/services/group", {**NIGHTS, "clients": []}, "clients")
    refused(world, "POST", f"{API}/services/group", {**NIGHTS, "clients": ["K7"]}, "clients.0")


def test_anonymous_contacts(world: ApiWorld) -> None:
    contact = {
        "occurred_on": day(-1),
        "channel": "chat",
        "language": "uk",
        "topics": ["counselling", "legal"],
        "gender": "female",
        "referral_made": True,
    }
    created = world.post(f"{API}/anonymous-contacts", contact)
    assert created.status_code == 201, created.json
    assert created.json["topics"] == ["counselling", "legal"]
    page = world.get(f"{API}/anonymous-contacts?start={day(-7)}&end={day()}").json
    assert page["total"] == 1 and page["items"][0]["id"] == created.json["id"]
    other = world.get(f"{API}/anonymous-contacts?start={day(-7)}&end={day()}", org="south")
    assert other.json["total"] == 0


def test_bad_anonymous_contacts_are_refused_and_store_nothing(world: ApiWorld) -> None:
    url = f"{API}/anonymous-contacts"
    ok = {"occurred_on": day(), "channel": "phone"}
    refused(world, "POST", url, {**ok, "caller_name": "Ana"}, "caller_name")
    refused(world, "POST", url, {**ok, "channel": "pigeon"}, "channel")
    refused(world, "POST", url, {**ok, "occurred_on": day(3)}, "occurred_on")
    refused(world, "POST", url, {**ok, "topics": ["gossip"]}, "topics.0")
    refused(world, "GET", f"{url}?start={day()}&end={day(-3)}", None, "end")
    refused(world, "GET", f"{url}?start={day()}", None, "end")
    refused(world, "GET", f"{API}/service-subtypes?category=spa", None, "category")


def _events(db: Any, world: ApiWorld, action: str) -> list[AuditEvent]:
    db.rollback()
    bind_actor(db, world.north.id, None)
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_correct_a_service_and_its_notes(world: ApiWorld, db: Any) -> None:
    cid = str(world.client_of())
    record = world.post(f"{API}/clients/{cid}/services", {**COUNSELLING, "notes": SECRET}).json
    url = f"{API}/clients/{cid}/services/{record['id']}"
    fixed = world.patch(url, {"quantity": "2", "language": "uk"})
    assert fixed.status_code == 200, fixed.json
    assert (fixed.json["quantity"], fixed.json["language"]) == ("2.00", "uk")
    assert fixed.json["started_on"] == record["started_on"]  # left out: kept
    assert fixed.json["notes_recorded"] is True and SECRET not in fixed.get_data(as_text=True)
    no_sealed_keys(fixed.json)
    assert world.post(f"{url}/reveal").json["notes"] == SECRET
    [event] = _events(db, world, "service.corrected")
    assert event.details == {"fields": ["language", "quantity"]}
    assert world.patch(url, {"notes": "Calmer now"}).json["notes_recorded"] is True
    assert world.post(f"{url}/reveal").json["notes"] == "Calmer now"
    assert world.patch(url, {"notes": None}).json["notes_recorded"] is False
    logged = sorted(e.details["fields"] for e in _events(db, world, "service.corrected"))
    assert logged == [["language", "quantity"], ["notes"], ["notes"]]


def test_bad_corrections_get_the_same_messages_and_change_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    record = world.post(f"{API}/clients/{cid}/services", COUNSELLING).json
    url = f"{API}/clients/{cid}/services/{record['id']}"
    refused(world, "PATCH", url, {"mood": "good"}, "mood")
    refused(world, "PATCH", url, {"clear_notes": True}, "clear_notes")  # notes: null clears
    refused(world, "PATCH", url, {"category": None}, "category")
    refused(world, "PATCH", url, {"category": "spa"}, "category")
    refused(world, "PATCH", url, {"quantity": -3}, "quantity")
    refused(world, "PATCH", url, {"started_on": day(5)}, "started_on")
    refused(world, "PATCH", url, {"interpreter_used": None}, "interpreter_used")
    refused(world, "PATCH", url, {"unit": "nights"}, "unit")
    refused(world, "PATCH", url, {"notes": "x" * 10_001}, "notes")
    refused(world, "PATCH", url, {"grant_id": "0" * 32}, "grant_id")
    patched = refused(world, "PATCH", url, {"language": None}, "language")
    posted = refused(
        world, "POST", f"{API}/clients/{cid}/services", {**COUNSELLING, "language": None}
    )
    assert patched["fields"]["language"] == posted["fields"]["language"]


def test_remove_a_service_with_a_reason(world: ApiWorld, db: Any) -> None:
    cid = str(world.client_of())
    record = world.post(f"{API}/clients/{cid}/services", {**NIGHTS, "notes": SECRET}).json
    url = f"{API}/clients/{cid}/services/{record['id']}"
    refused(world, "DELETE", url, None, "reason")
    refused(world, "DELETE", f"{url}?reason=bored", None, "reason")
    refused(world, "DELETE", f"{url}?reason=duplicate&why=x", None, "why")
    removed = world.call("DELETE", f"{url}?reason=wrong_client")
    assert removed.status_code == 204 and removed.get_data() == b""
    assert world.get(f"{API}/clients/{cid}/services").json == []
    [event] = _events(db, world, "service.removed")
    assert (event.target_id, event.details) == (record["id"], {"reason": "wrong_client"})
    assert world.call("DELETE", f"{url}?reason=duplicate").status_code == 404


def test_records_of_an_erased_client_cannot_be_changed(world: ApiWorld) -> None:
    from app.clients.models import Client
    from app.db.base import utcnow

    cid = str(world.client_of())
    record = world.post(f"{API}/clients/{cid}/services", NIGHTS).json
    with world.work() as (session, _ctx):
        client = session.scalar(select(Client))
        assert client is not None
        client.erased_at = utcnow()
    url = f"{API}/clients/{cid}/services/{record['id']}"
    refused(world, "PATCH", url, {"quantity": 2}, status=409)
    refused(world, "DELETE", f"{url}?reason=duplicate", None, status=409)


def test_a_record_of_another_client_is_not_found(world: ApiWorld) -> None:
    cid, other = str(world.client_of()), str(world.client_of())
    record = world.post(f"{API}/clients/{cid}/services", NIGHTS).json
    url = f"{API}/clients/{other}/services/{record['id']}"
    refused(world, "PATCH", url, {"quantity": 2}, status=404)
    refused(world, "DELETE", f"{url}?reason=wrong_client", None, status=404)


def test_services_list_pages_with_a_next_link(world: ApiWorld) -> None:
    cid = str(world.client_of())
    for offset in range(5):
        world.post(f"{API}/clients/{cid}/services", {**NIGHTS, "started_on": day(-offset),
                                                     "ended_on": None, "quantity": 1})  # fmt: skip
    url = f"{API}/clients/{cid}/services"
    everything = world.get(url)
    assert len(everything.json) == 5 and "Link" not in everything.headers
    first = world.get(f"{url}?per_page=2")
    assert [r["started_on"] for r in first.json] == [day(), day(-1)]
    assert first.headers["Link"] == f'<{url}?page=2&per_page=2>; rel="next"'
    last = world.get(f"{url}?page=3&per_page=2")
    assert [r["started_on"] for r in last.json] == [day(-4)] and "Link" not in last.headers
    refused(world, "GET", f"{url}?per_page=500", None, "per_page")
    refused(world, "GET", f"{url}?page=0", None, "page")
    refused(world, "GET", f"{url}?sort=oldest", None, "sort")
