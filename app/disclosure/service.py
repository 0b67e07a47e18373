"""Disclosure requests: decide, approve, release. Everything is tenant-scoped through the
session; every step writes the register and the audit log in the same transaction.

The rules: a request is decided per field group under the organisation's policy set
(:mod:`app.disclosure.policy`) with a complete context (:mod:`app.disclosure.deciding`).
Groups that need approval wait for a supervisor who is not the requester; consent is asked
again at approval and again at release, so a withdrawal in between stops the disclosure.
A refusal (bad input, every group denied, a self-approval, a failed approval) is answered
with a 4xx and still recorded (:func:`app.db.session.keep_refusal`).

XXX: the register and the audit hold ids, codes and hashes only; the recipient's name is
staff input about an authority, not about the client, and is kept on the request alone.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any, NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients.models import Client
from app.clients.service import get_client
from app.context import Actor
from app.db.base import utcnow
from app.db.session import keep_refusal
from app.disclosure.deciding import (
    CONSENT_RELIED_ON,
    Asked,
    ConsentFinding,
    audit_context,
    consent_answers,
    context_sha256,
    deciding_ids,
    policy_ref,
    policy_request,
    relied_on,
)
from app.disclosure.inputs import ApprovalInput, DisclosureInput
from app.disclosure.models import (
    DisclosureEvent,
    DisclosureRequest,
    EventKind,
    NotifyReason,
    Status,
)
from app.disclosure.policy import active_policy
from app.disclosure.wording import reason_text
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.validation import FieldReader
from policies import Action, Decision, NotifyClient, Outcome, decide
from policies import DisclosureRequest as PolicyRequest
from policies.vocabulary import REFERENCE_REQUIRED, FieldGroup, LegalBasis, Purpose, RecipientType

#: Disclosure numbers: no 0/O, 1/I/L, so they can be read aloud and typed back.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_MISSING = N_("A court order or a statute must be cited by its reference.")
NO_GROUPS = N_("Choose at least one field group.")
SELF_APPROVAL = N_("You cannot approve your own request: another supervisor must.")
APPROVAL_FAILED = N_(
    "The approval failed: the client's consent this request relied on is no longer valid "
    "(withdrawn or expired). Nothing was approved."
)
RELEASE_FAILED = N_(
    "The package was not released: the decision has changed since the request (consent "
    "withdrawn or expired, or the policy changed). Make a new request."
)
NOT_AWAITING = N_("This request is not waiting for approval.")
NOT_READY = N_("This request cannot be released: it is refused, waiting or already released.")
NOTIFY_REASON_NEEDED = N_("Say why the client is not told.")
MUST_NOTIFY = N_("The rule that allows this disclosure says the client is always told.")


class DisclosureRefused(ValidationFailed):
    """Every group asked for was denied: the request is recorded, nothing can leave."""


@dataclass(frozen=True)
class GroupView:
    """One group's decision as a caseworker reads it."""

    field_group: FieldGroup
    outcome: Outcome
    policy_ids: tuple[str, ...]
    #: Sentences to translate (``_()``), one per deciding policy.
    reasons: tuple[str, ...]


def get_request(session: Session, ctx: Actor, request_id: uuid.UUID) -> DisclosureRequest:
    """A request of this organisation; another's is not found."""
    require(ctx, Permission.request_disclosure)
    found = session.get(DisclosureRequest, (ctx.tenant_id, request_id))
    if found is None:
        raise NotFound(N_("No such disclosure request."))
    return found


def requests_for_client(
    session: Session, ctx: Actor, client_id: uuid.UUID
) -> list[DisclosureRequest]:
    client = get_client(session, ctx, client_id)
    require(ctx, Permission.request_disclosure)
    return list(
        session.scalars(
            select(DisclosureRequest)
            .where(DisclosureRequest.client_id == client.id)
            .order_by(DisclosureRequest.requested_at.desc())
        )
    )


def explain(request: DisclosureRequest) -> list[GroupView]:
    """The stored decision in words, group by group."""
    views = []
    for group, decided in request.decision["groups"].items():
        english = decided.get("reason_texts") or decided["reason_codes"]
        reasons = tuple(
            reason_text(c, t) for c, t in zip(decided["reason_codes"], english, strict=True)
        )
        views.append(
            GroupView(
                FieldGroup(group),
                Outcome(decided["outcome"]),
                tuple(decided["policy_ids"]),
                reasons,
            )
        )
    return views


