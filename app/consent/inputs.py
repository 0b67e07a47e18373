"""What each command of the consent ledger takes: one typed input object per command, built
by the screens from a form and by the API from its arguments, with the same field names as
both (:func:`app.validation.field_names`). The service reads every field through
:class:`app.validation.FieldReader` before trusting one: a value may arrive as an
enumeration member or a date from the API, or as the string a form sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Scan:
    """An uploaded file, as received (checked by content, sealed before it is stored)."""

    data: bytes
    #: The name the browser sent: never stored or logged (it may be a person's name).
    filename: str | None = None


@dataclass(frozen=True)
class ConsentInput:
    """Recording a client's consent (or refusal). Lists arrive as lists or as the
    strings of a form; ids as UUIDs or strings."""

    #: ``given`` or ``refused``.
    decision: str | None
    purposes: Sequence[str]
    field_groups: Sequence[str]
    recipient_types: Sequence[str]
    #: The notice read to the client: its id, the language of its text, the version.
    notice_id: uuid.UUID | str | None
    notice_language: str | None
    notice_version: int | str | None
    #: The language it was explained in (BCP 47).
    language: str | None
    method: str | None
    #: The first day on which the consent no longer holds.
    expires_on: date | str | None
    legal_basis: str | None = "consent"
    legal_reference: str | None = None
    recipient_organisations: Sequence[uuid.UUID | str] = field(default_factory=tuple)
    #: Organisations off the platform, one per line or comma-separated.
    recipient_names: Sequence[str] | str = field(default_factory=tuple)
    interpreter_used: bool | str | None = False
    interpreter_code: str | None = None
    #: ``none``, ``scan`` (then ``evidence_scan``) or ``signature`` (then the hash).
    evidence_kind: str | None = "none"
    evidence_scan: Scan | None = None
    signature_sha256: str | None = None
    witness_code: str | None = None
    receipt_kind: str | None = "full"
    #: The record this one renews or narrows.
    supersedes: uuid.UUID | str | None = None


@dataclass(frozen=True)
class Withdrawal:
    """Withdrawing one record: one action, effective at once."""

    #: How the withdrawal reached the organisation (WithdrawalChannel).
    channel: str | None = "in_person"


@dataclass(frozen=True)
class NoticeTextInput:
    """A new version of a notice in one language (or its first text in that language)."""

    language: str | None
    title: str | None
    body: str | None


@dataclass(frozen=True)
class ConsentQuestion:
    """The validity question, as the API and the referral screen ask it."""

    purpose: str | None
    recipient_type: str | None
    field_groups: Sequence[str] = field(default_factory=tuple)
    organisation_id: uuid.UUID | str | None = None
    recipient_name: str | None = None
    #: When; now if not given.
    at: datetime | None = None


@dataclass(frozen=True)
class ConsentSettingsInput:
    max_months: int | str | None
