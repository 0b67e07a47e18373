"""What each disclosure command takes: one typed input object per command, built by the
screens from a form and by the API from its arguments, with the same field names as both
(:func:`app.validation.field_names`). The service reads every field through
:class:`app.validation.FieldReader` before trusting one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PolicyChoiceInput:
    """The organisation's jurisdiction set and its own rules (which may only forbid)."""

    policy_set: str | None
    overrides: str | None = ""


@dataclass(frozen=True)
class DisclosureInput:
    """A request to disclose field groups of one client to one recipient."""

    recipient_type: str | None
    #: The receiving body (``Police, Lyon 3rd district``), never the client's name.
    recipient_name: str | None
    purpose: str | None
    legal_basis: str | None
    field_groups: Sequence[str] = field(default_factory=tuple)
    #: The court order's number or the statute's reference, when the basis needs one.
    legal_reference: str | None = None


@dataclass(frozen=True)
class ApprovalInput:
    """A supervisor's approval, with the choice whether the client is told."""

    notify_client: bool | str | None = True
    #: Why the client is not told (NotifyReason), when they are not.
    notify_reason: str | None = None


@dataclass(frozen=True)
class WhatIfInput:
    """A hypothetical request: nothing about any client is read or disclosed."""

    recipient_type: str | None
    purpose: str | None
    legal_basis: str | None
    field_groups: Sequence[str] = field(default_factory=tuple)
    #: The groups the client would have consented to (for this purpose and recipient).
    consented_groups: Sequence[str] = field(default_factory=tuple)
    is_minor: bool | str | None = False
    legal_reference_present: bool | str | None = False


@dataclass(frozen=True)
class BreakGlassInput:
    """Opening a case outside one's normal access: why, and for how long."""

    reason_code: str | None
    #: The person's own words (sealed under the client's key).
    reason_text: str | None
    #: 60 when not given; at most 240.
    duration_minutes: int | str | None = None
