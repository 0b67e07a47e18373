"""From a stored or hypothetical request to a Cedar decision: the context is always built
here, complete, with the consent ledger's answer per field group and the minor flag.

Pure apart from :func:`consent_answers`, which reads the client's consent records once and
asks the ledger's one question (:func:`app.consent.validity.consent_valid_for`) per group.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.entries import PolicyRef
from app.consent.service import consent_history
from app.consent.validity import ConsentAnswer, Reason, Recipient, consent_valid_for
from app.context import Actor
from app.db.base import utcnow
from policies import Action, Decision, DisclosureRequest, Requester, disclosure_context
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType


@dataclass(frozen=True)
class Asked:
    """A request read and checked: what the policy context is built from."""

    recipient_type: RecipientType
    recipient_name: str
    purpose: Purpose
    legal_basis: LegalBasis
    legal_reference: str | None
    field_groups: tuple[FieldGroup, ...]


@dataclass(frozen=True)
class ConsentFinding:
    #: The groups with valid consent for this purpose and recipient, now.
    consented: frozenset[FieldGroup]
    #: The ledger's answer for every group asked together (the record relied on, or why
    #: there is none): what the audit entry and the register name.
    overall: ConsentAnswer


def requester(ctx: Actor) -> Requester:
    return Requester(
        user_id=str(ctx.user_id or ctx.api_token_id or "system"),
        organisation_id=str(ctx.tenant_id),
        roles=frozenset(str(role) for role in ctx.roles),
    )


def consent_answers(
    session: Session, ctx: Actor, client_id: uuid.UUID, asked: Asked, at: datetime | None = None
) -> ConsentFinding:
    moment = at or utcnow()
    terms = [view.terms for view in consent_history(session, ctx, client_id)]
    recipient = Recipient(asked.recipient_type, name=asked.recipient_name)

    def valid(groups: Iterable[FieldGroup]) -> ConsentAnswer:
        return consent_valid_for(terms, asked.purpose, recipient, groups, moment)

    consented = frozenset(g for g in asked.field_groups if valid([g]).valid)
    return ConsentFinding(consented, valid(asked.field_groups))


def policy_request(
    ctx: Actor,
    asked: Asked,
    consented: frozenset[FieldGroup],
    *,
    is_minor: bool,
    action: Action = Action.disclose,
) -> DisclosureRequest:
    reference = asked.legal_reference is not None
    return DisclosureRequest(
        requester=requester(ctx),
        recipient_type=asked.recipient_type,
        purpose=asked.purpose,
        legal_basis=asked.legal_basis,
        field_groups=frozenset(asked.field_groups),
        consented_groups=consented,
        is_minor=is_minor,
        legal_reference_present=reference,
        # The court order is recorded with the request by its reference.
        court_order_present=asked.legal_basis is LegalBasis.court_order and reference,
        action=action,
    )


def audit_context(request: DisclosureRequest) -> dict[str, Any]:
    """The contexts the decision was made on, per group, as plain JSON (codes and flags
    only): what :func:`context_sha256` hashes and the audit entry's ``context_hash`` is of."""
    contexts = {str(g): disclosure_context(request, g) for g in sorted(request.field_groups)}
    loaded: dict[str, Any] = json.loads(json.dumps(contexts, sort_keys=True))
    return loaded


def context_sha256(request: DisclosureRequest) -> str:
    """SHA-256 of the canonical contexts the decision was made on (codes and flags only)."""
    canonical = json.dumps(audit_context(request), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def policy_ref(ids: Sequence[str], set_sha256: str) -> PolicyRef:
    """The audit entry's reference to the policies that decided and their set's hash."""
    return PolicyRef(tuple(sorted(set(ids))), "sha256:" + set_sha256)


#: The ledger's answers (stored with a request as ``consent_reason``) under which some group
#: asked for rests on the record named: covered, or covered for some groups only.
CONSENT_RELIED_ON = (Reason.covered.value, Reason.field_groups_not_covered.value)


def relied_on(finding: ConsentFinding) -> uuid.UUID | None:
    """The consent record relied on: the ledger's record when some group is consented."""
    return finding.overall.record_id if finding.consented else None


def deciding_ids(decision: Decision) -> list[str]:
    """Every policy id that decided some group, once each."""
    return sorted({pid for group in decision.groups for pid in group.policy_ids})
