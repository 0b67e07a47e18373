"""Every casework route of the API: 401 without a valid token, 403 for roles that never see
client data, and 404 with nothing changed for an id of another organisation."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import pytest

from app.auth.models import Role
from app.referrals.inputs import PlatformReferral
from app.referrals.service import refer_to_platform_organisation
from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys
from tests.api.test_catalogue_api import MANAGER_ROUTES

API = "/api/v1"
#: Routes that are not casework (token check for any role).
OPEN_ROUTES = {("get", "/api/v1/whoami")}
#: The auditor workspace's API: for auditors and admins (tests/auditor/test_api.py).
AUDIT_PREFIX = f"{API}/audit/"
#: The reports' API: for funders, supervisors and admins, no client data; its roles and
#: cross-tenant refusals are in tests/reports/test_api.py.
REPORTS_PREFIX = f"{API}/reports/"


def _documented(world: ApiWorld) -> set[tuple[str, str]]:
    spec = world.http.get(f"{API}/openapi.json").json
    return {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    } - OPEN_ROUTES


def _with_ids(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda _: str(uuid.uuid4()), path)


def test_every_casework_route_needs_a_valid_token(world: ApiWorld) -> None:
    routes = _documented(world)
    assert len(routes) >= 30
    for method, path in sorted(routes):
        url = _with_ids(path)
        for headers in ({}, {"Authorization": "Bearer hvn_nonsense"}):
            response = world.http.open(url, method=method.upper(), json={}, headers=headers)
            assert response.status_code == 401, (method, path)
            assert response.json["message"] == "The API token is missing or not valid."


@pytest.mark.parametrize("role", ["funder", "auditor", "org_admin"])
def test_roles_without_client_access_get_403_before_any_parsing(world: ApiWorld, role: str) -> None:
    world.token(role=role)  # made (and audited) before the snapshot
    before = world.snapshot()
    not_casework = (AUDIT_PREFIX, REPORTS_PREFIX)
    for method, path in sorted(p for p in _documented(world) if not p[1].startswith(not_casework)):
        # A body full of unknown fields: the role is refused first, the body never read.
        response = world.call(method.upper(), _with_ids(path), {"bogus": 1}, role=role)
        assert response.status_code == 403, (role, method, path, response.json)
    assert world.snapshot() == before


def _seed_north(world: ApiWorld) -> dict[str, str]:
    """A north client with a case, a risk, a claim, a referral, a service record, and an
    incoming referral from south; all made through the API as north."""
    cid = str(world.client_of(identity={"name": SECRET}))
    case = world.post(f"{API}/clients/{cid}/cases", {"opened_on": day()}).json
    risk = world.post(
        f"{API}/clients/{cid}/cases/{case['id']}/risks",
        {"kind": "retaliation", "level": "high", "review_on": day(7), "notes": SECRET},
    ).json
    claim = world.post(
        f"{API}/clients/{cid}/claims",
        {"route": "civil", "defendant_type": "employer", "currency": "EUR"},
    ).json
    referral = world.post(
        f"{API}/clients/{cid}/referrals/external",
        {
            "partner_kind": "external_organisation",
            "partner_name": "Legal Aid Lyon",
            "services_requested": ["legal"],
            "sent_on": day(),
        },
    ).json
    record = world.post(
        f"{API}/clients/{cid}/services",
        {"category": "accommodation", "started_on": day(), "quantity": 1, "notes": SECRET},
    ).json
    member = world.factory.person("cw@north.org", {world.north: {Role.caseworker}})
    team = f"{API}/clients/{cid}/cases/{case['id']}/assignments"
    world.post(team, {"user_id": str(member.user.id)}, role="supervisor")
    south_client = world.client_of(world.south)
    with world.work(world.south) as (session, ctx):
        refer_to_platform_organisation(
            session,
            ctx,
            south_client,
            PlatformReferral(world.north.id, ["accommodation"], date.fromisoformat(day(-1))),
        )
    incoming = world.get(f"{API}/referrals/incoming").json
    notice = world.get(f"{API}/consent/notices").json[0]
    consent = world.post(
        f"{API}/clients/{cid}/consents",
        {
            "decision": "given", "purposes": ["case_conference"], "field_groups": ["health"],
            "recipient_types": ["partner_ngo"], "notice_id": notice["id"],
            "notice_language": "en", "notice_version": 1, "language": "en",
            "method": "verbal", "expires_on": day(30),
        },
    ).json  # fmt: skip
    disclosure = world.post(f"{API}/clients/{cid}/disclosures", DISCLOSURE).json
    return {
        "request_id": disclosure["id"],
        "consent_id": consent["record_id"],
        "notice_id": notice["id"],
        "client_id": cid,
        "case_id": case["id"],
        "risk_id": risk["id"],
        "claim_id": claim["id"],
        "referral_id": referral["id"],
        "record_id": record["id"],
        "incoming_id": incoming[0]["id"],
        "user_id": str(member.user.id),
    }


DISCLOSURE = {"recipient_type": "police", "recipient_name": "Police", "purpose":
              "criminal_investigation", "legal_basis": "court_order", "legal_reference": "TJ 1",
              "field_groups": ["identity"]}  # fmt: skip
SERVICE = {"category": "medical", "started_on": day(), "quantity": 1, "language": "ro",
           "interpreter_used": False}  # fmt: skip
#: (method, documented path, a valid body): each is called by south with north's ids.
CROSS_TENANT: list[tuple[str, str, Any]] = [
    ("get", "/clients/{client_id}", None),
    ("patch", "/clients/{client_id}", {"gender": "female"}),
    ("patch", "/clients/{client_id}/identity", {"phone": "+33 1 23 45 67 89"}),
    ("post", "/clients/{client_id}/reveal", {"field": "name"}),
    ("get", "/clients/{client_id}/case", None),
    ("post", "/clients/{client_id}/cases", {"opened_on": day()}),
    ("post", "/clients/{client_id}/cases/{case_id}/close",
     {"closed_on": day(), "reason": "goals_met"}),
    ("put", "/clients/{client_id}/cases/{case_id}/reflection-period",
     {"reflection_start": day()}),
    ("put", "/clients/{client_id}/cases/{case_id}/permit-track",
     {"permit_track": "humanitarian"}),
    ("post", "/clients/{client_id}/cases/{case_id}/nrm-states",
     {"nrm_state": "referred", "changed_on": day()}),
    ("get", "/clients/{client_id}/cases/{case_id}/assignments", None),
    ("post", "/clients/{client_id}/cases/{case_id}/assignments", {"user_id": "{user_id}"}),
    ("delete", "/clients/{client_id}/cases/{case_id}/assignments/{user_id}", None),
    ("get", "/clients/{client_id}/cases/{case_id}/child", None),
    ("put", "/clients/{client_id}/cases/{case_id}/child",
     {"schooling": "enrolled", "guardian": "x"}),
    ("post", "/clients/{client_id}/cases/{case_id}/child/reveal", {"field": "guardian"}),
    ("get", "/clients/{client_id}/risks", None),
    ("post", "/clients/{client_id}/cases/{case_id}/risks",
     {"kind": "self_harm", "level": "low", "review_on": day(3)}),
    ("post", "/clients/{client_id}/risks/{risk_id}/review",
     {"level": "low", "review_on": day(3)}),
    ("post", "/clients/{client_id}/risks/{risk_id}/close", None),
    ("post", "/clients/{client_id}/risks/{risk_id}/reveal", None),
    ("get", "/clients/{client_id}/claims", None),
    ("post", "/clients/{client_id}/claims",
     {"route": "civil", "defendant_type": "employer", "currency": "EUR"}),
    ("post", "/clients/{client_id}/claims/{claim_id}/status",
     {"status": "filed", "changed_on": day()}),
    ("get", "/clients/{client_id}/referrals", None),
    ("post", "/clients/{client_id}/referrals/platform",
     {"organisation_id": "{north}", "services_requested": ["legal"], "sent_on": day()}),
    ("post", "/clients/{client_id}/referrals/external",
     {"partner_kind": "nrm", "partner_name": "NRM", "services_requested": ["referral"],
      "sent_on": day()}),
    ("post", "/clients/{client_id}/referrals/{referral_id}/response",
     {"decision": "accepted", "responded_on": day()}),
    ("post", "/clients/{client_id}/referrals/{referral_id}/complete",
     {"outcome": "services_provided"}),
    ("post", "/clients/{client_id}/referrals/{referral_id}/cancel", None),
    ("post", "/referrals/incoming/{referral_id}/respond",
     {"decision": "accepted", "responded_on": day(), "take_on": True}),
    ("get", "/clients/{client_id}/services", None),
    ("post", "/clients/{client_id}/services", SERVICE),
    ("post", "/clients/{client_id}/services/{record_id}/reveal", None),
    ("patch", "/clients/{client_id}/services/{record_id}", {"quantity": 2, "notes": "x"}),
    ("delete", "/clients/{client_id}/services/{record_id}?reason=duplicate", None),
    ("post", "/services/group", {"clients": ["{client_id}"], **SERVICE}),
    ("get", "/clients/{client_id}/consents", None),
    ("post", "/clients/{client_id}/consents", {"decision": "given", "purposes": ["referral"],
     "field_groups": ["identity"], "recipient_types": ["police"], "notice_id": "{notice_id}",
     "notice_language": "en", "notice_version": 1, "language": "en", "method": "verbal",
     "expires_on": day(30)}),
    ("get", "/clients/{client_id}/consents/{consent_id}", None),
    ("post", "/clients/{client_id}/consents/{consent_id}/withdraw", {}),
    ("post", "/clients/{client_id}/consent-check",
     {"purpose": "referral", "recipient_type": "police"}),
    ("get", "/consent/notices/{notice_id}/texts", None),
    ("post", "/consent/notices/{notice_id}/texts", {"language": "en", "title": "x", "body": "y"}),
    ("get", "/clients/{client_id}/disclosures", None),
    ("post", "/clients/{client_id}/disclosures", DISCLOSURE),
    ("get", "/disclosures/{request_id}", None),
    ("post", "/disclosures/{request_id}/approve", {"notify_client": True}),
    ("post", "/disclosures/{request_id}/release", None),
]  # fmt: skip


def _fill(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def test_another_organisations_ids_are_not_found_and_change_nothing(world: ApiWorld) -> None:
    north = _seed_north(world)
    world.token("south", "caseworker"), world.token("south", "supervisor")
    before = world.snapshot()
    for method, path, body in CROSS_TENANT:
        ids = {**north, "north": str(world.north.id)}
        if path.startswith("/referrals/incoming"):
            ids["referral_id"] = north["incoming_id"]
        for role in ("caseworker", "supervisor"):
            response = world.call(
                method.upper(), API + _fill(path, ids), _fill(body, ids), org="south", role=role
            )
            assert response.status_code == 404, (method, path, role, response.json)
            assert SECRET not in response.get_data(as_text=True)
    assert world.snapshot() == before


def test_cross_tenant_list_covers_every_route_with_an_id(world: ApiWorld) -> None:
    with_ids = {(m, p) for m, p in _documented(world) if "{" in p}
    with_ids.add(("post", "/api/v1/services/group"))  # ids in the body
    # Grant and service-type changes take a supervisor token, not the caseworker's used
    # here; their cross-tenant checks are in test_catalogue_api.
    with_ids -= MANAGER_ROUTES
    with_ids = {(m, p) for m, p in with_ids if not p.startswith(REPORTS_PREFIX)}
    assert with_ids == {(m, API + p.split("?")[0]) for m, p, _ in CROSS_TENANT}


def test_own_client_with_another_organisations_record_ids_is_not_found(
    world: ApiWorld,
) -> None:
    north = _seed_north(world)
    mine = str(world.client_of(world.south))
    world.post(f"{API}/clients/{mine}/cases", {"opened_on": day()}, org="south")
    world.token("south", "caseworker")
    before = world.snapshot()
    calls = [
        ("POST", f"/clients/{mine}/cases/{north['case_id']}/close",
         {"closed_on": day(), "reason": "goals_met"}),
        ("POST", f"/clients/{mine}/risks/{north['risk_id']}/reveal", None),
        ("POST", f"/clients/{mine}/claims/{north['claim_id']}/status",
         {"status": "filed", "changed_on": day()}),
        ("POST", f"/clients/{mine}/referrals/{north['referral_id']}/cancel", None),
        ("POST", f"/clients/{mine}/services/{north['record_id']}/reveal", None),
        ("PATCH", f"/clients/{mine}/services/{north['record_id']}", {"quantity": 2}),
        ("DELETE", f"/clients/{mine}/services/{north['record_id']}?reason=duplicate", None),
        ("POST", "/services/group", {"clients": [mine, north["client_id"]], **SERVICE}),
    ]  # fmt: skip
    for method, path, body in calls:
        response = world.call(method, API + path, body, org="south")
        assert response.status_code == 404, (path, response.json)
    assert world.snapshot() == before


def test_lists_show_only_the_tokens_organisation(world: ApiWorld) -> None:
    _seed_north(world)
    page = world.get(f"{API}/clients", org="south").json
    assert page["total"] == 1  # south's own client, made by the seed
    incoming = world.get(f"{API}/referrals/incoming", org="south").json
    assert incoming == []
    no_sealed_keys(page)
