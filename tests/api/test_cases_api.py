"""Cases through the API: overview, open and close, reflection period, permit track, NRM
state, the risk register with its audited reveal, and bad input."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import bind_actor
from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys, refused

API = "/api/v1"


def _case(world: ApiWorld, **facts: Any) -> tuple[str, str]:
    cid = str(world.client_of(facts=facts))
    response = world.post(f"{API}/clients/{cid}/cases", {"opened_on": day(-10)})
    assert response.status_code == 201, response.json
    return cid, response.json["id"]


def test_case_life_through_the_api(world: ApiWorld) -> None:
    cid, case_id = _case(world)
    url = f"{API}/clients/{cid}/cases/{case_id}"
    period = world.put(f"{url}/reflection-period", {"reflection_start": day(-9)}).json
    assert (period["reflection_start"], period["reflection_end"]) == (day(-9), None)
    track = world.put(f"{url}/permit-track", {"permit_track": "victim_residence_permit"}).json
    assert track["permit_track"] == "victim_residence_permit"
    event = world.post(f"{url}/nrm-states", {"nrm_state": "referred", "changed_on": day(-5)})
    assert event.status_code == 201 and event.json["state"] == "referred"
    overview = world.get(f"{API}/clients/{cid}/case").json
    assert overview["current"]["id"] == case_id and overview["current"]["nrm_state"] == "referred"
    assert [e["state"] for e in overview["nrm_history"]] == ["referred"]
    assert overview["client_code"] and overview["shows_child_module"] is False
    closed = world.post(f"{url}/close", {"closed_on": day(), "reason": "goals_met"}).json
    assert (closed["closed_on"], closed["close_reason"]) == (day(), "goals_met")
    assert world.get(f"{API}/clients/{cid}/case").json["current"] is None


def test_supervisor_token_sees_the_child_module_without_sealed_values(world: ApiWorld) -> None:
    cid, _ = _case(world, age_band="12_17")
    assert world.get(f"{API}/clients/{cid}/case").json["child"] is None
    overview = world.get(f"{API}/clients/{cid}/case", role="supervisor").json
    assert overview["shows_child_module"] is True
    no_sealed_keys(overview)


def test_risk_register_with_sealed_notes(world: ApiWorld, db) -> None:  # type: ignore[no-untyped-def]
    cid, case_id = _case(world)
    added = world.post(
        f"{API}/clients/{cid}/cases/{case_id}/risks",
        {"kind": "retaliation", "level": "high", "review_on": day(7), "notes": SECRET},
    )
    assert added.status_code == 201
    risk = added.json
    assert risk["notes_recorded"] is True and SECRET not in added.get_data(as_text=True)
    no_sealed_keys(risk)
    url = f"{API}/clients/{cid}/risks/{risk['id']}"
    reviewed = world.post(f"{url}/review", {"level": "medium", "review_on": day(14)}).json
    assert (reviewed["level"], reviewed["review_on"]) == ("medium", day(14))
    listed = world.get(f"{API}/clients/{cid}/risks")
    assert [r["id"] for r in listed.json] == [risk["id"]]
    assert SECRET not in listed.get_data(as_text=True)
    assert world.post(f"{url}/reveal").json == {"risk_id": risk["id"], "notes": SECRET}
    bind_actor(db, world.north.id, None)
    reveal = db.scalar(select(AuditEvent).where(AuditEvent.action == "case.revealed"))
    assert reveal is not None and reveal.target_id == risk["id"]
    assert world.post(f"{url}/close").json["closed_at"]
    assert world.post(f"{url}/close").status_code == 409


def test_bad_case_input_is_refused_and_stores_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    url = f"{API}/clients/{cid}/cases"
    body = refused(world, "POST", url, {"opened_on": day(), "owner": "me"}, "owner")
    assert body["fields"]["owner"] == ["Unknown field."]
    refused(world, "POST", url, {"opened_on": day(30)}, "opened_on")
    refused(world, "POST", url, {"opened_on": "2026-02-30"}, "opened_on")
    refused(world, "POST", url, {"opened_on": day(), "permit_track": "golden_visa"}, "permit_track")
    refused(world, "POST", url, {}, "opened_on")


def test_bad_changes_to_a_case_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid, case_id = _case(world)
    url = f"{API}/clients/{cid}/cases/{case_id}"
    refused(world, "POST", f"{url}/close", {"closed_on": day(), "reason": "bored"}, "reason")
    refused(world, "POST", f"{url}/close", {"closed_on": day(-20), "reason": "other"}, "closed_on")
    refused(world, "POST", f"{url}/close", {"closed_on": day(3), "reason": "other"}, "closed_on")
    period = {"reflection_start": day(-1), "reflection_end": day(-3)}
    refused(world, "PUT", f"{url}/reflection-period", period, "reflection_end")
    refused(
        world, "POST", f"{url}/nrm-states", {"nrm_state": "x", "changed_on": day()}, "nrm_state"
    )
    nrm = {"nrm_state": "referred", "changed_on": day(2)}
    refused(world, "POST", f"{url}/nrm-states", nrm, "changed_on")
    risk = {"kind": "kidnap", "level": "extreme", "review_on": day(-3), "notes": "x" * 10_001}
    refused(world, "POST", f"{url}/risks", risk, "kind", "level")
    risk = {"kind": "retaliation", "level": "high", "review_on": day(-3), "notes": "x" * 10_001}
    refused(world, "POST", f"{url}/risks", risk, "review_on", "notes")


def test_a_closed_case_refuses_changes(world: ApiWorld) -> None:
    cid, case_id = _case(world)
    url = f"{API}/clients/{cid}/cases/{case_id}"
    world.post(f"{url}/close", {"closed_on": day(), "reason": "goals_met"})
    refused(world, "PUT", f"{url}/permit-track", {"permit_track": "humanitarian"}, status=409)


def test_risk_notes_with_markup_come_back_as_text(world: ApiWorld) -> None:
    cid, case_id = _case(world)
    notes = "<script>alert(1)</script>"
    risk = world.post(
        f"{API}/clients/{cid}/cases/{case_id}/risks",
        {"kind": "other", "level": "low", "review_on": day(1), "notes": notes},
    ).json
    revealed = world.post(f"{API}/clients/{cid}/risks/{risk['id']}/reveal")
    assert revealed.json["notes"] == notes and revealed.content_type == "application/json"
