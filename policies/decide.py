"""The evaluator: a typed request in, one decision per field group out. No database.

XXX: Cedar skips a policy whose evaluation fails and decides with the others, so a broken
``forbid`` would let a ``permit`` through. Here any error at all (a request Cedar refuses,
a missing or mistyped context attribute, a policy that fails to evaluate) makes the group
denied, naming the policies that failed. Do not "simplify" this into ``result.allowed``.
"""

from __future__ import annotations

import enum
import functools
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cedarpy

from policies.rules import NO_OBLIGATIONS, Obligations, Reason
from policies.sets import PolicySet
from policies.vocabulary import (
    LEGAL_OBLIGATION,
    REFERENCE_REQUIRED,
    SENSITIVE_GROUPS,
    FieldGroup,
    LegalBasis,
    Purpose,
    RecipientType,
)

log = logging.getLogger(__name__)

_ERRING_POLICY = re.compile(r"policy `([^`]+)`")
NO_RULE_PERMITS = Reason("no_rule_permits", "No rule of the active policy set allows this.")
EVALUATION_ERROR = Reason(
    "policy_evaluation_error",
    "The policy could not be evaluated for this request, so it is refused; an "
    "administrator should check the policy set.",
)
OUTSIDE_MIN_FIELDS = Reason(
    "outside_min_fields",
    "The rule that allows this names the minimum field groups to disclose, and this group "
    "is not among them.",
)
#: Reasons the evaluator gives itself (policies give theirs by @reason / @explain).
BUILTIN_REASONS = (NO_RULE_PERMITS, EVALUATION_ERROR, OUTSIDE_MIN_FIELDS)


class Action(enum.StrEnum):
    #: Deciding a disclosure request (and the "what if" tool).
    disclose = "disclose"
    #: Releasing the package: decided again at that moment.
    release = "release"
    #: Opening a case outside one's normal access.
    view_break_glass = "view_break_glass"


class Outcome(enum.StrEnum):
    allowed = "allowed"
    denied = "denied"
    #: Allowed once a supervisor (not the requester) approves.
    needs_approval = "needs_approval"


@dataclass(frozen=True)
class Requester:
    """Who asks: the principal ``User::"<user_id>"`` in ``Organisation::"<org id>"``."""

    user_id: str
    organisation_id: str
    #: Role names (app.auth.models.Role values); unknown ones make every group denied.
    roles: frozenset[str]


@dataclass(frozen=True)
class DisclosureRequest:
    """A disclosure (or release) as the app sees it; everything the context needs."""

    requester: Requester
    recipient_type: RecipientType
    purpose: Purpose
    legal_basis: LegalBasis
    field_groups: frozenset[FieldGroup]
    #: The groups for which the consent ledger finds valid consent for this purpose and
    #: recipient at this moment; any other group counts as not consented.
    consented_groups: frozenset[FieldGroup]
    is_minor: bool
    #: The reference the basis needs (court order number, statute) was given.
    legal_reference_present: bool
    #: A court order is recorded with the request.
    court_order_present: bool
    action: Action = Action.disclose


@dataclass(frozen=True)
class BreakGlassRequest:
    requester: Requester
    field_groups: frozenset[FieldGroup]
    #: The app's reason code; the policies only see whether a reason text was given.
    reason_code: str
    reason_given: bool
    duration_minutes: int
    is_minor: bool


