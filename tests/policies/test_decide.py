"""The evaluator: errors deny, incomplete contexts deny, obligations come from permits."""

from __future__ import annotations

import json
import logging

import cedarpy
import pytest

from policies import (
    Action,
    DisclosureRequest,
    Outcome,
    PolicySet,
    Requester,
    build_set,
    compose,
    decide,
    decide_context,
    disclosure_context,
    load_set,
)
from policies.decide import EVALUATION_ERROR, OUTSIDE_MIN_FIELDS, break_glass_context
from policies.rules import NotifyClient, Obligations
from policies.vocabulary import FieldGroup
from tests.policies.conftest import CASEWORKER, break_glass, disclosure

#: A forbid that passes validation but fails when evaluated (Long overflow): Cedar skips
#: it and decides with the other policies.
BROKEN_FORBID = """
@id("org.no_minor_accounts")
@reason("org_no_minor_accounts")
@explain("A minor's account never leaves this organisation.")
forbid (principal, action in Action::"share", resource == FieldGroup::"narrative")
when { context.is_minor && 9223372036854775807 + 1 > 0 };
"""


def _minor_account_referral() -> DisclosureRequest:
    return disclosure(
        "partner_ngo", "referral", "consent", ["narrative"], ["narrative"], is_minor=True
    )


def test_a_broken_forbid_denies_where_bare_cedar_would_allow(
    default_set: PolicySet, caplog: pytest.LogCaptureFixture
) -> None:
    policy_set = compose(default_set, BROKEN_FORBID)
    request = _minor_account_referral()
    context = disclosure_context(request, FieldGroup.narrative)

    bare = cedarpy.is_authorized(
        {
            "principal": {"type": "User", "id": "user-1"},
            "action": {"type": "Action", "id": "disclose"},
            "resource": {"type": "FieldGroup", "id": "narrative"},
            "context": context,
        },
        policy_set.cedar,
        "[]",
        schema=policy_set.schema,
    )
    assert bare.decision == cedarpy.Decision.Allow  # the hazard: the forbid was skipped
    assert any("org.no_minor_accounts" in e for e in bare.diagnostics.errors)

    with caplog.at_level(logging.WARNING, logger="policies.decide"):
        decided = decide(policy_set, request)[FieldGroup.narrative]

    assert decided.outcome == Outcome.denied
    assert decided.policy_ids == ("org.no_minor_accounts",)
    assert decided.reasons == (EVALUATION_ERROR,)
    assert "overflow" in decided.errors[0]
    assert "org.no_minor_accounts" in caplog.text
    # Without the broken rule the same request is allowed: the deny came from the error.
    assert decide(default_set, request).groups[0].outcome == Outcome.allowed


def _police_request() -> DisclosureRequest:
    return disclosure(
        "police", "criminal_investigation", "consent", ["identity", "location"], ["identity"]
    )


def test_the_police_request_is_allowed_when_complete(default_set: PolicySet) -> None:
    request = _police_request()
    context = disclosure_context(request, FieldGroup.identity)
    decided = decide_context(default_set, CASEWORKER, Action.disclose, FieldGroup.identity, context)
    assert decided.outcome == Outcome.allowed


@pytest.mark.parametrize("set_name", ["default", "example_labour_firewall"])
def test_dropping_any_disclosure_context_key_denies(set_name: str) -> None:
    policy_set = load_set(set_name)
    context = disclosure_context(_police_request(), FieldGroup.identity)
    assert len(context) == 11
    for key in context:
        partial = {k: v for k, v in context.items() if k != key}
        for action in (Action.disclose, Action.release):
            decided = decide_context(policy_set, CASEWORKER, action, FieldGroup.identity, partial)
            assert decided.outcome == Outcome.denied, key
            assert decided.reasons == (EVALUATION_ERROR,), key
            assert key in decided.errors[0], key


def test_dropping_any_break_glass_context_key_denies(default_set: PolicySet) -> None:
    request = break_glass()
    context = break_glass_context(request)
    allowed = decide_context(
        default_set, request.requester, Action.view_break_glass, FieldGroup.identity, context
    )
    assert allowed.outcome == Outcome.allowed
    for key in context:
        partial = {k: v for k, v in context.items() if k != key}
        decided = decide_context(
            default_set, request.requester, Action.view_break_glass, FieldGroup.identity, partial
        )
        assert decided.outcome == Outcome.denied, key
        assert decided.reasons == (EVALUATION_ERROR,), key


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("consent_valid", "yes"),
        ("recipient_type", {"__entity": {"type": "RecipientType", "id": "neighbour"}}),
        ("field_groups_requested", ["identity"]),
    ],
)
def test_a_mistyped_context_value_denies(default_set: PolicySet, key: str, value: object) -> None:
    context = disclosure_context(_police_request(), FieldGroup.identity)
    context[key] = value
    decided = decide_context(default_set, CASEWORKER, Action.disclose, FieldGroup.identity, context)
    assert decided.outcome == Outcome.denied
    assert decided.errors


