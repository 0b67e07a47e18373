"""What each command of the cases domain takes: one typed input object per command, built
by the screens from a form (``app.web.forms.form_input``) and by the API from its
arguments, with the same field names as both. The types say what those send; the service
reads every field (:mod:`app.validation`) before it trusts one: a choice may arrive as an
enumeration member from the API or as the string a form sent.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from app.cases.models import PermitTrack


@dataclass(frozen=True)
class CaseOpening:
    opened_on: date | None
    permit_track: str | None = PermitTrack.none


@dataclass(frozen=True)
class CaseClosing:
    closed_on: date | None
    #: A CloseReason.
    reason: str | None


@dataclass(frozen=True)
class ReflectionPeriod:
    reflection_start: date | None
    #: Not known yet, sometimes.
    reflection_end: date | None = None


@dataclass(frozen=True)
class PermitTrackChoice:
    permit_track: str | None


@dataclass(frozen=True)
class NrmChange:
    #: An NrmState.
    nrm_state: str | None
    changed_on: date | None


@dataclass(frozen=True)
class Assignee:
    #: A member of the organisation (a caseworker or supervisor).
    user_id: uuid.UUID | str | None


@dataclass(frozen=True)
class RiskInput:
    #: A RiskKind and a RiskLevel.
    kind: str | None
    level: str | None
    review_on: date | None
    #: Sealed under the client's key.
    notes: str | None = None


@dataclass(frozen=True)
class RiskReview:
    level: str | None
    review_on: date | None


@dataclass(frozen=True)
class ChildModule:
    """The child module of a case. For the two sealed fields, None keeps the stored value
    (a form cannot show it without a reveal) and a blank clears it."""

    #: A Schooling value.
    schooling: str | None
    #: The name of a service (e.g. "ASE Rhône"), not a person.
    child_protection_service: str | None = None
    #: The guardian's name and contact.
    guardian: str | None = None
    #: The child-protection contact person.
    child_protection_contact: str | None = None