@dataclass(frozen=True)
class GroupDecision:
    field_group: FieldGroup
    outcome: Outcome
    #: The policies that decided: satisfied permits if allowed, satisfied forbids if
    #: denied, the failing policies on an error, none when nothing permits.
    policy_ids: tuple[str, ...]
    reasons: tuple[Reason, ...]
    #: Merged from the deciding permits; empty for a denied group.
    obligations: Obligations
    #: Cedar's error messages (never client data: the context holds none); empty normally.
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    policy_set: str
    policy_set_hash: str
    action: Action
    groups: tuple[GroupDecision, ...]

    def __getitem__(self, group: FieldGroup) -> GroupDecision:
        for decided in self.groups:
            if decided.field_group == group:
                return decided
        raise KeyError(group)

    @property
    def releasable(self) -> frozenset[FieldGroup]:
        """Groups not denied (some may still wait for approval)."""
        return frozenset(g.field_group for g in self.groups if g.outcome != Outcome.denied)

    @property
    def needs_approval(self) -> bool:
        return any(g.outcome == Outcome.needs_approval for g in self.groups)

    @property
    def obligations(self) -> Obligations:
        """Every duty of every group not denied, merged."""
        merged = NO_OBLIGATIONS
        for group in self.groups:
            if group.outcome != Outcome.denied:
                merged = merged.merge(group.obligations)
        return merged

    def as_audit(self) -> dict[str, Any]:
        """JSON-ready summary for the audit entry and the register (no client data)."""
        return {
            "policy_set": self.policy_set,
            "policy_set_hash": self.policy_set_hash,
            "action": str(self.action),
            "groups": {
                str(g.field_group): {
                    "outcome": str(g.outcome),
                    "policy_ids": list(g.policy_ids),
                    "reason_codes": [r.code for r in g.reasons],
                    "obligations": g.obligations.as_dict(),
                    "errors": list(g.errors),
                }
                for g in self.groups
            },
        }


def decide(policy_set: PolicySet, request: DisclosureRequest | BreakGlassRequest) -> Decision:
    """Decide every field group of ``request`` under ``policy_set``; never raises on data."""
    if isinstance(request, DisclosureRequest):
        action, shared = request.action, _shared_disclosure_context(request)
    else:
        action, shared = Action.view_break_glass, break_glass_context(request)
    groups = [g for g in FieldGroup if g in request.field_groups]
    contexts = [_for_group(request, shared, g) for g in groups]
    decisions = _evaluate(policy_set, request.requester, action, groups, contexts)
    return Decision(policy_set.name, policy_set.sha256, action, tuple(decisions))


def decide_context(
    policy_set: PolicySet,
    requester: Requester,
    action: Action,
    group: FieldGroup,
    context: Mapping[str, Any],
) -> GroupDecision:
    """Evaluate one hand-built context (tests, tooling); :func:`decide` is the normal path."""
    return _evaluate(policy_set, requester, action, [group], [dict(context)])[0]


def disclosure_context(request: DisclosureRequest, group: FieldGroup) -> dict[str, Any]:
    """The complete Cedar context for one group of a disclosure request."""
    return _for_group(request, _shared_disclosure_context(request), group)


def break_glass_context(request: BreakGlassRequest) -> dict[str, Any]:
    return {
        "reason_code": request.reason_code,
        "reason_given": request.reason_given,
        "duration_minutes": request.duration_minutes,
        "is_minor": request.is_minor,
    }


def _shared_disclosure_context(request: DisclosureRequest) -> dict[str, Any]:
    return {
        "recipient_type": _entity("RecipientType", request.recipient_type),
        "purpose": _entity("Purpose", request.purpose),
        "legal_basis": _entity("LegalBasis", request.legal_basis),
        "legal_obligation": request.legal_basis in LEGAL_OBLIGATION,
        "reference_required": request.legal_basis in REFERENCE_REQUIRED,
        "legal_reference_present": request.legal_reference_present,
        "court_order_present": request.court_order_present,
        "is_minor": request.is_minor,
        "field_groups_requested": [
            _entity("FieldGroup", g) for g in FieldGroup if g in request.field_groups
        ],
    }


def _for_group(
    request: DisclosureRequest | BreakGlassRequest, shared: dict[str, Any], group: FieldGroup
) -> dict[str, Any]:
    if isinstance(request, BreakGlassRequest):
        return shared
    return {
        **shared,
        "consent_valid": group in request.consented_groups,
        "resource_sensitive": group in SENSITIVE_GROUPS,
    }


