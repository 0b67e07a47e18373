"""The words that consent records, disclosure requests and policy sets share.

Stored as these string values (consent records, disclosure register, audit entries), and
used as Cedar entity ids and context values. The app imports them from here; this module
imports nothing from ``app``. Migrations copy the lists they need instead of importing it.
"""

from __future__ import annotations

import enum


class FieldGroup(enum.StrEnum):
    """What of a client may leave the organisation, in groups a person can consent to."""

    #: Name, date of birth, document number.
    identity = "identity"
    #: Phone, e-mail: how to reach the person.
    contact = "contact"
    #: Where the person lives or stays; a shelter address. Never leaves without a court order.
    location = "location"
    health = "health"
    #: Residence status, permits, reflection period.
    immigration = "immigration"
    #: The person's account of what happened.
    narrative = "narrative"
    #: Coarse, non-identifying facts (gender, age band, form of exploitation, status).
    case_facts = "case_facts"
    #: Services delivered (categories, dates, quantities), without notes.
    service_history = "service_history"


#: Groups that identify or endanger a person; never given without consent or a legal basis.
SENSITIVE_GROUPS = frozenset(
    {
        FieldGroup.identity,
        FieldGroup.contact,
        FieldGroup.location,
        FieldGroup.health,
        FieldGroup.immigration,
        FieldGroup.narrative,
    }
)


class RecipientType(enum.StrEnum):
    police = "police"
    prosecutor = "prosecutor"
    court = "court"
    labour_inspectorate = "labour_inspectorate"
    immigration = "immigration"
    child_protection = "child_protection"
    nrm_coordinator = "nrm_coordinator"
    partner_ngo = "partner_ngo"
    funder = "funder"
    media = "media"
    #: The client themself (a copy of their own data).
    client = "client"


class Purpose(enum.StrEnum):
    """Why data would leave: the purposes a client consents to, and disclosure purposes."""

    #: Support during criminal proceedings (CoE art. 27(3): only with consent).
    criminal_proceedings_support = "criminal_proceedings_support"
    #: Referral to a named organisation.
    referral = "referral"
    #: Registration with the NRM / a State victim database.
    nrm_registration = "nrm_registration"
    case_conference = "case_conference"
    #: Contact with organisations in the country of return.
    return_country_contact = "return_country_contact"
    #: Individual-level reporting to a funder (aggregates need no consent).
    funder_reporting = "funder_reporting"
    #: Media: refused for a minor, never identifying.
    media = "media"
    #: A claim for compensation or unpaid wages (labour inspectorate, labour court).
    compensation_claim = "compensation_claim"
    #: A criminal investigation or prosecution asking for evidence.
    criminal_investigation = "criminal_investigation"
    #: A report to child protection about a minor.
    child_protection_report = "child_protection_report"
    #: An emergency threatening the person's life or health.
    vital_interest = "vital_interest"
    #: A copy of their own data for the client themself (right of access).
    own_copy = "own_copy"


class LegalBasis(enum.StrEnum):
    """Why a disclosure or a consent record is lawful; kept apart from consent itself,
    because consent from a person who depends on a shelter may not be freely given."""

    consent = "consent"
    #: A court order; its reference is required.
    court_order = "court_order"
    #: A statutory duty (legal obligation); the statute's reference is required.
    statutory_duty = "statutory_duty"
    #: A mandatory child-protection report.
    child_protection_duty = "child_protection_duty"
    vital_interest = "vital_interest"
    #: Establishing or defending legal claims (GDPR art. 9(2)(f)).
    legal_claims = "legal_claims"


#: Bases that need a written reference (the court order's or the statute's).
REFERENCE_REQUIRED = frozenset({LegalBasis.court_order, LegalBasis.statutory_duty})
#: Bases that oblige the organisation without the client's consent.
LEGAL_OBLIGATION = frozenset(
    {LegalBasis.court_order, LegalBasis.statutory_duty, LegalBasis.child_protection_duty}
)
