"""The categories reports break people and records down by: one definition each.

Every dimension covers its population (each member has exactly one value), so unknown and
unrecorded values have a category of their own. Values are the stored codes; screens and
exports label them in the reader's language (:mod:`app.reports.labels`).

XXX: no two dimensions here nest (a minor flag beside age bands, a country beside its
region): the gate cannot see sums across nested dimensions (:mod:`app.reports.cells`).
"""

from __future__ import annotations

from datetime import date

from app.regions import REGION_CODES
from app.reports.tables import Dimension
from app.taxonomy import (
    AgeBand,
    FormOfExploitation,
    Gender,
    IdentifyingBody,
    ServiceCategory,
    ServiceOutcome,
    VictimStatus,
)

UNKNOWN = "unknown"
NOT_RECORDED = "not_recorded"
MULTIPLE = "multiple"
OTHER = "other"

GENDER = Dimension("gender", tuple(g.value for g in Gender))
AGE_BAND = Dimension("age_band", tuple(a.value for a in AgeBand))
REGION = Dimension("region", (*REGION_CODES, UNKNOWN))
#: A person's form of exploitation: the one recorded, "multiple" when several were.
EXPLOITATION = Dimension(
    "exploitation", (*(f.value for f in FormOfExploitation), MULTIPLE, NOT_RECORDED)
)
VICTIM_STATUS = Dimension("victim_status", tuple(s.value for s in VictimStatus))
IDENTIFIED_BY = Dimension("identified_by", (*(b.value for b in IdentifyingBody), NOT_RECORDED))
NEWNESS = Dimension("newness", ("new", "continuing"))
SERVICE = Dimension("service", tuple(c.value for c in ServiceCategory))
OUTCOME = Dimension("outcome", tuple(o.value for o in ServiceOutcome))
#: Languages a service was delivered in, pooled to a fixed list: a rare language is a name.
LANGUAGE_GROUPS = ("en", "fr", "es", "ru", "uk", "ro", "ar", "zh", "vi")
LANGUAGE = Dimension("language", (*LANGUAGE_GROUPS, OTHER, NOT_RECORDED))
INTERPRETER = Dimension("interpreter", ("with_interpreter", "without_interpreter"))
DIRECTION = Dimension("direction", ("incoming", "outgoing"))
PARTNER = Dimension("partner", ("platform_organisation", "external_organisation", "nrm",
                                "transnational"))  # fmt: skip
CLAIM_STATUS = Dimension(
    "claim_status",
    ("preparing", "filed", "awarded", "rejected", "partially_paid", "paid", "withdrawn"),
)
CLOSE_REASON = Dimension(
    "close_reason",
    ("goals_met", "moved_to_other_service", "returned_home", "lost_contact",
     "client_withdrew", "deceased", "other"),
)  # fmt: skip
PERMIT_TRACK = Dimension(
    "permit_track",
    ("none", "reflection_period", "victim_residence_permit", "international_protection",
     "humanitarian", "other"),
)  # fmt: skip
RISK_KIND = Dimension("risk_kind", ("retaliation", "re_trafficking", "return_risk",
                                    "self_harm", "other"))  # fmt: skip

# Not sensitive: amounts a funder pays against are broken down only by these.
COST_CATEGORY = Dimension("cost_category", SERVICE.values, sensitive=False)
MEASURE_CLAIMS = Dimension("claim_amount", ("claimed", "awarded", "paid"), sensitive=False)
HOURS_INTERPRETER = Dimension("hours_interpreter", INTERPRETER.values, sensitive=False)
CHANNEL = Dimension(
    "channel", ("phone", "chat", "email", "outreach", "in_person", OTHER), sensitive=False
)
LEGAL = Dimension("legal", ("people_with_legal_assistance",), sensitive=False)

#: The person dimensions a reader may cross in a State report (``cross=a,b``).
PERSON_DIMENSIONS = {
    d.key: d for d in (GENDER, AGE_BAND, REGION, EXPLOITATION, VICTIM_STATUS, IDENTIFIED_BY)
}


def months_dimension(start: date, end: date) -> Dimension:
    """The months of a period, ``YYYY-MM``, in order; not sensitive."""
    return Dimension("month", tuple(months_between(start, end)), sensitive=False)


def months_between(start: date, end: date) -> list[str]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_of(day: date, start: date) -> str:
    """The report month a record counts in: its start, or the period's start if earlier."""
    day = max(day, start)
    return f"{day.year:04d}-{day.month:02d}"


def exploitation_of(forms: list[str] | None) -> str:
    if not forms:
        return NOT_RECORDED
    if len(set(forms)) > 1:
        return MULTIPLE
    return forms[0] if forms[0] in EXPLOITATION.values else OTHER


def language_of(tag: str | None) -> str:
    if not tag:
        return NOT_RECORDED
    primary = tag.split("-")[0].lower()
    return primary if primary in LANGUAGE_GROUPS else OTHER


def value_or(value: object, dimension: Dimension, fallback: str) -> str:
    """The stored value if the dimension has it, else ``fallback`` (unknown, other)."""
    text = getattr(value, "value", value)
    return text if isinstance(text, str) and text in dimension.values else fallback