def ask_for_disclosure(
    session: Session, ctx: Actor, client_id: uuid.UUID, data: DisclosureInput
) -> DisclosureRequest:
    """Decide a request group by group and record it. Bad input, or a request of which
    every group is denied, is refused (422) and recorded all the same."""
    require(ctx, Permission.request_disclosure)
    client = get_client(session, ctx, client_id)
    asked = _read_request(session, ctx, client, data)
    policy_set = active_policy(session)
    consent = consent_answers(session, ctx, client.id, asked)
    request = policy_request(ctx, asked, consent.consented, is_minor=client.is_minor)
    decision = decide(policy_set, request)
    row = DisclosureRequest(
        number=_new_number(),
        client_id=client.id,
        requested_by=ctx.user_id,
        requested_at=utcnow(),
        recipient_type=asked.recipient_type,
        recipient_name=asked.recipient_name,
        purpose=asked.purpose,
        legal_basis=asked.legal_basis,
        legal_reference=asked.legal_reference,
        field_groups=[str(g) for g in asked.field_groups],
        is_minor=client.is_minor,
        policy_set=policy_set.name,
        policy_set_hash=policy_set.sha256,
        context_sha256=context_sha256(request),
        consent_record_id=consent.overall.record_id,
        consent_reason=consent.overall.reason.value,
        decision=_stored(decision),
        status=_status_of(decision),
    )
    session.add(row)
    session.flush()
    decided = Decided(decision, request, consent)
    _log(session, ctx, row, EventKind.decided, AuditAction.disclosure_decided, decided)
    if row.status is Status.refused:
        keep_refusal(session)
        messages = list(dict.fromkeys(r for g in explain(row) for r in g.reasons))
        raise DisclosureRefused({"field_groups": messages})
    return row


def approve_disclosure(
    session: Session, ctx: Actor, request_id: uuid.UUID, data: ApprovalInput
) -> DisclosureRequest:
    """A supervisor who is not the requester approves; the client's consent is asked
    again now, and the client notification choice (and why not) is recorded."""
    row = get_request(session, ctx, request_id)  # another organisation's: not found first
    require(ctx, Permission.approve_disclosure)
    if row.requested_by is not None and row.requested_by == ctx.user_id:
        _fail(
            session, ctx, row, EventKind.approval_failed, "self_approval", Forbidden(SELF_APPROVAL)
        )
    if row.status is not Status.awaiting_approval:
        raise Conflict(NOT_AWAITING)
    notify, reason = _read_notification(row, data)
    again = _decide_again(session, ctx, row, Action.disclose)
    if _lost_groups(row, again.decision):
        row.status = Status.approval_failed
        _fail(
            session,
            ctx,
            row,
            EventKind.approval_failed,
            "consent_no_longer_valid",
            Conflict(APPROVAL_FAILED),
            again,
        )
    row.status, row.approved_by, row.approved_at = Status.ready, ctx.user_id, utcnow()
    row.notify_client, row.notify_reason = notify, reason
    _log(
        session, ctx, row, EventKind.approved, AuditAction.disclosure_approved, again,
        notify_client=notify, notify_reason=reason,
    )  # fmt: skip
    return row


def decline_disclosure(session: Session, ctx: Actor, request_id: uuid.UUID) -> DisclosureRequest:
    row = get_request(session, ctx, request_id)
    require(ctx, Permission.approve_disclosure)
    if row.status is not Status.awaiting_approval:
        raise Conflict(NOT_AWAITING)
    row.status = Status.declined
    _log(session, ctx, row, EventKind.declined, AuditAction.disclosure_declined, None)
    return row


@dataclass(frozen=True)
class Decided:
    """A decision with what it was made on: the policy request (its context is hashed
    into the audit entry) and the consent ledger's answer (the record relied on)."""

    decision: Decision
    request: PolicyRequest
    consent: ConsentFinding


@dataclass(frozen=True)
class Releasable:
    """What may leave now: the request and the groups decided again at this moment."""

    request: DisclosureRequest
    client: Client
    decided: Decided
    groups: tuple[FieldGroup, ...]

    @property
    def decision(self) -> Decision:
        return self.decided.decision


