"""Golden decision tables: each shipped set against hand-written expectations.

The tables in ``golden/`` are data (request -> outcome and deciding policy ids per field
group), written from the rules each set means to keep; a change of policy that changes a
decision must change a table too, where a reviewer sees it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policies import BUILTIN_REASONS, decide, load_set, shipped_sets
from policies.vocabulary import FieldGroup
from tests.policies.conftest import request_from

GOLDEN = Path(__file__).parent / "golden"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(GOLDEN.glob("*.json")):
        table = json.loads(path.read_text(encoding="utf-8"))
        for case in table["cases"]:
            cases.append(pytest.param(table["set"], case, id=f"{path.stem}: {case['name']}"))
    return cases


def test_every_shipped_set_has_a_golden_table() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(shipped_sets())


@pytest.mark.parametrize(("set_name", "case"), _cases())
def test_golden_decision(set_name: str, case: dict[str, Any]) -> None:
    policy_set = load_set(set_name)
    request = request_from(case["request"])
    assert {str(g) for g in request.field_groups} == set(case["expect"]), "table names groups"

    decision = decide(policy_set, request)

    got = {
        str(g.field_group): {"outcome": str(g.outcome), "policies": sorted(g.policy_ids)}
        for g in decision.groups
    }
    want = {
        group: {"outcome": e["outcome"], "policies": sorted(e["policies"])}
        for group, e in case["expect"].items()
    }
    assert got == want
    for group in decision.groups:
        assert group.errors == ()
        codes = [r.code for r in group.reasons]
        if group.policy_ids:
            assert codes == [policy_set.rule(p).reason.code for p in group.policy_ids]
        else:
            assert codes == [BUILTIN_REASONS[0].code]


def test_min_fields_reach_the_decision() -> None:
    decision = decide(
        load_set("default"),
        request_from(
            {
                "recipient_type": "child_protection",
                "purpose": "child_protection_report",
                "legal_basis": "child_protection_duty",
                "is_minor": True,
                "field_groups": ["identity", "case_facts"],
            }
        ),
    )
    obligations = decision.obligations
    assert obligations.supervisor_approval
    assert obligations.min_fields == {FieldGroup.identity, FieldGroup.case_facts}
    assert obligations.notify_client == "unless_endangering"
    assert decision.needs_approval
    assert decision.releasable == {FieldGroup.identity, FieldGroup.case_facts}