def _entity(kind: str, value: str) -> dict[str, Any]:
    return {"__entity": {"type": kind, "id": str(value)}}


def _evaluate(
    policy_set: PolicySet,
    requester: Requester,
    action: Action,
    groups: list[FieldGroup],
    contexts: list[dict[str, Any]],
) -> list[GroupDecision]:
    principal = {"type": "User", "id": requester.user_id}
    try:
        entities = _principal_entities(
            policy_set.schema,
            requester.user_id,
            requester.organisation_id,
            tuple(sorted(requester.roles)),
        )
    except ValueError as exc:
        return [_erred(policy_set, g, [f"requester: {exc}"]) for g in groups]
    requests = [
        {
            "principal": principal,
            "action": {"type": "Action", "id": str(action)},
            "resource": {"type": "FieldGroup", "id": str(group)},
            "context": context,
        }
        for group, context in zip(groups, contexts, strict=True)
    ]
    results = cedarpy.is_authorized_batch(
        requests, policy_set.cedar, entities, schema=policy_set.schema
    )
    return [_interpret(policy_set, g, r) for g, r in zip(groups, results, strict=True)]


@functools.lru_cache(maxsize=1024)
def _principal_entities(
    schema: cedarpy.Schema, user_id: str, organisation_id: str, roles: tuple[str, ...]
) -> cedarpy.Entities:
    """The principal and its organisation, validated against the schema (so an unknown role
    is refused here), parsed once per user and role set."""
    document = [
        {
            "uid": {"type": "User", "id": user_id},
            "attrs": {"roles": [_entity("Role", role) for role in roles]},
            "parents": [{"type": "Organisation", "id": organisation_id}],
        },
        {"uid": {"type": "Organisation", "id": organisation_id}, "attrs": {}, "parents": []},
    ]
    return cedarpy.Entities.from_json_str(json.dumps(document), schema)


def _interpret(
    policy_set: PolicySet, group: FieldGroup, result: cedarpy.AuthzResult
) -> GroupDecision:
    errors = list(result.diagnostics.errors)
    if errors or result.decision not in (cedarpy.Decision.Allow, cedarpy.Decision.Deny):
        return _erred(policy_set, group, errors or [f"no decision: {result.decision}"])
    deciding = policy_set.in_set_order(result.diagnostics.reasons)
    rules = [policy_set.rule(policy_id) for policy_id in deciding]
    if result.decision != cedarpy.Decision.Allow or not rules:
        reasons = tuple(r.reason for r in rules) or (NO_RULE_PERMITS,)
        return GroupDecision(group, Outcome.denied, deciding, reasons, NO_OBLIGATIONS)
    obligations = NO_OBLIGATIONS
    for rule in rules:
        obligations = obligations.merge(rule.obligations)
    if obligations.min_fields is not None and group not in obligations.min_fields:
        return GroupDecision(group, Outcome.denied, deciding, (OUTSIDE_MIN_FIELDS,), NO_OBLIGATIONS)
    outcome = Outcome.needs_approval if obligations.supervisor_approval else Outcome.allowed
    return GroupDecision(group, outcome, deciding, tuple(r.reason for r in rules), obligations)


def _erred(policy_set: PolicySet, group: FieldGroup, errors: list[str]) -> GroupDecision:
    failing = tuple(sorted({pid for e in errors for pid in _ERRING_POLICY.findall(e)}))
    log.warning(
        "policy evaluation failed, denied: set=%s hash=%s group=%s policies=%s errors=%s",
        policy_set.name,
        policy_set.sha256,
        group,
        ",".join(failing) or "-",
        errors,
    )
    return GroupDecision(
        group, Outcome.denied, failing, (EVALUATION_ERROR,), NO_OBLIGATIONS, tuple(errors)
    )
