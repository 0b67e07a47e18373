"""The auditor API: the same log, ledger, statistics and bundles, for auditor tokens of
their own organisation only."""

from __future__ import annotations

import io

import pytest

from app.audit import verifier
from app.auth.models import Role
from app.auth.tokens import create_api_token
from app.context import Actor
from tests.auditor.conftest import SECRET_NAME


def _token(work, org, role: Role) -> dict[str, str]:
    with work(org) as (session, _ctx):
        raw, _ = create_api_token(session, Actor.system(org.id), role.value, role)
    return {"Authorization": f"Bearer {raw}"}


def test_auditor_token_reads_the_log_and_downloads_a_verifiable_bundle(
    app, client, world, new_client, give, work
):
    client_id = new_client(world.north)
    give(world.north, client_id)
    north, south = _token(work, world.north, Role.auditor), _token(work, world.south, Role.auditor)

    events = client.get("/api/v1/audit/events", headers=north)
    assert events.status_code == 200
    actions = {e["action"] for e in events.json["events"]}
    assert {"client.registered", "consent.given"} <= actions
    (ledger,) = client.get("/api/v1/audit/consents", headers=north).json
    assert ledger["client_code"] and ledger["purposes"] == ["referral"]
    code = ledger["client_code"]
    only = client.get("/api/v1/audit/events", headers=north, query_string={"pseudonym": code})
    assert all(code in e["client_codes"] for e in only.json["events"]) and only.json["events"]
    stats = client.get("/api/v1/audit/statistics", headers=north).json
    assert len(stats["reveals_per_member"]["months"]) == 12
    assert client.get("/api/v1/audit/events?since=nonsense", headers=north).status_code == 422
    for url in ("/api/v1/audit/events", "/api/v1/audit/consents", "/api/v1/audit/statistics"):
        assert SECRET_NAME not in client.get(url, headers=north).get_data(as_text=True)

    assert client.get("/api/v1/audit/checkpoint", headers=north).status_code == 404
    assert app.test_cli_runner().invoke(args=["audit", "checkpoint"]).exit_code == 0
    checkpoint = client.get("/api/v1/audit/checkpoint", headers=north).json
    keys = [verifier.parse_vkey(k) for k in checkpoint["verifier_keys"]]
    zipped = client.get("/api/v1/audit/bundle", headers=north)
    assert zipped.status_code == 200
    report = verifier.verify_bundle(io.BytesIO(zipped.get_data()), keys)
    assert report.ok and report.checkpoint.size == checkpoint["size"]

    # Another organisation's auditor: its own, empty, log.
    theirs = client.get("/api/v1/audit/events", headers=south).json["events"]
    assert not {"client.registered", "consent.given"} & {e["action"] for e in theirs}
    assert client.get("/api/v1/audit/consents", headers=south).json == []
    other = client.get("/api/v1/audit/checkpoint", headers=south).json
    assert other["note"].startswith(f"localhost/audit/{world.south.id}\n")


@pytest.mark.parametrize("role", [Role.funder, Role.caseworker])
def test_other_tokens_are_refused(client, world, work, role):
    headers = _token(work, world.north, role)
    for url in ("/api/v1/audit/events", "/api/v1/audit/consents", "/api/v1/audit/bundle"):
        assert client.get(url, headers=headers).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 401
