"""What a caseworker sends to refer a client or to record an answer: one typed input object
per command, as the form or the API parsed it (types only). The services apply every rule
to it (:mod:`app.validation`); forms and schemas declare the same fields, and a test keeps
them equal to these (``field_names``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from app.validation import field_names


@dataclass(frozen=True)
class PlatformReferral:
    """A referral to another organisation on the platform."""

    organisation_id: uuid.UUID | None = None
    #: ServiceCategory values.
    services_requested: Sequence[str] = ()
    sent_on: date | None = None
    #: FieldGroup values to carry (identity, contact, ...), each only as far as a valid
    #: consent for a referral to this organisation covers it now.
    carry_groups: Sequence[str] = ()


@dataclass(frozen=True)
class ExternalReferral:
    """A referral to a partner off the platform: an organisation, the NRM, or a partner in
    another country (which then needs ``partner_country``)."""

    partner_kind: str | None = None
    partner_name: str | None = None
    partner_country: str | None = None
    services_requested: Sequence[str] = ()
    sent_on: date | None = None
    include_identity: bool = False


@dataclass(frozen=True)
class ReferralAnswer:
    """Accepted or declined, and when. ``take_on``: on accepting a referral received,
    register the person as a client here at once (ignored for a partner's answer that
    the sender records)."""

    decision: str | None = None
    responded_on: date | None = None
    take_on: bool = False


PLATFORM_REFERRAL_FIELDS = field_names(PlatformReferral)
EXTERNAL_REFERRAL_FIELDS = field_names(ExternalReferral)
ANSWER_FIELDS = field_names(ReferralAnswer)
