"""API schemas of the referrals domain: input (``…Args``, unknown fields refused) and output.

XXX: a referral carries the pseudonym code and coarse facts (``CarriedOut`` lists them one
by one). A referral to an organisation on Haven may carry identity field groups
(``carry_groups``) as far as the client's consent covers them, sealed for the receiver: the
output names the groups, never a value.
Off the platform, ``include_identity`` is accepted only for the service to refuse it.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.clients.schemas import UtcDateTime
from app.referrals.models import Direction, PartnerKind, ReferralStatus
from app.referrals.service import EXTERNAL_KINDS, ReferralOutcome
from app.taxonomy import AgeBand, Gender, ServiceCategory
from app.tenants.models import OrganisationKind


class _Args(Schema):
    class Meta:
        unknown = RAISE


def _services() -> fields.List[str]:
    # Plain strings (checked against the taxonomy) go into the referral's JSON column.
    choices = validate.OneOf([c.value for c in ServiceCategory])
    return fields.List(fields.String(validate=choices), required=True)


class PlatformReferralArgs(_Args):
    organisation_id = fields.UUID(required=True)
    services_requested = _services()
    sent_on = fields.Date(required=True)
    #: Field groups to carry (identity, contact, location, health, immigration, narrative).
    carry_groups = fields.List(fields.String(validate=validate.Length(max=40)), load_default=list)


class ExternalReferralArgs(_Args):
    partner_kind = fields.String(
        required=True, validate=validate.OneOf([k.value for k in EXTERNAL_KINDS])
    )
    partner_name = fields.String(required=True)
    partner_country = fields.String(allow_none=True, load_default=None)
    services_requested = _services()
    sent_on = fields.Date(required=True)
    include_identity = fields.Boolean(load_default=False)


class ReferralResponseArgs(_Args):
    decision = fields.String(
        required=True,
        validate=validate.OneOf([ReferralStatus.accepted.value, ReferralStatus.declined.value]),
    )
    responded_on = fields.Date(required=True)


class IncomingResponseArgs(ReferralResponseArgs):
    #: On acceptance, register the person as a client of this organisation at once.
    take_on = fields.Boolean(load_default=False)


class CompleteReferralArgs(_Args):
    outcome = fields.Enum(ReferralOutcome, by_value=True, required=True)


class CarriedOut(Schema):
    """What crosses with a referral: the sender's pseudonym code and coarse facts."""

    code = fields.String()
    # Stored as JSON, so plain strings (possibly from an older vocabulary): not fields.Enum.
    gender = fields.String(allow_none=True, metadata={"enum": [g.value for g in Gender]})
    age_band = fields.String(allow_none=True, metadata={"enum": [a.value for a in AgeBand]})
    is_minor = fields.Boolean(allow_none=True)
    nationality_region = fields.String(allow_none=True)
    languages = fields.List(fields.String())
    preferred_language = fields.String(allow_none=True)
    forms_of_exploitation = fields.List(fields.String())
    #: Identity field groups carried under consent (sealed for the receiver; never values).
    identity_groups = fields.List(fields.String())


class ReferralOut(Schema):
    id = fields.UUID(required=True)
    direction = fields.Enum(Direction, by_value=True, required=True)
    #: This organisation's client: set on outgoing referrals and once one is taken on.
    client_id = fields.UUID(allow_none=True)
    partner_kind = fields.Enum(PartnerKind, by_value=True, required=True)
    partner_organisation_id = fields.UUID(allow_none=True)
    partner_name = fields.String(allow_none=True)
    partner_country = fields.String(allow_none=True)
    services_requested = fields.List(fields.String(), required=True)
    carried = fields.Nested(CarriedOut, required=True)
    status = fields.Enum(ReferralStatus, by_value=True, required=True)
    sent_on = fields.Date(required=True)
    responded_on = fields.Date(allow_none=True)
    outcome = fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)


class IncomingAnswerOut(Schema):
    referral = fields.Nested(ReferralOut, required=True)
    #: The new client here, when the answer took the person on.
    client_id = fields.UUID(allow_none=True, required=True)


class PartnerOrganisationOut(Schema):
    """An organisation on the platform that referrals can be sent to."""

    id = fields.UUID(required=True)
    name = fields.String(required=True)
    kind = fields.Enum(OrganisationKind, by_value=True, required=True)
    country = fields.String(required=True)
