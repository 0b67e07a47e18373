"""Words for what reports show, in the reader's language: table titles, dimension names and
category values (the stored codes are labelled with the lists the forms already use)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel import Locale
from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

from app.assistance.forms import CATEGORY_LABELS, CHANNEL_LABELS
from app.assistance.forms import OUTCOME_LABELS as SERVICE_OUTCOME_LABELS
from app.cases.forms import CLOSE_LABELS, PERMIT_LABELS, RISK_LABELS
from app.claims.forms import STATUS_LABELS as CLAIM_STATUS_LABELS
from app.clients.forms import (
    AGE_BAND_LABELS,
    EXPLOITATION_LABELS,
    GENDER_LABELS,
    IDENTIFIER_LABELS,
    STATUS_LABELS,
)
from app.referrals.forms import PARTNER_KIND_LABELS
from app.regions import REGION_CODES

TABLE_TITLES: dict[str, Any] = {
    "people": _l("People helped, new and continuing"),
    "people_by_month": _l("People helped per month"),
    "services": _l("Services by category and month"),
    "shelter_nights": _l("Shelter nights per month"),
    "counselling": _l("Counselling sessions by language, with or without an interpreter"),
    "counselling_hours": _l("Counselling hours"),
    "legal": _l("Legal assistance"),
    "outcomes": _l("Outcomes of services"),
    "costs": _l("Costs charged to the grant"),
    "claims": _l("Compensation claims by status"),
    "compensation": _l("Compensation amounts"),
    "exploitation_by_gender": _l("People assisted by form of exploitation and gender"),
    "gender_by_age": _l("People assisted by gender and age"),
    "by_region": _l("People assisted by region of nationality"),
    "status_by_body": _l("People assisted by victim status and identifying body"),
    "referrals": _l("Referrals received and made"),
    "reflection_periods": _l("Reflection periods and permits started"),
    "closed_cases": _l("Cases closed, by reason (returns and reintegration)"),
    "anonymous_contacts": _l("Anonymous contacts"),
    "sex_by_age_group": _l("Victims by sex, children and adults"),
    "exploitation_by_age_group": _l("Victims by form of exploitation, children and adults"),
    "by_status": _l("Victims by status"),
    "risks": _l("Safety risks that arose"),
    "crossed": _l("Your breakdown"),
    "served_by": _l("People served by one member or by several"),
}
DIMENSION_TITLES: dict[str, Any] = {
    "newness": _l("New or continuing"),
    "month": _l("Month"),
    "service": _l("Service"),
    "language": _l("Language"),
    "interpreter": _l("Interpreter"),
    "hours_interpreter": _l("Interpreter"),
    "legal": _l("Measure"),
    "outcome": _l("Outcome"),
    "cost_category": _l("Service"),
    "claim_status": _l("Status"),
    "claim_amount": _l("Amount"),
    "gender": _l("Gender"),
    "age_band": _l("Age"),
    "age_group": _l("Age group"),
    "region": _l("Region of nationality"),
    "exploitation": _l("Form of exploitation"),
    "victim_status": _l("Victim status"),
    "identified_by": _l("Identified by"),
    "direction": _l("Direction"),
    "partner": _l("Partner"),
    "permit_track": _l("Permit track"),
    "close_reason": _l("Reason"),
    "risk_kind": _l("Risk"),
    "channel": _l("Channel"),
    "served_by": _l("Served by"),
}
OWN: dict[str, Any] = {
    "new": _l("New in the period"),
    "continuing": _l("Continuing"),
    "with_interpreter": _l("With an interpreter"),
    "without_interpreter": _l("Without an interpreter"),
    "people_with_legal_assistance": _l("People given legal assistance"),
    "claimed": _l("Claimed"),
    "awarded": _l("Awarded"),
    "paid": _l("Paid"),
    "incoming": _l("Received"),
    "outgoing": _l("Made"),
    "multiple": _l("Several forms"),
    "not_recorded": _l("Not recorded"),
    "unknown": _l("Unknown"),
    "other": _l("Other"),
    "child": _l("Children"),
    "adult": _l("Adults"),
    "one_member": _l("One member"),
    "several_members": _l("Several members"),
}
BY_DIMENSION: dict[str, Mapping[Any, Any]] = {
    "service": CATEGORY_LABELS,
    "cost_category": CATEGORY_LABELS,
    "outcome": SERVICE_OUTCOME_LABELS,
    "claim_status": CLAIM_STATUS_LABELS,
    "gender": GENDER_LABELS,
    "age_band": AGE_BAND_LABELS,
    "exploitation": EXPLOITATION_LABELS,
    "victim_status": STATUS_LABELS,
    "identified_by": IDENTIFIER_LABELS,
    "partner": PARTNER_KIND_LABELS,
    "permit_track": PERMIT_LABELS,
    "close_reason": CLOSE_LABELS,
    "risk_kind": RISK_LABELS,
    "channel": CHANNEL_LABELS,
}


def table_title(key: str) -> str:
    return str(TABLE_TITLES.get(key, key))


def dimension_title(key: str) -> str:
    return str(DIMENSION_TITLES.get(key, key))


def value_label(dimension: str, value: str) -> str:
    """A category in the reader's language; the code itself if nothing names it."""
    if dimension == "month":
        year, month = value.split("-")
        return str(format_date(date(int(year), int(month), 1), "MMM yyyy"))
    if dimension == "region" and value in REGION_CODES:
        locale = get_locale() or Locale("en")
        return str(locale.territories.get(REGION_CODES[value], value))
    if dimension == "language" and value not in OWN:
        locale = get_locale() or Locale("en")
        return str(locale.languages.get(value, value))
    for key, label in BY_DIMENSION.get(dimension, {}).items():
        if str(getattr(key, "value", key)) == value:
            return str(label)
    return str(OWN.get(value, value))
