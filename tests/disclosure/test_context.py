"""The context the app builds is complete: the policy allows the statement under consent
with it, and dropping any one key (as a bug in the app might) denies every time."""

from __future__ import annotations

import uuid

import pytest

from app.context import Actor, Role
from app.disclosure.deciding import Asked, context_sha256, policy_request
from policies import Outcome, decide_context, disclosure_context, load_set
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType

ASKED = Asked(
    RecipientType.police,
    "Police nationale",
    Purpose.criminal_proceedings_support,
    LegalBasis.consent,
    None,
    (FieldGroup.narrative,),
)
CTX = Actor(
    user_id=uuid.UUID(int=1),
    tenant_id=uuid.UUID(int=2),
    roles=frozenset({Role.caseworker}),
)


def _request():
    return policy_request(CTX, ASKED, frozenset({FieldGroup.narrative}), is_minor=False)


def test_the_app_context_allows_with_consent():
    request = _request()
    context = disclosure_context(request, FieldGroup.narrative)
    decided = decide_context(
        load_set("default"), request.requester, request.action, FieldGroup.narrative, context
    )
    assert decided.outcome is Outcome.allowed


@pytest.mark.parametrize("key", sorted(disclosure_context(_request(), FieldGroup.narrative)))
def test_dropping_each_key_of_the_app_context_denies(key):
    request = _request()
    context = disclosure_context(request, FieldGroup.narrative)
    del context[key]
    decided = decide_context(
        load_set("default"), request.requester, request.action, FieldGroup.narrative, context
    )
    assert decided.outcome is Outcome.denied


def test_the_context_hash_changes_with_consent():
    without = policy_request(CTX, ASKED, frozenset(), is_minor=False)
    assert context_sha256(_request()) != context_sha256(without)
