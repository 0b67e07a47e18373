"""Benchmark of the app's disclosure decision (not a test). Run:
``python bench/disclosure_decision.py``.

Compares, in the same run, for a one-group request under the largest shipped set:

- the app's decision step as ``app.disclosure.service.ask_for_disclosure`` takes it once
  the client's consent records are loaded: the complete context built from the checked
  request and the ledger's answer (``deciding.policy_request``), the Cedar evaluation
  (``policies.decide``), the SHA-256 of the canonical context, and the audit: the stored
  decision, the register row and the audit entry built and added to a session (the
  INSERTs themselves are the database's cost, measured by the casework benchmarks);
- the bare ``cedarpy.is_authorized`` call with an already-built request dict and the same
  pre-parsed policy set, schema and entities: the floor.

Target: at most 2x the bare call and under 2 ms per decision.
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cedarpy  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

import app.models  # noqa: E402, F401 - every mapped class, as the app has them
from app.audit.actions import AuditAction  # noqa: E402
from app.audit.service import record_event  # noqa: E402
from app.context import Actor, Role  # noqa: E402
from app.disclosure.deciding import (  # noqa: E402
    Asked,
    context_sha256,
    deciding_ids,
    policy_request,
)
from app.disclosure.models import DisclosureEvent, EventKind  # noqa: E402
from app.disclosure.service import _stored  # noqa: E402
from bench.policy_decision import SET, median_ms  # noqa: E402
from policies import decide, disclosure_context, load_set  # noqa: E402
from policies.decide import _principal_entities  # noqa: E402
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType  # noqa: E402

CTX = Actor(uuid.uuid4(), uuid.uuid4(), frozenset({Role.caseworker}))
ASKED = Asked(
    RecipientType.child_protection,
    "Aide sociale a l'enfance",
    Purpose.child_protection_report,
    LegalBasis.child_protection_duty,
    "CASF L226-2-1",
    (FieldGroup.narrative,),
)


def app_decision(session: Session) -> None:
    policy_set = load_set(SET)
    request = policy_request(CTX, ASKED, frozenset(), is_minor=True)
    decision = decide(policy_set, request)
    stored, context_hash, ids = _stored(decision), context_sha256(request), deciding_ids(decision)
    session.add(
        DisclosureEvent(
            kind=EventKind.decided,
            request_id=uuid.uuid4(),
            client_id=uuid.uuid4(),
            actor_id=CTX.user_id,
            policy_set_hash=decision.policy_set_hash,
            details={
                "groups": {g: d["outcome"] for g, d in stored["groups"].items()},
                "policy_ids": ids,
            },
        )
    )
    record_event(
        session, CTX, AuditAction.disclosure_decided, "disclosure", uuid.uuid4(),
        set_sha256=decision.policy_set_hash, context_sha256=context_hash, policy_ids=ids,
        consent_record=None, consent_reason="no_record",
    )  # fmt: skip
    session.expunge_all()


def main() -> None:
    policy_set = load_set(SET)
    session = Session()
    request = policy_request(CTX, ASKED, frozenset(), is_minor=True)
    entities = _principal_entities(
        policy_set.schema, str(CTX.user_id), str(CTX.tenant_id), ("caseworker",)
    )
    bare = {
        "principal": {"type": "User", "id": str(CTX.user_id)},
        "action": {"type": "Action", "id": "disclose"},
        "resource": {"type": "FieldGroup", "id": "narrative"},
        "context": disclosure_context(request, FieldGroup.narrative),
    }
    check = cedarpy.is_authorized(bare, policy_set.cedar, entities, schema=policy_set.schema)
    assert check.allowed and not check.diagnostics.errors
    assert decide(policy_set, request).groups[0].outcome == "needs_approval"
    ms = median_ms(
        {
            "app decision (context, Cedar, hash, audit)": lambda: app_decision(session),
            "bare is_authorized": lambda: cedarpy.is_authorized(
                bare, policy_set.cedar, entities, schema=policy_set.schema
            ),
        }
    )
    for name, value in ms.items():
        print(f"  {name:<44} {value:8.3f} ms")
    ratio = ms["app decision (context, Cedar, hash, audit)"] / ms["bare is_authorized"]
    print(f"app decision / bare: {ratio:.2f}x  (target <= 2x, < 2 ms)")


if __name__ == "__main__":
    main()