def prepare_release(session: Session, ctx: Actor, request_id: uuid.UUID) -> Releasable:
    """Decide the request again (``release``) before anything is revealed: a group that
    was allowed and is not any more stops the release, recorded."""
    require(ctx, Permission.request_disclosure)
    row = get_request(session, ctx, request_id)
    if row.status is not Status.ready:
        raise Conflict(NOT_READY)
    again = _decide_again(session, ctx, row, Action.release)
    if _lost_groups(row, again.decision):
        _fail(
            session,
            ctx,
            row,
            EventKind.release_refused,
            "decision_changed",
            Conflict(RELEASE_FAILED),
            again,
        )
    groups = tuple(g.field_group for g in again.decision.groups if g.outcome is not Outcome.denied)
    return Releasable(row, get_client(session, ctx, row.client_id), again, groups)


def mark_released(
    session: Session, ctx: Actor, release: Releasable, package_sha256: str, key_version: int
) -> None:
    row = release.request
    row.status, row.released_by, row.released_at = Status.released, ctx.user_id, utcnow()
    row.package_sha256, row.signing_key_version = package_sha256, key_version
    _log(
        session, ctx, row, EventKind.released, AuditAction.disclosure_released, release.decided,
        package_sha256=package_sha256, groups=[str(g) for g in release.groups],
    )  # fmt: skip


def _read_request(session: Session, ctx: Actor, client: Client, data: DisclosureInput) -> Asked:
    r = FieldReader.of(data)
    kind = r.choice("recipient_type", RecipientType)
    name = r.text("recipient_name", 200, required=True)
    purpose = r.choice("purpose", Purpose)
    basis = r.choice("legal_basis", LegalBasis)
    reference = r.text("legal_reference", 200) or None
    groups = r.choices("field_groups", FieldGroup)
    if not groups and r.ok("field_groups"):
        r.fail("field_groups", NO_GROUPS)
    if basis in REFERENCE_REQUIRED and reference is None:
        r.fail("legal_reference", REFERENCE_MISSING)
    if r.fields:
        codes = sorted(r.fields)
        session.add(
            DisclosureEvent(
                kind=EventKind.refused_input,
                client_id=client.id,
                actor_id=ctx.user_id,
                details={"fields": codes},
            )
        )
        record_event(
            session, ctx, AuditAction.disclosure_refused, "client", client.id, fields=codes
        )
        keep_refusal(session)
        r.raise_if_failed()
    assert kind is not None and name is not None and purpose is not None and basis is not None
    ordered = tuple(g for g in FieldGroup if g in groups)
    return Asked(kind, name, purpose, basis, reference, ordered)


def _asked(row: DisclosureRequest) -> Asked:
    groups = tuple(FieldGroup(g) for g in row.field_groups)
    return Asked(
        row.recipient_type,
        row.recipient_name,
        row.purpose,
        row.legal_basis,
        row.legal_reference,
        groups,
    )


def _decide_again(session: Session, ctx: Actor, row: DisclosureRequest, action: Action) -> Decided:
    asked = _asked(row)
    consent = consent_answers(session, ctx, row.client_id, asked)
    client = get_client(session, ctx, row.client_id)
    request = policy_request(ctx, asked, consent.consented, is_minor=client.is_minor, action=action)
    # The requester's roles decided the request; the approver's or releaser's are theirs.
    return Decided(decide(active_policy(session), request), request, consent)


def _lost_groups(row: DisclosureRequest, decision: Decision) -> bool:
    """Whether a group that was not denied at the request is denied now."""
    before = {g for g, d in row.decision["groups"].items() if d["outcome"] != Outcome.denied}
    now = {str(g.field_group) for g in decision.groups if g.outcome is not Outcome.denied}
    return not before <= now


def _read_notification(row: DisclosureRequest, data: ApprovalInput) -> tuple[bool, str | None]:
    r = FieldReader.of(data)
    notify = r.flag("notify_client")
    reason = r.choice("notify_reason", NotifyReason, optional=True)
    duty = _notify_duty(row)
    if notify is False and duty == NotifyClient.always:
        r.fail("notify_client", MUST_NOTIFY)
    if notify is False and reason is None and r.ok("notify_reason"):
        r.fail("notify_reason", NOTIFY_REASON_NEEDED)
    r.raise_if_failed()
    told = notify is not False
    return told, (None if told or reason is None else reason.value)


