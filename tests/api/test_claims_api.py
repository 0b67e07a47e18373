"""Claims through the API: filing, status changes with amounts, history, and bad input."""

from __future__ import annotations

from tests.api.conftest import ApiWorld, day, refused

API = "/api/v1"
CLAIM = {"route": "labour_court", "defendant_type": "employer", "currency": "eur"}


def test_claim_from_filing_to_payment(world: ApiWorld) -> None:
    cid = str(world.client_of())
    filed = world.post(
        f"{API}/clients/{cid}/claims", {**CLAIM, "amount_claimed": 4200.5, "filed_on": day(-30)}
    )
    assert filed.status_code == 201, filed.json
    claim = filed.json
    assert (claim["status"], claim["currency"], claim["amount_claimed"]) == (
        "filed",
        "EUR",
        "4200.50",
    )
    url = f"{API}/clients/{cid}/claims/{claim['id']}/status"
    awarded = world.post(
        url,
        {
            "status": "awarded",
            "changed_on": day(-10),
            "decided_on": day(-10),
            "amount_awarded": "3000",
        },
    )
    assert awarded.status_code == 200, awarded.json
    paid = world.post(
        url, {"status": "paid", "changed_on": day(), "paid_on": day(), "amount_paid": "3000.00"}
    ).json
    assert (paid["status"], paid["amount_awarded"], paid["amount_paid"]) == (
        "paid",
        "3000.00",
        "3000.00",
    )
    claims = world.get(f"{API}/clients/{cid}/claims").json
    assert [h["status"] for h in claims[0]["history"]] == ["filed", "awarded", "paid"]


def test_bad_claims_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    url = f"{API}/clients/{cid}/claims"
    refused(world, "POST", url, {**CLAIM, "lawyer": "x"}, "lawyer")
    refused(world, "POST", url, {**CLAIM, "route": "duel"}, "route")
    refused(world, "POST", url, {**CLAIM, "amount_claimed": -3}, "amount_claimed")
    refused(world, "POST", url, {**CLAIM, "amount_claimed": "lots"}, "amount_claimed")
    refused(world, "POST", url, {**CLAIM, "currency": "XYZ"}, "currency")
    refused(world, "POST", url, {**CLAIM, "filed_on": day(30)}, "filed_on")
    refused(world, "POST", url, {"currency": "EUR"}, "route", "defendant_type")


def test_bad_status_changes_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    claim = world.post(f"{API}/clients/{cid}/claims", CLAIM).json
    assert claim["status"] == "preparing"
    url = f"{API}/clients/{cid}/claims/{claim['id']}/status"
    refused(world, "POST", url, {"status": "paid", "changed_on": day()}, "status")
    refused(world, "POST", url, {"status": "won", "changed_on": day()}, "status")
    refused(world, "POST", url, {"status": "filed", "changed_on": day(5)}, "changed_on")
    refused(world, "POST", url, {"status": "filed"}, "changed_on")
    body = {"status": "filed", "changed_on": day(), "amount_paid": -1}
    refused(world, "POST", url, body, "amount_paid")
