"""API schemas of the assistance domain: input (``…Args``, unknown fields refused) and
output.

Input schemas check types and vocabularies only and pass on just the fields that were
sent; every rule (dates not in the future, quantities above zero, the interpreter's
language, units per category, grants covering the dates) is the service's, so the forms
and the API refuse the same things with the same messages.

XXX: output lists its fields one by one; a record's notes stay sealed and are reported as
recorded or not. Their plaintext leaves only through the audited reveal endpoint.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.assistance.contacts import ContactChannel
from app.assistance.corrections import RemovalReason
from app.assistance.service import MAX_PAGE, MAX_PER_PAGE
from app.clients.schemas import UtcDateTime
from app.taxonomy import (
    AgeBand,
    FormOfExploitation,
    Gender,
    ServiceCategory,
    ServiceOutcome,
    ServiceUnit,
)
from app.web.api import decimal_string

_CATEGORIES = validate.OneOf([c.value for c in ServiceCategory])


class _Args(Schema):
    class Meta:
        unknown = RAISE


class ServiceArgs(_Args):
    """One service; ``unit`` defaults to the category's usual one, ``outcome`` to
    delivered. Counselling, legal and medical records need ``language`` and
    ``interpreter_used``; an interpreter always needs the language."""

    category = fields.Enum(ServiceCategory, by_value=True, required=True)
    subtype_id = fields.UUID(allow_none=True)
    started_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True)
    quantity = fields.Decimal(required=True)
    unit = fields.Enum(ServiceUnit, by_value=True)
    language = fields.String(allow_none=True, metadata={"description": "BCP 47, e.g. ro"})
    interpreter_used = fields.Boolean(allow_none=True)
    grant_id = fields.UUID(allow_none=True)
    cost = fields.Decimal(allow_none=True)
    currency = fields.String(allow_none=True, metadata={"description": "ISO 4217"})
    outcome = fields.Enum(ServiceOutcome, by_value=True)
    #: Sealed by the service; never echoed back.
    notes = fields.String(allow_none=True)


class ServiceCorrectionArgs(ServiceArgs):
    """A correction: only the fields to change. Every rule of recording applies to the
    record as it becomes. ``notes``: text replaces the sealed notes, null or "" clears them,
    left out keeps them."""

    category = fields.Enum(ServiceCategory, by_value=True)
    started_on = fields.Date()
    quantity = fields.Decimal()


class ServiceRemovalArgs(_Args):
    reason = fields.Enum(
        RemovalReason,
        by_value=True,
        required=True,
        metadata={"description": "why the record was entered in error"},
    )


class ServiceListArgs(_Args):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(
        load_default=MAX_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE)
    )


class GroupServiceArgs(ServiceArgs):
    """The same service for several clients at once (all or nothing)."""

    clients = fields.List(fields.UUID(), required=True, metadata={"description": "client ids"})


class AnonymousContactArgs(_Args):
    occurred_on = fields.Date(required=True)
    channel = fields.Enum(ContactChannel, by_value=True, required=True)
    language = fields.String(allow_none=True, metadata={"description": "BCP 47"})
    interpreter_used = fields.Boolean()
    topics = fields.List(fields.String(validate=_CATEGORIES))
    gender = fields.Enum(Gender, by_value=True)
    age_band = fields.Enum(AgeBand, by_value=True)
    form_of_exploitation = fields.Enum(FormOfExploitation, by_value=True, allow_none=True)
    referral_made = fields.Boolean()


class PeriodArgs(_Args):
    start = fields.Date(required=True)
    end = fields.Date(required=True)


class SubtypeListArgs(_Args):
    category = fields.Enum(ServiceCategory, by_value=True, load_default=None)


class GrantCorrectionArgs(_Args):
    """Only the fields to change; every rule of creating a grant applies to the grant as it
    becomes (null for ``budget`` clears it). New dates must still cover every service
    already charged to the grant."""

    code = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    funder = fields.String(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    budget = fields.Decimal(allow_none=True)
    currency = fields.String(allow_none=True, metadata={"description": "ISO 4217"})


class SubtypeRenameArgs(_Args):
    """A subtype's new name, unique within its category (the category itself stays);
    ``retired``: true stops offering it for new records, false offers it again."""

    name = fields.String(allow_none=True)
    retired = fields.Boolean()


class AssistanceRecordOut(Schema):
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    case_id = fields.UUID(allow_none=True)
    category = fields.Enum(ServiceCategory, by_value=True, required=True)
    subtype_id = fields.UUID(allow_none=True)
    started_on = fields.Date(required=True)
    ended_on = fields.Date(allow_none=True)
    quantity = decimal_string(required=True)
    unit = fields.Enum(ServiceUnit, by_value=True, required=True)
    language = fields.String(allow_none=True)
    interpreter_used = fields.Boolean(required=True)
    grant_id = fields.UUID(allow_none=True)
    cost = decimal_string()
    currency = fields.String(allow_none=True)
    outcome = fields.Enum(ServiceOutcome, by_value=True, required=True)
    notes_recorded = fields.Function(
        lambda record: record.sealed_notes is not None, metadata={"type": "boolean"}
    )
    #: Shared by the records of one group intake.
    group_id = fields.UUID(allow_none=True)
    recorded_at = UtcDateTime(required=True)


class RevealedServiceNotes(Schema):
    """Plaintext, for a caseworker or supervisor token that asked; audited as a reveal."""

    record_id = fields.UUID(required=True)
    notes = fields.String(allow_none=True, required=True)


class AnonymousContactOut(Schema):
    id = fields.UUID(required=True)
    occurred_on = fields.Date(required=True)
    channel = fields.String(required=True)
    language = fields.String(allow_none=True)
    interpreter_used = fields.Boolean(required=True)
    topics = fields.List(fields.String(), required=True)
    gender = fields.Enum(Gender, by_value=True, required=True)
    age_band = fields.Enum(AgeBand, by_value=True, required=True)
    form_of_exploitation = fields.String(allow_none=True)
    referral_made = fields.Boolean(required=True)
    recorded_at = UtcDateTime(required=True)


class AnonymousContactPageOut(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    #: All contacts in the period; ``items`` holds at most 500 of them, newest first.
    total = fields.Integer(required=True)
    items = fields.List(fields.Nested(AnonymousContactOut), required=True)


class GrantOut(Schema):
    id = fields.UUID(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    funder = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    budget = decimal_string()
    currency = fields.String(required=True)


class SubtypeOut(Schema):
    id = fields.UUID(required=True)
    category = fields.Enum(ServiceCategory, by_value=True, required=True)
    name = fields.String(required=True)
    retired = fields.Function(
        lambda subtype: subtype.retired_at is not None, metadata={"type": "boolean"}
    )
