"""Referrals through the API: to an organisation on the platform (whose inbox sees only
what the referral carries), to partners off it, answers, completion, and bad input."""

from __future__ import annotations

from tests.api.conftest import SECRET, ApiWorld, day, no_sealed_keys, refused

API = "/api/v1"


def test_platform_referral_reaches_the_other_inbox_with_code_and_facts_only(
    world: ApiWorld,
) -> None:
    cid = str(
        world.client_of(facts={"gender": "female", "nationality": "MD"}, identity={"name": SECRET})
    )
    partners = world.get(f"{API}/referral-partners").json
    assert [p["id"] for p in partners] == [str(world.south.id)]
    sent = world.post(
        f"{API}/clients/{cid}/referrals/platform",
        {
            "organisation_id": str(world.south.id),
            "services_requested": ["accommodation"],
            "sent_on": day(-1),
        },
    )
    assert sent.status_code == 201, sent.json
    assert sent.json["direction"] == "outgoing" and sent.json["status"] == "sent"
    inbox = world.get(f"{API}/referrals/incoming", org="south")
    assert SECRET not in inbox.get_data(as_text=True)
    (incoming,) = inbox.json
    no_sealed_keys(incoming)
    assert incoming["client_id"] is None and incoming["carried"]["gender"] == "female"
    assert "nationality" not in incoming["carried"]  # only the region travels
    answer = world.post(
        f"{API}/referrals/incoming/{incoming['id']}/respond",
        {"decision": "accepted", "responded_on": day(), "take_on": True},
        org="south",
    ).json
    assert answer["referral"]["status"] == "accepted" and answer["client_id"]
    taken = world.get(f"{API}/clients/{answer['client_id']}", org="south").json
    assert taken["code"] != incoming["carried"]["code"]
    mine = world.get(f"{API}/clients/{cid}/referrals").json
    assert mine[0]["status"] == "accepted"
    done = world.post(
        f"{API}/clients/{cid}/referrals/{sent.json['id']}/complete",
        {"outcome": "services_provided"},
    ).json
    assert (done["status"], done["outcome"]) == ("completed", "services_provided")


def test_external_referral_answer_and_cancel(world: ApiWorld) -> None:
    cid = str(world.client_of())
    body = {
        "partner_kind": "transnational",
        "partner_name": "<b>Partner</b> Chisinau",
        "partner_country": "md",
        "services_requested": ["return_support"],
        "sent_on": day(),
    }
    sent = world.post(f"{API}/clients/{cid}/referrals/external", body).json
    assert sent["partner_name"] == "<b>Partner</b> Chisinau" and sent["partner_country"] == "MD"
    url = f"{API}/clients/{cid}/referrals/{sent['id']}"
    answered = world.post(f"{url}/response", {"decision": "declined", "responded_on": day()})
    assert answered.json["status"] == "declined"
    assert world.post(f"{url}/cancel").status_code == 409
    second = world.post(f"{API}/clients/{cid}/referrals/external", body).json
    cancelled = world.post(f"{API}/clients/{cid}/referrals/{second['id']}/cancel").json
    assert cancelled["status"] == "cancelled"


def test_bad_referrals_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    url = f"{API}/clients/{cid}/referrals"
    ok = {"organisation_id": str(world.south.id), "services_requested": ["legal"], "sent_on": day()}
    refused(world, "POST", f"{url}/platform", {**ok, "note": "x"}, "note")
    refused(
        world,
        "POST",
        f"{url}/platform",
        {**ok, "services_requested": ["spa"]},
        "services_requested.0",
    )
    refused(
        world, "POST", f"{url}/platform", {**ok, "services_requested": []}, "services_requested"
    )
    refused(world, "POST", f"{url}/platform", {**ok, "sent_on": day(3)}, "sent_on")
    body = refused(
        world, "POST", f"{url}/platform", {**ok, "carry_groups": ["identity"]}, "carry_groups"
    )
    assert "no consent" in body["fields"]["carry_groups"][0]
    refused(
        world,
        "POST",
        f"{url}/platform",
        {**ok, "organisation_id": str(world.north.id)},
        "organisation_id",
    )
    refused(world, "POST", f"{url}/platform", {**ok, "organisation_id": "nope"}, "organisation_id")
    external = {
        "partner_kind": "transnational",
        "partner_name": "X",
        "services_requested": ["legal"],
        "sent_on": day(),
    }
    refused(world, "POST", f"{url}/external", external, "partner_country")
    refused(
        world,
        "POST",
        f"{url}/external",
        {**external, "partner_kind": "platform_organisation"},
        "partner_kind",
    )
    refused(
        world,
        "POST",
        f"{url}/external",
        {**external, "partner_name": "x" * 201, "partner_country": "FR"},
        "partner_name",
    )


def test_an_unknown_platform_organisation_is_not_found(world: ApiWorld) -> None:
    import uuid

    cid = str(world.client_of())
    body = {"organisation_id": str(uuid.uuid4()), "services_requested": ["legal"], "sent_on": day()}
    refused(world, "POST", f"{API}/clients/{cid}/referrals/platform", body, status=404)


def test_bad_answers_are_refused_and_store_nothing(world: ApiWorld) -> None:
    cid = str(world.client_of())
    world.post(
        f"{API}/clients/{cid}/referrals/platform",
        {
            "organisation_id": str(world.south.id),
            "services_requested": ["legal"],
            "sent_on": day(-2),
        },
    )
    (incoming,) = world.get(f"{API}/referrals/incoming", org="south").json
    url = f"{API}/referrals/incoming/{incoming['id']}/respond"
    refused(
        world, "POST", url, {"decision": "maybe", "responded_on": day()}, "decision", org="south"
    )
    refused(
        world,
        "POST",
        url,
        {"decision": "accepted", "responded_on": day(4)},
        "responded_on",
        org="south",
    )
    refused(
        world,
        "POST",
        url,
        {"decision": "accepted", "responded_on": day(-5)},
        "responded_on",
        org="south",
    )


def test_a_partner_name_with_a_nul_or_a_lone_surrogate_is_refused(world: ApiWorld) -> None:
    """Text no database column can hold is a 422 on the field, not a 500 (PostgreSQL
    refuses a NUL in text) nor a name stored with a control character."""
    cid = str(world.client_of())
    body = {"partner_kind": "nrm", "services_requested": ["legal"], "sent_on": day()}
    for name in ("a\u0000b", "a\ud800b", "a\u001bb"):
        found = refused(
            world,
            "POST",
            f"{API}/clients/{cid}/referrals/external",
            {**body, "partner_name": name},
            "partner_name",
        )
        assert found["fields"]["partner_name"] == [
            "This text contains characters that are not allowed."
        ]
