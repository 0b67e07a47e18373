"""Reading and trying the organisation's rules: the active set in plain language, and the
"what if" tool, which decides a hypothetical request and discloses nothing (no client is
read; only the question's codes and the set's hash are audited).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, can
from app.context import Actor
from app.disclosure.deciding import Asked, deciding_ids, policy_request
from app.disclosure.inputs import WhatIfInput
from app.disclosure.policy import active_policy
from app.errors import Forbidden
from app.i18n import N_
from app.validation import FieldReader
from policies import Decision, PolicySet, Rule, decide, describe
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType

#: Who may read the rules and try them: whoever asks for, approves, audits or sets them.
READERS = (
    Permission.manage_policy,
    Permission.request_disclosure,
    Permission.approve_disclosure,
    Permission.read_audit,
)
NOT_A_READER = N_("Your role does not let you read the disclosure rules.")
NO_GROUPS = N_("Choose at least one field group.")


@dataclass(frozen=True)
class ActiveRules:
    policy_set: PolicySet
    #: What is never allowed first, then what is allowed (policies.describe).
    rules: tuple[Rule, ...]


def _may_read(ctx: Actor) -> None:
    if not any(can(ctx, p) for p in READERS):
        raise Forbidden(NOT_A_READER)


def active_rules(session: Session, ctx: Actor) -> ActiveRules:
    _may_read(ctx)
    policy_set = active_policy(session)
    return ActiveRules(policy_set, describe(policy_set))


def what_if(session: Session, ctx: Actor, data: WhatIfInput) -> Decision:
    """The decision a request like this would get now; nothing is read or disclosed."""
    _may_read(ctx)
    r = FieldReader.of(data)
    kind = r.choice("recipient_type", RecipientType)
    purpose = r.choice("purpose", Purpose)
    basis = r.choice("legal_basis", LegalBasis)
    groups = r.choices("field_groups", FieldGroup)
    consented = r.choices("consented_groups", FieldGroup)
    minor = r.flag("is_minor") or False
    reference = r.flag("legal_reference_present") or False
    if not groups and r.ok("field_groups"):
        r.fail("field_groups", NO_GROUPS)
    r.raise_if_failed()
    assert kind is not None and purpose is not None and basis is not None
    ordered = tuple(g for g in FieldGroup if g in groups)
    asked = Asked(kind, "", purpose, basis, "given" if reference else None, ordered)
    policy_set = active_policy(session)
    decision = decide(policy_set, policy_request(ctx, asked, frozenset(consented), is_minor=minor))
    record_event(
        session, ctx, AuditAction.disclosure_what_if, "policy_set", policy_set.name,
        set_sha256=policy_set.sha256, policy_ids=deciding_ids(decision),
    )  # fmt: skip
    return decision
