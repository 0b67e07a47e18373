"""Every reason code of the shipped sets has its sentence for the screens, and a sentence
says "Needs approval" exactly when its rule carries the supervisor-approval duty."""

from __future__ import annotations

import pytest

from app.disclosure.wording import REASONS
from policies import BUILTIN_REASONS, Effect, load_set, shipped_sets


@pytest.mark.parametrize("name", shipped_sets())
def test_every_shipped_reason_has_a_sentence_that_matches_its_duties(name):
    for rule in load_set(name).rules:
        sentence = REASONS[rule.reason.code]
        if rule.effect is Effect.forbid:
            assert sentence.startswith(("Denied:", "Refused:")), rule.policy_id
        elif rule.obligations.supervisor_approval:
            assert sentence.startswith("Needs approval:"), rule.policy_id
        else:
            assert sentence.startswith("Allowed:"), rule.policy_id


def test_the_evaluators_own_reasons_have_sentences():
    assert {r.code for r in BUILTIN_REASONS} <= set(REASONS)
