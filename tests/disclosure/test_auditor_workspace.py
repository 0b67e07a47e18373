"""The disclosure register as the auditor workspace shows it: statistics of disclosures
without consent by legal basis (from the register, with a chart), the register linked
from the workspace's navigation and served by the auditor API, pseudonym codes only."""

from __future__ import annotations

import re

from app.auth.models import Role
from app.auth.tokens import create_api_token
from app.clients.models import Client
from app.context import Actor
from app.db.base import utcnow
from app.disclosure import service
from app.disclosure.inputs import ApprovalInput
from app.disclosure.models import Status
from app.disclosure.package import release_package
from tests.conftest import sign_in
from tests.disclosure.conftest import (
    SECRET_ADDRESS,
    SECRET_NAME,
    SECRET_STATEMENT,
    SUPERVISOR,
    to_police,
)


def _approved(casework, work, client_id, **overrides):
    """A request without consent that a supervisor approved (the worker asked)."""
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police(**overrides))
    assert row.status is Status.awaiting_approval
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        approved = service.approve_disclosure(session, ctx, row.id, ApprovalInput())
    assert approved.status is Status.ready
    return approved


def _disclosures(casework, work, new_client, give):
    """One statutory-duty request approved and released, one court order approved only,
    one consent-based request released under valid consent (not counted)."""
    first, second, third = (new_client(casework.north) for _ in range(3))
    statutory = _approved(
        casework, work, first,
        purpose="criminal_investigation", legal_basis="statutory_duty",
        legal_reference="CPP 60-1", field_groups=["identity"],
    )  # fmt: skip
    with work(casework.north, casework.worker) as (session, ctx):
        release_package(session, ctx, statutory.id)
    _approved(
        casework, work, second,
        purpose="criminal_investigation", legal_basis="court_order",
        legal_reference="TGI Lyon 2026/123", field_groups=["identity"],
    )  # fmt: skip
    give(casework.north, third)
    with work(casework.north, casework.worker) as (session, ctx):
        consented = service.ask_for_disclosure(session, ctx, third, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        release_package(session, ctx, consented.id)
    with work(casework.north) as (session, _ctx):
        return session.get(Client, (casework.north.id, first)).code


def _token(work, org, role: Role) -> dict[str, str]:
    with work(org) as (session, _ctx):
        raw, _ = create_api_token(session, Actor.system(org.id), role.value, role)
    return {"Authorization": f"Bearer {raw}"}


def test_statistics_count_disclosures_without_consent_from_the_register(
    client, casework, work, new_client, give
):
    _disclosures(casework, work, new_client, give)
    month = utcnow().strftime("%Y-%m")
    sign_in(client, casework.auditor)
    page = client.get("/audit/statistics").get_data(as_text=True)
    # Its own chart beside the reveals chart, ids unique on the page.
    assert 'aria-labelledby="disclosures-chart-title"' in page
    assert 'aria-labelledby="reveals-chart-title"' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) and "disclosures-chart-title" in ids, ids
    table = page[page.index("Disclosures without consent by legal basis and month") :]
    table = table[: table.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers[0] == "Month" and headers[-1] == "Total" and len(headers) == 4, headers
    # Two requests count, once each (the released one is not counted twice); the one
    # released under valid consent does not.
    assert re.search(rf'<th scope="row">{month}</th><td>1</td><td>1</td><td>2</td>', table)
    assert "Identity carried with referrals" in page
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_STATEMENT):
        assert secret not in page

    stats = client.get(
        "/api/v1/audit/statistics", headers=_token(work, casework.north, Role.auditor)
    )
    counted = stats.json["disclosures_without_consent_by_legal_basis"]
    assert counted["rows"] == {"court_order": {month: 1}, "statutory_duty": {month: 1}}
    assert "referral_identity_carried" in stats.json
    south = client.get(
        "/api/v1/audit/statistics", headers=_token(work, casework.south, Role.auditor)
    )
    assert south.json["disclosures_without_consent_by_legal_basis"]["rows"] == {}


def test_auditor_reaches_the_register_from_the_workspace_and_sees_pseudonyms_only(
    client, casework, work, new_client, give
):
    code = _disclosures(casework, work, new_client, give)
    sign_in(client, casework.auditor)
    workspace = client.get("/audit").get_data(as_text=True)
    assert 'href="/disclosure/register"' in workspace
    page = client.get("/disclosure/register")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert code in text and "Package released" in text
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_STATEMENT):
        assert secret not in text
    assert "/disclosures/" not in text  # no link to a request: auditors do not open them
    only = client.get("/disclosure/register", query_string={"client_code": code.lower()})
    assert only.get_data(as_text=True).count(f"<td>{code}</td>") == 3  # decided, approved, released


def test_auditor_api_serves_the_register_by_pseudonym_within_the_organisation(
    client, casework, work, new_client, give
):
    code = _disclosures(casework, work, new_client, give)
    north = _token(work, casework.north, Role.auditor)
    response = client.get("/api/v1/audit/disclosures", headers=north)
    assert response.status_code == 200
    entries = response.json
    assert {e["kind"] for e in entries} >= {"decided", "approved", "released"}
    assert all("client_id" not in e for e in entries)
    mine = client.get(
        "/api/v1/audit/disclosures", headers=north, query_string={"client_code": code}
    )
    assert [e["kind"] for e in mine.json] == ["released", "approved", "decided"]
    released = mine.json[0]
    assert released["policy_set_hash"] and released["details"]["policy_ids"]
    body = response.get_data(as_text=True)
    for secret in (SECRET_NAME, SECRET_ADDRESS, SECRET_STATEMENT):
        assert secret not in body
    assert (
        client.get(
            "/api/v1/audit/disclosures", headers=_token(work, casework.south, Role.auditor)
        ).json
        == []
    )
    for role in (Role.funder, Role.caseworker):
        refused = client.get(
            "/api/v1/audit/disclosures", headers=_token(work, casework.north, role)
        )
        assert refused.status_code == 403
    kinds = client.get("/api/v1/audit/disclosures?kind=released", headers=north).json
    assert len(kinds) == 2 and {e["kind"] for e in kinds} == {"released"}
