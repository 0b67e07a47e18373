"""The auditor workspace: access log with filters, the consent ledger by pseudonym,
statistics with a chart, checkpoints and bundles; only auditors and admins, only their
own organisation."""

from __future__ import annotations

import io
import re

import pytest

from app.audit import verifier
from app.clients.service import reveal_field
from tests.auditor.conftest import SECRET_NAME, SECRET_PHONE
from tests.conftest import csrf_from, sign_in

PAGES = ("/audit", "/audit/consents", "/audit/statistics", "/audit/log")


def rows(page) -> set[str]:
    """The actions listed in the access log's table."""
    text = page if isinstance(page, str) else page.get_data(as_text=True)
    return set(re.findall(r"<td><code>([a-z_.]+)</code></td>", text))


def _code(client, client_id) -> str:
    page = client.get("/audit/consents").get_data(as_text=True)
    found = re.findall(r"<td>([A-Z0-9]{2}-[A-Z]{4}-[0-9]{2})</td>", page)
    assert found, "no pseudonym in the ledger"
    return found[0]


def test_auditor_reads_the_log_ledger_and_statistics_without_client_content(
    app, client, world, people, overseers, new_client, give, work
):
    client_id = new_client(world.north)
    give(world.north, client_id)
    with work(world.north, people.north_cw) as (session, ctx):
        assert reveal_field(session, ctx, client_id, "name") == SECRET_NAME
    sign_in(client, overseers.auditor, world.north)
    bodies = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = response.get_data(as_text=True)
        assert SECRET_NAME not in bodies[url] and SECRET_PHONE not in bodies[url]
    ledger = bodies["/audit/consents"]
    assert "referral" in ledger and "partner_ngo" in ledger and "ar" in ledger
    assert "Refuge Sud" not in ledger  # named recipients are counted, not shown
    code = _code(client, client_id)

    log = rows(bodies["/audit"])
    assert "client.revealed" in log and "consent.given" in log
    only = rows(client.get("/audit", query_string={"pseudonym": code.lower()}))
    assert "client.registered" in only and "client.revealed" in only
    assert "member.added" not in only
    by_action = rows(client.get("/audit", query_string={"action": "client"}))
    assert "client.revealed" in by_action and "consent.given" not in by_action
    by_actor = rows(client.get("/audit", query_string={"actor": str(people.north_cw.user.id)}))
    assert "client.revealed" in by_actor and "member.added" not in by_actor
    bad = client.get("/audit", query_string={"since": "not a date"})
    assert bad.status_code == 422

    stats = bodies["/audit/statistics"]
    assert "<svg" in stats and "<table" in stats
    month = re.findall(r'<th scope="row">(\d{4}-\d{2})</th>', stats)[-1]
    assert re.search(r'<th scope="col">Cw</th>', stats), stats
    assert re.search(rf'<th scope="row">{month}</th><td>1</td><td>1</td>', stats), stats


def test_auditor_downloads_a_bundle_that_verifies_and_makes_checkpoints(
    app, client, world, people, overseers, new_client
):
    new_client(world.north)
    sign_in(client, overseers.auditor, world.north)
    assert client.get("/audit/bundle").status_code == 404  # no checkpoint yet
    token = csrf_from(client, "/audit/log")
    made = client.post("/audit/checkpoint", data={"csrf_token": token})
    assert made.status_code == 302
    page = client.get("/audit/log").get_data(as_text=True)
    assert "0 events are not in a checkpoint yet" in page
    assert f"localhost/audit/{world.north.id}+" in page
    response = client.get("/audit/bundle")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    vkey = client.get(f"/audit/{world.north.id}/key.vkey").get_data(as_text=True)
    report = verifier.verify_bundle(io.BytesIO(response.get_data()), verifier.read_keys(vkey))
    assert report.ok, verifier.format_report(report)
    assert "audit_checkpoint.requested" in rows(client.get("/audit"))
    ranged = client.get(
        "/audit/bundle", query_string={"since": "2000-01-01", "until": "2000-01-31"}
    )
    assert ranged.status_code == 200


def test_another_organisation_log_and_pseudonyms_stay_out_of_reach(
    client, world, people, overseers, new_client, give
):
    client_id = new_client(world.north)
    give(world.north, client_id)
    sign_in(client, overseers.auditor, world.north)
    code = _code(client, client_id)
    client.post("/sign-out", data={"csrf_token": csrf_from(client, "/account")})
    sign_in(client, overseers.south_auditor, world.south)
    assert code not in client.get("/audit/consents").get_data(as_text=True)
    log = client.get("/audit", query_string={"pseudonym": code})
    assert "No client of this organisation has that pseudonym." in log.get_data(as_text=True)
    assert "client.registered" not in rows(client.get("/audit"))


@pytest.mark.parametrize("who", ["north_cw", "funder"])
def test_only_auditors_and_admins_open_the_workspace(client, world, people, overseers, who):
    person = getattr(people, who, None) or getattr(overseers, who)
    sign_in(client, person, world.north)
    for url in (*PAGES, "/audit/bundle"):
        assert client.get(url).status_code == 403, url
    token = csrf_from(client, "/account")
    assert client.post("/audit/checkpoint", data={"csrf_token": token}).status_code == 403


def test_an_organisation_admin_opens_the_workspace(client, world, people):
    sign_in(client, people.north_admin, world.north)
    for url in PAGES:
        assert client.get(url).status_code == 200, url
