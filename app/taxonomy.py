"""Shared vocabularies (DOMAIN.md). Stored as these string values, so reports from different
organisations can be pooled; organisations add subtypes, never new top-level values.

Migrations copy the value lists they need instead of importing this module.
"""

from __future__ import annotations

import enum


class ServiceCategory(enum.StrEnum):
    """The 15 top-level assistance categories (Palermo art. 6(3), DOMAIN.md)."""

    accommodation = "accommodation"
    counselling = "counselling"
    interpretation = "interpretation"
    medical = "medical"
    psychological = "psychological"
    material = "material"
    legal = "legal"
    criminal_proceedings_support = "criminal_proceedings_support"
    compensation = "compensation"
    education_employment = "education_employment"
    child_services = "child_services"
    return_support = "return_support"
    reintegration = "reintegration"
    helpline_outreach = "helpline_outreach"
    referral = "referral"


#: Categories whose records must say which language they were delivered in and whether an
#: interpreter was used (001 : 9 "in a language that the victims ... can understand").
LANGUAGE_REQUIRED = frozenset(
    {ServiceCategory.counselling, ServiceCategory.legal, ServiceCategory.medical}
)


class ServiceUnit(enum.StrEnum):
    nights = "nights"
    hours = "hours"
    sessions = "sessions"
    items = "items"
    amount = "amount"
    contacts = "contacts"


class ServiceOutcome(enum.StrEnum):
    delivered = "delivered"
    partially_delivered = "partially_delivered"
    declined_by_client = "declined_by_client"
    not_available = "not_available"
    referred_elsewhere = "referred_elsewhere"


class Gender(enum.StrEnum):
    female = "female"
    male = "male"
    non_binary = "non_binary"
    not_stated = "not_stated"


class AgeBand(enum.StrEnum):
    under_12 = "under_12"
    age_12_17 = "12_17"
    age_18_24 = "18_24"
    age_25_34 = "25_34"
    age_35_49 = "35_49"
    age_50_plus = "50_plus"
    unknown = "unknown"


class FormOfExploitation(enum.StrEnum):
    sexual = "sexual"
    labour = "labour"
    domestic_servitude = "domestic_servitude"
    forced_criminality = "forced_criminality"
    forced_begging = "forced_begging"
    organ_removal = "organ_removal"
    forced_marriage = "forced_marriage"
    other = "other"


class Sector(enum.StrEnum):
    agriculture = "agriculture"
    construction = "construction"
    hospitality = "hospitality"
    domestic_work = "domestic_work"
    garment = "garment"
    sex_industry = "sex_industry"
    other = "other"
    unknown = "unknown"


class Movement(enum.StrEnum):
    domestic = "domestic"
    cross_border = "cross_border"
    unknown = "unknown"


class VictimStatus(enum.StrEnum):
    """Formal identification is recorded but never blocks recording services (003 : 630)."""

    potential = "potential"
    presumed = "presumed"
    formally_identified = "formally_identified"
    not_identified = "not_identified"


class IdentifyingBody(enum.StrEnum):
    """Who formally identified a victim (the "gateway to assistance", 003 : 630): a kind of
    body, never a name or a person."""

    police = "police"
    nrm_competent_authority = "nrm_competent_authority"
    labour_inspectorate = "labour_inspectorate"
    ngo = "ngo"
    court = "court"
    immigration_authority = "immigration_authority"
    other = "other"


class ReferralSource(enum.StrEnum):
    self_referral = "self_referral"
    police = "police"
    labour_inspectorate = "labour_inspectorate"
    ngo = "ngo"
    helpline = "helpline"
    health_service = "health_service"
    social_services = "social_services"
    embassy = "embassy"
    nrm = "nrm"
    other = "other"
    unknown = "unknown"
