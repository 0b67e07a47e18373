"""Benchmark of a disclosure decision (not a test). Run: ``python bench/policy_decision.py``.

Compares, in the same run and against the largest shipped set:

- ``decide`` for a one-group request: building the context from the typed request,
  the Cedar evaluation, reading the result into a typed decision (errors, reasons,
  obligations) and the audit hook (a no-op here: the app adds the audit row later),
- against the bare ``cedarpy.is_authorized`` call with an already-built request dict and
  the same pre-parsed policy set, schema and entities: the floor;
- the same for three groups and for all eight (``decide`` against bare
  ``is_authorized_batch``): Cedar evaluates one request per field group;
- the bare call with the policies as text, to show what caching the parsed set saves.

Target: ``decide`` at most 2x the bare call and under 2 ms per decision.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cedarpy  # noqa: E402

from policies import (  # noqa: E402
    Decision,
    DisclosureRequest,
    PolicySet,
    Requester,
    decide,
    disclosure_context,
    load_set,
)
from policies.decide import _principal_entities  # noqa: E402
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType  # noqa: E402

ROUNDS = 31
CALLS = 40
SET = "example_mandatory_child_report"


def record_audit(decision: Decision) -> None:
    """Hook: the app writes the audit row here (same transaction as the request)."""


def request(groups: list[FieldGroup]) -> DisclosureRequest:
    return DisclosureRequest(
        requester=Requester("user-1", "org-1", frozenset({"caseworker"})),
        recipient_type=RecipientType.child_protection,
        purpose=Purpose.child_protection_report,
        legal_basis=LegalBasis.child_protection_duty,
        field_groups=frozenset(groups),
        consented_groups=frozenset(),
        is_minor=True,
        legal_reference_present=True,
        court_order_present=False,
    )


def bare_requests(disclosure: DisclosureRequest) -> list[dict[str, Any]]:
    return [
        {
            "principal": {"type": "User", "id": "user-1"},
            "action": {"type": "Action", "id": "disclose"},
            "resource": {"type": "FieldGroup", "id": str(group)},
            "context": disclosure_context(disclosure, group),
        }
        for group in FieldGroup
        if group in disclosure.field_groups
    ]


def median_ms(runs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Median ms per call of each run; rounds interleaved so noise hits all alike."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        run()
    for _ in range(ROUNDS):
        for name, run in runs.items():
            start = time.perf_counter()
            for _ in range(CALLS):
                run()
            times[name].append((time.perf_counter() - start) / CALLS * 1000)
    return {name: statistics.median(t) for name, t in times.items()}


def contenders(policy_set: PolicySet) -> dict[str, Callable[[], object]]:
    one = request([FieldGroup.narrative])
    three = request([FieldGroup.identity, FieldGroup.case_facts, FieldGroup.narrative])
    every = request(list(FieldGroup))
    entities = _principal_entities(policy_set.schema, "user-1", "org-1", ("caseworker",))
    bare_one, bare_three, bare_every = (
        bare_requests(one)[0],
        bare_requests(three),
        bare_requests(every),
    )
    text = "\n".join(source.text for source in policy_set.sources[1:])
    assert decide(policy_set, one).groups[0].outcome == "needs_approval"
    bare = cedarpy.is_authorized(bare_one, policy_set.cedar, entities, schema=policy_set.schema)
    assert bare.allowed and not bare.diagnostics.errors

    def full(disclosure: DisclosureRequest) -> Callable[[], object]:
        return lambda: record_audit(decide(policy_set, disclosure))

    return {
        "decide, 1 group": full(one),
        "bare is_authorized": lambda: cedarpy.is_authorized(
            bare_one, policy_set.cedar, entities, schema=policy_set.schema
        ),
        "decide, 3 groups": full(three),
        "bare is_authorized_batch, 3": lambda: cedarpy.is_authorized_batch(
            bare_three, policy_set.cedar, entities, schema=policy_set.schema
        ),
        "decide, 8 groups": full(every),
        "bare is_authorized_batch, 8": lambda: cedarpy.is_authorized_batch(
            bare_every, policy_set.cedar, entities, schema=policy_set.schema
        ),
        "bare, policies as text": lambda: cedarpy.is_authorized(
            bare_one, text, entities, schema=policy_set.schema
        ),
    }


def main() -> None:
    policy_set = load_set(SET)
    print(f"set {SET}: {len(policy_set.rules)} policies; cedarpy {cedarpy_version()}")
    ms = median_ms(contenders(policy_set))
    for name, value in ms.items():
        print(f"  {name:<30} {value:8.3f} ms")
    one = ms["decide, 1 group"] / ms["bare is_authorized"]
    three = ms["decide, 3 groups"] / ms["bare is_authorized_batch, 3"]
    print(f"decide / bare, 1 group:  {one:.2f}x  (target <= 2x, < 2 ms)")
    every = ms["decide, 8 groups"] / ms["bare is_authorized_batch, 8"]
    print(f"decide / bare, 3 groups: {three:.2f}x  ({ms['decide, 3 groups'] / 3:.3f} ms a group)")
    print(f"decide / bare, 8 groups: {every:.2f}x  ({ms['decide, 8 groups'] / 8:.3f} ms a group)")
    text_ratio = ms["bare, policies as text"] / ms["bare is_authorized"]
    print(f"parsing the policies on every call would cost {text_ratio:.1f}x the cached call")


def cedarpy_version() -> str:
    from importlib.metadata import version

    return version("cedarpy")


if __name__ == "__main__":
    main()