def test_an_extra_context_key_denies(default_set: PolicySet) -> None:
    context = disclosure_context(_police_request(), FieldGroup.identity)
    context["supervisor_says_ok"] = True
    decided = decide_context(default_set, CASEWORKER, Action.disclose, FieldGroup.identity, context)
    assert decided.outcome == Outcome.denied


def test_an_unknown_role_denies_every_group(default_set: PolicySet) -> None:
    request = break_glass(["identity", "contact"], roles=["caseworker", "night_porter"])
    decision = decide(default_set, request)
    assert [g.outcome for g in decision.groups] == [Outcome.denied, Outcome.denied]
    assert all(g.reasons == (EVALUATION_ERROR,) for g in decision.groups)


def test_a_principal_without_roles_gets_no_break_glass(default_set: PolicySet) -> None:
    decision = decide(default_set, break_glass(roles=[]))
    assert decision.groups[0].outcome == Outcome.denied
    assert decision.groups[0].errors == ()


def test_break_glass_carries_supervisor_review(default_set: PolicySet) -> None:
    decided = decide(default_set, break_glass()).groups[0]
    assert decided.outcome == Outcome.allowed
    assert decided.obligations.supervisor_review
    assert not decided.obligations.supervisor_approval


MIN_FIELDS_SLIP = """
@id("partner_health_summary")
@reason("partner_health_summary")
@explain("A partner receives a health summary with the coarse facts.")
@min_fields("case_facts")
permit (principal, action in Action::"share", resource == FieldGroup::"health")
when { context.recipient_type == RecipientType::"partner_ngo" && context.consent_valid };
"""


def test_a_group_outside_the_rules_min_fields_is_denied() -> None:
    policy_set = build_set("slip", MIN_FIELDS_SLIP, file_name="slip.cedar")
    request = disclosure("partner_ngo", "referral", "legal_claims", ["health"], ["health"])
    decided = decide(policy_set, request).groups[0]
    assert decided.outcome == Outcome.denied
    assert decided.reasons == (OUTSIDE_MIN_FIELDS,)
    assert decided.policy_ids == ("partner_health_summary",)


def test_obligations_merge_to_the_stricter() -> None:
    a = Obligations(
        supervisor_approval=True,
        notify_client=NotifyClient.unless_endangering,
        min_fields=frozenset({FieldGroup.identity, FieldGroup.case_facts}),
    )
    b = Obligations(notify_client=NotifyClient.always, min_fields=frozenset({FieldGroup.identity}))
    merged = a.merge(b)
    assert merged == Obligations(
        supervisor_approval=True,
        notify_client=NotifyClient.always,
        min_fields=frozenset({FieldGroup.identity}),
    )
    assert Obligations().merge(Obligations()) == Obligations()


def test_decision_summary_is_plain_json(default_set: PolicySet) -> None:
    decision = decide(default_set, _police_request())
    summary = json.loads(json.dumps(decision.as_audit()))
    assert summary["policy_set_hash"] == default_set.sha256
    assert summary["groups"]["location"]["reason_codes"] == [
        "location_needs_court_order",
        "no_consent_no_obligation",
    ]
    assert summary["groups"]["identity"]["outcome"] == "allowed"
    with pytest.raises(KeyError):
        decision[FieldGroup.health]


def test_groups_come_in_vocabulary_order(default_set: PolicySet) -> None:
    request = disclosure(field_groups=["service_history", "identity", "location"])
    assert [g.field_group for g in decide(default_set, request).groups] == [
        FieldGroup.identity,
        FieldGroup.location,
        FieldGroup.service_history,
    ]


def test_the_requester_is_the_principal(default_set: PolicySet) -> None:
    # Two users of different organisations get the same decision from the same context.
    other = Requester("user-9", "org-9", frozenset({"supervisor"}))
    request = disclosure("partner_ngo", "referral", "consent", ["identity"], ["identity"])
    again = disclosure(
        "partner_ngo", "referral", "consent", ["identity"], ["identity"], requester=other
    )
    assert decide(default_set, request).groups[0].outcome == Outcome.allowed
    assert decide(default_set, again).groups[0].outcome == Outcome.allowed