def _notify_duty(row: DisclosureRequest) -> str | None:
    duties = {
        d["obligations"].get("notify_client")
        for d in row.decision["groups"].values()
        if d["outcome"] != Outcome.denied
    }
    if NotifyClient.always in duties:
        return NotifyClient.always
    return NotifyClient.unless_endangering if NotifyClient.unless_endangering in duties else None


def _stored(decision: Decision) -> dict[str, Any]:
    """The decision as kept with the request: the audit summary, and each reason's English
    text for a code the screens have no sentence for (an organisation's own rule)."""
    stored = decision.as_audit()
    for group in decision.groups:
        stored["groups"][str(group.field_group)]["reason_texts"] = [r.text for r in group.reasons]
    return stored


def _status_of(decision: Decision) -> Status:
    if not decision.releasable:
        return Status.refused
    return Status.awaiting_approval if decision.needs_approval else Status.ready


def _new_number() -> str:
    return "D-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def _log(
    session: Session,
    ctx: Actor,
    row: DisclosureRequest,
    kind: EventKind,
    action: AuditAction,
    decided: Decided | None,
    *,
    again: Decided | None = None,
    **extra: Any,
) -> None:
    """The register row and the audit entry: ids, codes and hashes, never plaintext.

    The audit entry names the deciding policies and the set's hash, the consent record
    relied on and the hash of the context decided on: of ``decided`` (the decision of this
    step), else of ``again`` (a decision made again that refused this step), else of the
    request's stored decision (a supervisor declining it)."""
    decision = decided.decision if decided is not None else None
    details: dict[str, Any] = {"number": row.number, "status": row.status.value, **extra}
    if decision is not None:
        summary = decision.as_audit()
        details["groups"] = {g: d["outcome"] for g, d in summary["groups"].items()}
        details["policy_ids"] = deciding_ids(decision)
    session.add(
        DisclosureEvent(
            kind=kind,
            request_id=row.id,
            client_id=row.client_id,
            actor_id=ctx.user_id,
            policy_set_hash=row.policy_set_hash if decision is None else decision.policy_set_hash,
            details=details,
        )
    )
    audit: dict[str, Any] = {
        "number": row.number,
        "status": row.status.value,
        "set_sha256": row.policy_set_hash,
        "context_sha256": row.context_sha256,
        "consent_record": str(row.consent_record_id) if row.consent_record_id else None,
        "consent_reason": row.consent_reason,
        **{k: v for k, v in extra.items() if not isinstance(v, dict)},
    }
    basis = decided or again
    if decision is not None:
        audit["policy_ids"] = deciding_ids(decision)
        audit["set_sha256"] = decision.policy_set_hash
    if basis is not None:
        deciding = policy_ref(deciding_ids(basis.decision), basis.decision.policy_set_hash)
        consent = relied_on(basis.consent)
        context: dict[str, Any] | None = audit_context(basis.request)
    else:
        stored = row.decision["groups"].values()
        ids = [pid for d in stored for pid in d["policy_ids"]]
        deciding = policy_ref(ids, row.decision.get("policy_set_hash") or row.policy_set_hash)
        consent = row.consent_record_id if row.consent_reason in CONSENT_RELIED_ON else None
        context = None
    record_event(
        session, ctx, action, "disclosure", row.id,
        deciding_policy=deciding, consent_relied_on=consent, request_context=context, **audit,
    )  # fmt: skip
    session.flush()


def _fail(
    session: Session,
    ctx: Actor,
    row: DisclosureRequest,
    kind: EventKind,
    code: str,
    error: Exception,
    again: Decided | None = None,
) -> NoReturn:
    """Record a refused step (with its reason code) and raise it; the record is kept.
    ``again``: the decision made again that refused it (its policies are named)."""
    action = AuditAction.disclosure_approval_failed
    if kind is EventKind.release_refused:
        action = AuditAction.disclosure_release_refused
    _log(session, ctx, row, kind, action, None, again=again, refused=code)
    keep_refusal(session)
    raise error
