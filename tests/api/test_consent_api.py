"""The consent ledger's JSON API: the 27560/DPV record shape, recording, withdrawing, the
validity question, notices, the expiring list; bad input refused per field with nothing
stored; another organisation's ids are 404 and change nothing."""

from __future__ import annotations

import base64
import uuid

import pytest

from tests.api.conftest import SECRET, day, no_sealed_keys, refused


def _notice(world, org="north"):
    notices = world.get("/api/v1/consent/notices", org=org).json
    return next(n for n in notices if n["key"] == "sharing")


def _body(world, **overrides):
    notice = _notice(world)
    body = {
        "decision": "given",
        "purposes": ["referral"],
        "field_groups": ["identity"],
        "recipient_types": ["partner_ngo"],
        "recipient_organisations": [str(world.south.id)],
        "notice_id": notice["id"],
        "notice_language": "fr",
        "notice_version": 1,
        "language": "fr",
        "method": "verbal",
        "expires_on": day(30),
    }
    body.update(overrides)
    return body


@pytest.fixture
def consented(world):
    client_id = world.client_of(identity={"name": SECRET})
    response = world.post(f"/api/v1/clients/{client_id}/consents", _body(world))
    assert response.status_code == 201, response.json
    return client_id, response.json


def test_a_record_follows_the_27560_dpv_names_and_holds_no_sealed_value(world, consented):
    client_id, record = consented
    assert record["pii_principal_id"] == str(client_id)
    assert record["state"] == "given" and record["dpv_consent_status"] == "dpv:ConsentGiven"
    assert (
        record["privacy_notice"]["version"] == 1 and len(record["privacy_notice"]["sha256"]) == 64
    )
    assert record["recipient_third_parties"] == [
        {"organisation_id": str(world.south.id), "name": None}
    ]
    assert record["event"][0]["state"] == "given"
    no_sealed_keys(record)
    assert SECRET not in str(record)
    listed = world.get(f"/api/v1/clients/{client_id}/consents").json
    assert [r["record_id"] for r in listed] == [record["record_id"]]


def test_the_validity_question_and_withdrawal(world, consented):
    client_id, record = consented
    question = {
        "purpose": "referral",
        "recipient_type": "partner_ngo",
        "organisation_id": str(world.south.id),
        "field_groups": ["identity"],
    }
    url = f"/api/v1/clients/{client_id}/consent-check"
    answer = world.post(url, question).json
    assert answer["decision"] == "valid" and answer["record_id"] == record["record_id"]
    wider = world.post(url, {**question, "field_groups": ["identity", "location"]}).json
    assert (wider["reason"], wider["params"]) == (
        "field_groups_not_covered",
        {"missing": "location"},
    )
    withdrawn = world.post(
        f"/api/v1/clients/{client_id}/consents/{record['record_id']}/withdraw", {"channel": "phone"}
    )
    assert withdrawn.json["state"] == "withdrawn" and withdrawn.json["withdrawn_at"]
    after = world.post(url, question).json
    assert after["decision"] == "not_valid" and after["reason"] == "withdrawn"


def test_expiring_list_and_notice_versions(world, consented):
    client_id, record = consented
    rows = world.get("/api/v1/consents/expiring?days=31").json
    assert [r["record_id"] for r in rows] == [record["record_id"]]
    assert world.get("/api/v1/consents/expiring?days=5").json == []
    notice = _notice(world)
    saved = world.post(
        f"/api/v1/consent/notices/{notice['id']}/texts",
        {"language": "fr", "title": "Partager", "body": "Texte revu par notre juriste."},
        role="supervisor",
    )
    assert saved.status_code == 201 and saved.json["version"] == 2
    versions = world.get(f"/api/v1/consent/notices/{notice['id']}/texts").json
    assert {(v["language"], v["version"]) for v in versions} >= {("fr", 1), ("fr", 2)}


def test_a_scan_sent_as_base64_is_checked_by_its_content(world):
    client_id = world.client_of()
    fake = base64.b64encode(b"GIF89a not allowed").decode()
    refused(
        world,
        "POST",
        f"/api/v1/clients/{client_id}/consents",
        _body(world, evidence_kind="scan", evidence_scan=fake),
        "evidence_scan",
    )


def test_a_50_mb_scan_is_refused_with_a_field_message(world):
    client_id = world.client_of()
    huge = base64.b64encode(b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024)).decode()
    body = _body(world, evidence_kind="scan", evidence_scan=huge)
    refused(
        world, "POST", f"/api/v1/clients/{client_id}/consents", body, "evidence_scan", status=413
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"expires_on": None}, "expires_on"),
        ({"expires_on": day(-2)}, "expires_on"),
        ({"expires_on": day(500)}, "expires_on"),
        ({"purposes": ["gossip"]}, "purposes"),
        ({"notice_version": 9}, "notice_version"),
        ({"notice_language": "ti"}, "notice_version"),
        ({"recipient_organisations": [str(uuid.uuid4())]}, "recipient_organisations"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_stored(world, overrides, field):
    client_id = world.client_of()
    body = {k: v for k, v in _body(world, **overrides).items() if v is not None}
    refused(world, "POST", f"/api/v1/clients/{client_id}/consents", body, field)


def test_media_consent_for_a_minor_is_refused(world):
    minor = world.client_of(facts={"age_band": "12_17"})
    body = _body(world, purposes=["media"], recipient_types=["media"], recipient_organisations=[])
    refused(world, "POST", f"/api/v1/clients/{minor}/consents", body, "purposes")


def test_withdrawing_an_already_withdrawn_record_is_refused(world, consented):
    client_id, record = consented
    url = f"/api/v1/clients/{client_id}/consents/{record['record_id']}/withdraw"
    assert world.post(url, {}).status_code == 200
    refused(world, "POST", url, {}, "record")


def test_another_organisations_ids_are_not_found_and_change_nothing(world, consented):
    client_id, record = consented
    rid = record["record_id"]
    notice = _notice(world)
    _notice(world, org="south")  # south's own notices exist before the snapshot
    calls = [
        ("GET", f"/api/v1/clients/{client_id}/consents", None),
        ("GET", f"/api/v1/clients/{client_id}/consents/{rid}", None),
        ("POST", f"/api/v1/clients/{client_id}/consents", _body(world)),
        ("POST", f"/api/v1/clients/{client_id}/consents/{rid}/withdraw", {}),
        (
            "POST",
            f"/api/v1/clients/{client_id}/consent-check",
            {"purpose": "referral", "recipient_type": "police"},
        ),  # noqa: E501
        ("GET", f"/api/v1/consent/notices/{notice['id']}/texts", None),
        (
            "POST",
            f"/api/v1/consent/notices/{notice['id']}/texts",
            {"language": "en", "title": "x", "body": "y"},
        ),  # noqa: E501
    ]
    world.token("south", "supervisor")
    before = world.snapshot()
    for method, url, body in calls:
        response = world.call(method, url, body, org="south", role="supervisor")
        assert response.status_code == 404, (url, response.json)
    assert world.snapshot() == before
    assert world.get("/api/v1/consents/expiring", org="south").json == []
