"""API schemas of the clients domain: input (``…Args``, unknown fields refused) and output.

XXX: output schemas list their fields one by one: the pseudonym code and coarse facts,
and which identity fields hold a value, never the values. Plaintext of an identity field
leaves only through the reveal endpoint (``RevealedFieldOut``), which the service checks
(caseworker or supervisor) and audits. Identity is searched by POST body, never by a
query string that would put it in logs and URLs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from app.clients.models import INDEXED_FIELDS, SEALED_FIELDS, Client
from app.clients.service import MAX_PER_PAGE, sealed_fields
from app.clients.validation import IDENTITY_FIELDS, ClientFacts, ClientIdentity, ClientIntake
from app.taxonomy import (
    AgeBand,
    FormOfExploitation,
    Gender,
    IdentifyingBody,
    Movement,
    ReferralSource,
    Sector,
    VictimStatus,
)


class UtcDateTime(fields.DateTime):
    """A stored timestamp, always with its UTC offset: they are kept in UTC, and SQLite
    returns them without a zone. (Used by every casework domain's output schemas.)"""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kw: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kw)


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _text() -> fields.String:
    return fields.String(allow_none=True)


class ClientFactsArgs(_Args):
    """Coarse facts; a field left out keeps its value (or the default at intake)."""

    gender = fields.Enum(Gender, by_value=True)
    age_band = fields.Enum(AgeBand, by_value=True)
    is_minor = fields.Boolean()
    nationality = fields.String(
        allow_none=True, metadata={"description": "ISO 3166-1 alpha-2, e.g. MD"}
    )
    languages = fields.List(fields.String(), metadata={"description": "BCP 47 tags"})
    preferred_language = fields.String(allow_none=True, metadata={"description": "BCP 47"})
    forms_of_exploitation = fields.List(
        fields.String(validate=validate.OneOf([f.value for f in FormOfExploitation]))
    )
    sector = fields.Enum(Sector, by_value=True)
    movement = fields.Enum(Movement, by_value=True)
    victim_status = fields.Enum(VictimStatus, by_value=True)
    identified_by = fields.Enum(IdentifyingBody, by_value=True, allow_none=True)
    identified_on = fields.Date(allow_none=True)
    referral_source = fields.Enum(ReferralSource, by_value=True)


class ClientIdentityArgs(_Args):
    """Identity fields, all optional, sealed by the service; null or "" clears one."""

    name = _text()
    aliases = _text()
    date_of_birth = fields.Date(allow_none=True)
    phone = _text()
    contact_details = _text()
    identity_document = _text()
    address = _text()
    immigration_status = _text()
    health_notes = _text()
    narrative = _text()


class ClientIntakeArgs(ClientFactsArgs, ClientIdentityArgs):
    """Intake: coarse facts and optional identity fields side by side."""


class ClientListArgs(_Args):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class CodeSearchArgs(_Args):
    code = fields.String(required=True, metadata={"description": "e.g. K7-MORA-42"})


class IdentitySearchArgs(_Args):
    field = fields.String(required=True, validate=validate.OneOf(INDEXED_FIELDS))
    value = fields.String(required=True)


class RevealArgs(_Args):
    field = fields.String(required=True, validate=validate.OneOf(SEALED_FIELDS))


def _recorded(client: Client) -> list[str]:
    return [name for name, present in sealed_fields(client).items() if present]


class ClientRowOut(Schema):
    """One line of the client list: the pseudonym and coarse facts, never identity."""

    id = fields.UUID(required=True)
    code = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    gender = fields.Enum(Gender, by_value=True, required=True)
    age_band = fields.Enum(AgeBand, by_value=True, required=True)
    is_minor = fields.Boolean(required=True)
    nationality = fields.String(allow_none=True)
    nationality_region = fields.String(allow_none=True)
    victim_status = fields.Enum(VictimStatus, by_value=True, required=True)
    erased = fields.Boolean(required=True)


class ClientPageOut(Schema):
    items = fields.List(fields.Nested(ClientRowOut), attribute="rows", required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    has_next = fields.Boolean(required=True)
    total = fields.Integer(required=True)


class ClientOut(Schema):
    id = fields.UUID(required=True)
    code = fields.String(required=True)
    created_at = UtcDateTime(required=True)
    erased = fields.Function(
        lambda client: client.erased_at is not None, metadata={"type": "boolean"}
    )
    gender = fields.Enum(Gender, by_value=True, required=True)
    age_band = fields.Enum(AgeBand, by_value=True, required=True)
    is_minor = fields.Boolean(required=True)
    nationality = fields.String(allow_none=True)
    nationality_region = fields.String(allow_none=True)
    languages = fields.List(fields.String(), required=True)
    preferred_language = fields.String(allow_none=True)
    forms_of_exploitation = fields.List(fields.String(), required=True)
    sector = fields.Enum(Sector, by_value=True, required=True)
    movement = fields.Enum(Movement, by_value=True, required=True)
    victim_status = fields.Enum(VictimStatus, by_value=True, required=True)
    identified_by = fields.Enum(IdentifyingBody, by_value=True, allow_none=True)
    identified_on = fields.Date(allow_none=True)
    referral_source = fields.Enum(ReferralSource, by_value=True, required=True)
    #: Names of the identity fields that hold a value (the values stay sealed).
    identity_recorded = fields.Function(
        _recorded, metadata={"type": "array", "items": {"type": "string"}}
    )


class RevealedFieldOut(Schema):
    """Plaintext of one identity field, for a caseworker or supervisor token that asked;
    audited as a reveal. ``value`` is null when the field is empty."""

    field = fields.String(required=True)
    value = fields.String(allow_none=True, required=True)


def intake_of(args: dict[str, Any]) -> ClientIntake:
    """The intake body (facts and identity side by side) as the service's input."""
    identity = {k: v for k, v in args.items() if k in IDENTITY_FIELDS}
    facts = {k: v for k, v in args.items() if k not in identity}
    return ClientIntake(ClientFacts(**facts), ClientIdentity(**identity))


def identity_change_of(args: dict[str, Any]) -> ClientIdentity:
    """An identity change: the fields sent; null, like an empty string, clears one."""
    return ClientIdentity(**{k: "" if v is None else v for k, v in args.items()})
