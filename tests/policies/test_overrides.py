"""An organisation's overrides: only stricter, checked on parsed policies, not on text."""

from __future__ import annotations

import pytest

from policies import OverrideNotStricter, PolicyLoadError, PolicySet, compose, decide, load_set
from policies.vocabulary import FieldGroup
from tests.policies.conftest import disclosure

NO_POLICE = """
// Our board decided: the police get nothing without a court order.
@id("org.police_need_court_order")
@reason("org_police_need_court_order")
@explain("This organisation gives the police nothing without a court order.")
forbid (principal, action in Action::"share", resource)
when {
  context.recipient_type == RecipientType::"police" &&
  context.legal_basis != LegalBasis::"court_order"
};
"""


def test_a_forbid_override_makes_the_set_stricter(default_set: PolicySet) -> None:
    request = disclosure(
        "police", "criminal_proceedings_support", "consent", ["narrative"], ["narrative"]
    )
    assert decide(default_set, request).groups[0].outcome == "allowed"

    stricter = compose(default_set, NO_POLICE)

    decided = decide(stricter, request).groups[0]
    assert decided.outcome == "denied"
    assert decided.policy_ids == ("org.police_need_court_order",)
    assert stricter.name == "default+overrides"
    assert stricter.sha256 != default_set.sha256
    assert [s.name for s in stricter.sources] == [
        "schema.cedarschema",
        "default.cedar",
        "overrides.cedar",
    ]
    rule = stricter.rule("org.police_need_court_order")
    assert (rule.file, rule.line) == ("overrides.cedar", 3)


def test_overrides_compose_on_a_jurisdiction_set() -> None:
    labour = load_set("example_labour_firewall")
    composed = compose(labour, NO_POLICE, file_name="refuge-lyon.cedar")
    assert [s.name for s in composed.sources][1:] == [
        "default.cedar",
        "example_labour_firewall.cedar",
        "refuge-lyon.cedar",
    ]
    assert {r.policy_id for r in labour.rules} < {r.policy_id for r in composed.rules}


def test_blank_overrides_leave_the_set_as_it_is(default_set: PolicySet) -> None:
    assert compose(default_set, "  \n") is default_set


PERMIT_DRESSED_AS_FORBID = """
// forbid (principal, action, resource);  <- what a reviewer skimming might see
@id("org.friendly_police")
@reason("org_friendly_police")
@explain("forbid (principal, action, resource); just kidding")
permit (principal, action in Action::"share", resource)
when { context.recipient_type == RecipientType::"police" };
"""


def test_a_permit_override_is_refused_even_dressed_as_a_forbid(default_set: PolicySet) -> None:
    with pytest.raises(OverrideNotStricter) as raised:
        compose(default_set, PERMIT_DRESSED_AS_FORBID)
    (problem,) = raised.value.problems
    assert (problem.file, problem.line, problem.policy_id) == (
        "overrides.cedar",
        3,
        "org.friendly_police",
    )
    assert "may only forbid" in problem.message


def test_a_forbid_whose_comments_say_permit_is_accepted(default_set: PolicySet) -> None:
    text = NO_POLICE.replace("// Our board", "// permit (principal, action, resource); Our board")
    assert compose(default_set, text).rule("org.police_need_court_order").effect == "forbid"


def test_override_ids_carry_the_org_prefix(default_set: PolicySet) -> None:
    text = NO_POLICE.replace('@id("org.police_need_court_order")', '@id("police_need_court_order")')
    with pytest.raises(PolicyLoadError) as raised:
        compose(default_set, text)
    assert not isinstance(raised.value, OverrideNotStricter)
    assert "must start with 'org.'" in str(raised.value)


def test_an_override_that_does_not_validate_names_its_line(default_set: PolicySet) -> None:
    text = NO_POLICE.replace('RecipientType::"police"', 'RecipientType::"polise"')
    with pytest.raises(PolicyLoadError) as raised:
        compose(default_set, text, file_name="refuge-lyon.cedar")
    assert {(p.file, p.line) for p in raised.value.problems} == {("refuge-lyon.cedar", 3)}


def test_an_override_cannot_lift_a_default(default_set: PolicySet) -> None:
    # Forbids only add: the shelter address stays behind whatever an org writes.
    composed = compose(default_set, NO_POLICE)
    request = disclosure("partner_ngo", "referral", "consent", ["location"], ["location"])
    assert decide(composed, request)[FieldGroup.location].outcome == "denied"
