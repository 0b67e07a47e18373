"""What the assistance commands receive: one typed input object per command, as a form or
the API parsed it (types only, no rule checked yet). The services apply every rule to it
(:mod:`app.validation`), so the screens and the API refuse the same things.

The field sets (``SERVICE_FIELDS``, ``GRANT_FIELDS``...) are derived from these classes and
nowhere spelled again: the forms and the API's schemas declare the same fields, and a test
keeps them equal.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from app.validation import field_names, typed_input

In = TypeVar("In")


@dataclass(frozen=True)
class ServiceInput:
    """One service delivered (recorded for one client, or for a group)."""

    #: A ServiceCategory value.
    category: str | None = None
    subtype_id: uuid.UUID | str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    quantity: Decimal | None = None
    #: A ServiceUnit value; the category's usual unit when left out.
    unit: str | None = None
    #: BCP 47.
    language: str | None = None
    interpreter_used: bool | None = None
    grant_id: uuid.UUID | str | None = None
    cost: Decimal | None = None
    #: ISO 4217; the grant's currency when left out.
    currency: str | None = None
    #: A ServiceOutcome value; delivered when left out.
    outcome: str | None = None
    #: Sealed under the client's key.
    notes: str | None = None


@dataclass(frozen=True)
class CorrectionInput(ServiceInput):
    """A correction of a record: its service fields, and the edit form's "clear the notes"
    box (new notes replace the sealed ones; notes left out keep them)."""

    clear_notes: bool = False


@dataclass(frozen=True)
class GrantInput:
    code: str | None = None
    name: str | None = None
    funder: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    budget: Decimal | None = None
    #: ISO 4217.
    currency: str | None = None


@dataclass(frozen=True)
class SubtypeInput:
    #: A ServiceCategory value: the type's records are filed under it for good.
    category: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SubtypeRename:
    """What a subtype's correction may change: its category stays."""

    name: str | None = None


@dataclass(frozen=True)
class ContactInput:
    """An anonymous contact: coarse facts only, nothing that could single the caller out."""

    occurred_on: date | None = None
    #: A ContactChannel value.
    channel: str | None = None
    language: str | None = None
    interpreter_used: bool | None = None
    #: ServiceCategory values.
    topics: Sequence[str] | None = None
    gender: str | None = None
    age_band: str | None = None
    form_of_exploitation: str | None = None
    referral_made: bool | None = None


SERVICE_FIELDS = field_names(ServiceInput)
CORRECTION_FIELDS = field_names(CorrectionInput)
GRANT_FIELDS = field_names(GrantInput)
SUBTYPE_FIELDS = field_names(SubtypeInput)
SUBTYPE_RENAME_FIELDS = field_names(SubtypeRename)
CONTACT_FIELDS = field_names(ContactInput)


@dataclass(frozen=True)
class Changes(Generic[In]):
    """A correction: the fields of ``values`` named in ``fields`` change, the others keep
    their value (the API's PATCH sends some fields, an edit form all of them)."""

    values: In
    fields: frozenset[str]

    @classmethod
    def sent(cls, input_type: type[In], args: Mapping[str, object]) -> Changes[In]:
        """The fields given in ``args`` (an unknown name is refused, 422)."""
        return cls(typed_input(input_type, args), frozenset(args))

    @classmethod
    def every(cls, values: In) -> Changes[In]:
        """Every field of ``values`` (an edit form prefilled with the current values)."""
        return cls(values, field_names(type(values)))

    def applied_to(self, current: Mapping[str, object]) -> dict[str, object]:
        """``current`` (the values before) with the changes applied."""
        return {**current, **{name: getattr(self.values, name) for name in self.fields}}
