"""The disclosure API: a decision per group with reasons and policy ids, refusals that
answer 422 and stay in the register, approval and the package, and another
organisation's ids answered 404 on every route."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from app.disclosure.models import DisclosureEvent, EventKind
from tests.api.conftest import ApiWorld, assert_fields, world
from tests.disclosure.conftest import SECRET_ADDRESS, SECRET_STATEMENT

__all__ = ["world"]

POLICE = {
    "recipient_type": "police",
    "recipient_name": "Police nationale",
    "purpose": "criminal_investigation",
    "legal_basis": "court_order",
    "legal_reference": "TJ Lyon 2026/5",
    "field_groups": ["narrative", "location"],
}


def _client(world: ApiWorld):
    return world.client_of(
        facts={"age_band": "25_34"},
        identity={"address": SECRET_ADDRESS, "narrative": SECRET_STATEMENT},
    )


def test_decision_approval_and_package(world: ApiWorld) -> None:
    client_id = _client(world)
    response = world.post(f"/api/v1/clients/{client_id}/disclosures", POLICE)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "awaiting_approval"
    groups = {g["field_group"]: g for g in body["groups"]}
    assert groups["narrative"]["outcome"] == "needs_approval"
    assert groups["narrative"]["policy_ids"] == ["court_order_disclosure"]
    assert SECRET_STATEMENT not in response.get_data(as_text=True)
    url = f"/api/v1/disclosures/{body['id']}"
    assert world.post(f"{url}/approve", {}).status_code == 403  # a caseworker's token
    approved = world.post(f"{url}/approve", {"notify_client": True}, role="supervisor")
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "ready"
    package = world.post(f"{url}/release", role="supervisor")
    assert package.status_code == 200 and package.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(package.data))
    assert any(SECRET_STATEMENT.encode() in archive.read(n) for n in archive.namelist())
    assert world.get(url).json["status"] == "released"


def test_refusals_are_422_and_recorded(world: ApiWorld) -> None:
    client_id = _client(world)
    url = f"/api/v1/clients/{client_id}/disclosures"
    assert_fields(world.post(url, {**POLICE, "legal_basis": None}), "legal_basis")
    assert_fields(world.post(url, {**POLICE, "legal_reference": None}), "legal_reference")
    body = assert_fields(
        world.post(url, {**POLICE, "recipient_type": "immigration", "legal_basis": "consent"}),
        "field_groups",
    )
    assert "court order" in " ".join(body["fields"]["field_groups"])
    with world.work() as (session, _ctx):
        kinds = sorted(session.scalars(select(DisclosureEvent.kind)).all())
    assert kinds == [EventKind.decided, EventKind.refused_input, EventKind.refused_input]


def test_what_if_and_another_organisation(world: ApiWorld) -> None:
    decision = world.post(
        "/api/v1/disclosure/what-if",
        {
            "recipient_type": "media",
            "purpose": "media",
            "legal_basis": "consent",
            "field_groups": ["identity", "case_facts"],
            "consented_groups": ["identity", "case_facts"],
        },
    )
    assert decision.status_code == 200
    outcomes = {g["field_group"]: g["outcome"] for g in decision.json["groups"]}
    assert outcomes == {"identity": "denied", "case_facts": "denied"}
    client_id = _client(world)
    row = world.post(f"/api/v1/clients/{client_id}/disclosures", POLICE).json
    for method, url, body in [
        ("POST", f"/api/v1/clients/{client_id}/disclosures", POLICE),
        ("GET", f"/api/v1/clients/{client_id}/disclosures", None),
        ("GET", f"/api/v1/disclosures/{row['id']}", None),
        ("POST", f"/api/v1/disclosures/{row['id']}/approve", {}),
        ("POST", f"/api/v1/disclosures/{row['id']}/release", {}),
    ]:
        response = world.call(method, url, body, org="south", role="supervisor")
        assert response.status_code == 404, (method, url, response.json)
    assert world.get(f"/api/v1/disclosures/{row['id']}").json["status"] == "awaiting_approval"
