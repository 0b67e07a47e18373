"""The one answer to "is there valid consent for purpose P, recipient R and field groups F
at time T?": :func:`consent_valid_for`. Pure: no database, no clock, no Flask. The service
(:func:`app.consent.service.consent_for`) loads a client's records and asks it; nothing
else in Haven answers this question.

Rules, in the order a person would check them:

1. Only records made at or before T count (a record dated later says nothing about T).
2. A record covers the question when it names the purpose, the recipient (its type, and
   the organisation when the record names organisations) and every field group asked.
3. Among the records that name the purpose and the recipient, a refusal made after a
   consent prevails over it: the client's latest word counts.
4. A covering record is valid at T when it was given, is not withdrawn or superseded at
   or before T, and T is before its expiry.

The answer names the record relied on, or explains the refusal with a reason code and
its parameters (a date, the groups not covered) that the screens put into words.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType


class Reason(enum.StrEnum):
    """Why the answer is what it is; stable codes (the policy context and audit use them)."""

    #: Valid: ``until`` (the expiry).
    covered = "covered"
    #: No record of this client names this purpose.
    no_record = "no_record"
    #: Records name the purpose, none this recipient.
    recipient_not_covered = "recipient_not_covered"
    #: A record names purpose and recipient but not every group: ``missing``.
    field_groups_not_covered = "field_groups_not_covered"
    #: The client refused on ``date``.
    refused = "refused"
    #: Withdrawn on ``date``.
    withdrawn = "withdrawn"
    #: Expired on ``date``.
    expired = "expired"
    #: Replaced on ``date`` by a record that does not cover the question.
    superseded = "superseded"
    #: The only covering record is dated after the moment asked about (``date``).
    not_yet_given = "not_yet_given"


class Decision(enum.StrEnum):
    valid = "valid"
    not_valid = "not_valid"


@dataclass(frozen=True)
class Recipient:
    """Who would receive the data: a type, and the organisation when there is one (an
    organisation on the platform by id, or one outside it by name)."""

    type: RecipientType
    organisation_id: uuid.UUID | None = None
    name: str | None = None


@dataclass(frozen=True)
class ConsentTerms:
    """A consent record as the question needs it: its terms and what happened to it."""

    record_id: uuid.UUID
    given: bool
    given_at: datetime
    expires_at: datetime
    purposes: frozenset[Purpose]
    field_groups: frozenset[FieldGroup]
    recipient_types: frozenset[RecipientType]
    legal_basis: LegalBasis = LegalBasis.consent
    recipient_organisations: frozenset[uuid.UUID] = frozenset()
    #: Case-folded names of organisations off the platform.
    recipient_names: frozenset[str] = frozenset()
    withdrawn_at: datetime | None = None
    superseded_at: datetime | None = None


@dataclass(frozen=True)
class ConsentAnswer:
    """The typed answer: what the policy context and the audit entry carry."""

    decision: Decision
    reason: Reason
    #: The record relied on (valid), or the one that explains the refusal.
    record_id: uuid.UUID | None = None
    #: ISO dates and codes only: ``{"date": "2026-05-03"}``, ``{"missing": "location"}``.
    params: Mapping[str, str] = field(default_factory=dict)
    legal_basis: LegalBasis | None = None

    @property
    def valid(self) -> bool:
        return self.decision is Decision.valid

    def as_context(self) -> dict[str, object]:
        """Plain values for a policy context or an audit entry."""
        return {
            "decision": self.decision.value,
            "record_id": str(self.record_id) if self.record_id else None,
            "reason": self.reason.value,
            "params": dict(self.params),
        }


def consent_valid_for(
    records: Iterable[ConsentTerms],
    purpose: Purpose,
    recipient: Recipient,
    field_groups: Iterable[FieldGroup],
    at: datetime,
) -> ConsentAnswer:
    """Whether ``records`` (one client's) hold valid consent for ``purpose``, ``recipient``
    and all of ``field_groups`` at ``at`` (timezone-aware). See the module's rules."""
    wanted = frozenset(FieldGroup(g) for g in field_groups)
    about = [r for r in records if purpose in r.purposes]
    if not about:
        return _no(Reason.no_record)
    matching = [r for r in about if _names(r, recipient)]
    if not matching:
        return _no(Reason.recipient_not_covered, about[0])
    made = sorted((r for r in matching if r.given_at <= at), key=_newest_first)
    if not made:
        earliest = min(matching, key=lambda r: r.given_at)
        return _no(Reason.not_yet_given, earliest, date=_day(earliest.given_at))
    refusal = next((r for r in made if not r.given), None)
    candidates = [r for r in made if r.given and (refusal is None or r.given_at > refusal.given_at)]
    for record in candidates:
        if wanted <= record.field_groups and _live(record, at):
            return ConsentAnswer(
                Decision.valid,
                Reason.covered,
                record.record_id,
                {"until": _day(record.expires_at)},
                record.legal_basis,
            )
    return _explain(candidates, refusal, wanted, at)


def _explain(
    candidates: Sequence[ConsentTerms],
    refusal: ConsentTerms | None,
    wanted: frozenset[FieldGroup],
    at: datetime,
) -> ConsentAnswer:
    """The most useful reason when nothing is valid: about the newest relevant record."""
    if not candidates:
        assert refusal is not None
        return _no(Reason.refused, refusal, date=_day(refusal.given_at))
    live = [r for r in candidates if _live(r, at)]
    if live:
        newest = live[0]
        missing = sorted(g.value for g in wanted - newest.field_groups)
        return _no(Reason.field_groups_not_covered, newest, missing=",".join(missing))
    newest = candidates[0]
    if newest.withdrawn_at is not None and newest.withdrawn_at <= at:
        return _no(Reason.withdrawn, newest, date=_day(newest.withdrawn_at))
    if newest.superseded_at is not None and newest.superseded_at <= at:
        return _no(Reason.superseded, newest, date=_day(newest.superseded_at))
    return _no(Reason.expired, newest, date=_day(newest.expires_at))


def status_at(record: ConsentTerms, at: datetime) -> str:
    """The DPV status of one record at ``at``: given, refused, withdrawn, superseded,
    expired (the ledger's screens and JSON show it; the question above decides)."""
    if not record.given:
        return "refused"
    if record.withdrawn_at is not None and record.withdrawn_at <= at:
        return "withdrawn"
    if record.superseded_at is not None and record.superseded_at <= at:
        return "superseded"
    if at >= record.expires_at:
        return "expired"
    return "given"


def _live(record: ConsentTerms, at: datetime) -> bool:
    return record.given_at <= at and status_at(record, at) == "given"


def _names(record: ConsentTerms, recipient: Recipient) -> bool:
    if recipient.type not in record.recipient_types:
        return False
    if not (record.recipient_organisations or record.recipient_names):
        return True  # any recipient of the named types
    if recipient.organisation_id is not None:
        return recipient.organisation_id in record.recipient_organisations
    return recipient.name is not None and recipient.name.casefold() in record.recipient_names


def _newest_first(record: ConsentTerms) -> tuple[float, str]:
    return (-record.given_at.timestamp(), str(record.record_id))


def _day(moment: datetime) -> str:
    return moment.date().isoformat()


def _no(reason: Reason, record: ConsentTerms | None = None, **params: str) -> ConsentAnswer:
    return ConsentAnswer(
        Decision.not_valid,
        reason,
        record.record_id if record else None,
        params,
        record.legal_basis if record else None,
    )
