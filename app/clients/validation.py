"""Checking client input: coarse facts and identity fields. Used by the services, so that
the screens and the API refuse the same things with the same per-field messages.

XXX: messages never repeat the value that was refused (it may be a name or a document).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from typing import Any

from app.clients.models import SEALED_FIELDS
from app.db.base import utcnow
from app.errors import ValidationFailed
from app.i18n import N_
from app.regions import COUNTRIES
from app.taxonomy import (
    AgeBand,
    FormOfExploitation,
    Gender,
    Movement,
    ReferralSource,
    Sector,
    VictimStatus,
)

NAME_MAX = 200
SEALED_MAX = 10_000
#: Identifiers that are short by nature; a longer value is a typing or paste error.
SHORT_FIELDS = {"phone": 40, "identity_document": 64, "date_of_birth": 10}
EARLIEST_DATE = date(1900, 1, 1)
MAX_LANGUAGES = 12
CHILD_BANDS = frozenset({AgeBand.under_12, AgeBand.age_12_17})
ADULT_BANDS = frozenset(set(AgeBand) - CHILD_BANDS - {AgeBand.unknown})

# language[-script][-region][-variant...]; private-use and extensions are not needed here.
_BCP47 = re.compile(
    r"(?P<lang>[a-z]{2,3})(?:-(?P<script>[a-z]{4}))?(?:-(?P<region>[a-z]{2}|[0-9]{3}))?"
    r"(?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)"
)
#: ISO 639-3 codes of languages spoken by clients that CLDR (babel) does not name yet.
_EXTRA_LANGUAGES = frozenset({"prs", "ber"})


@dataclass(frozen=True)
class ClientFacts:
    """The coarse, reportable facts of a client, validated."""

    gender: Gender = Gender.not_stated
    age_band: AgeBand = AgeBand.unknown
    is_minor: bool = False
    nationality: str | None = None
    languages: list[str] = field(default_factory=list)
    preferred_language: str | None = None
    forms_of_exploitation: list[str] = field(default_factory=list)
    sector: Sector = Sector.unknown
    movement: Movement = Movement.unknown
    victim_status: VictimStatus = VictimStatus.potential
    identified_by: str | None = None
    identified_on: date | None = None
    referral_source: ReferralSource = ReferralSource.unknown


FACT_FIELDS = tuple(f.name for f in fields(ClientFacts))
_ENUMS: dict[str, type[enum.StrEnum]] = {
    "gender": Gender,
    "age_band": AgeBand,
    "sector": Sector,
    "movement": Movement,
    "victim_status": VictimStatus,
    "referral_source": ReferralSource,
}


class FieldErrors:
    """Messages per field, gathered so that every problem is reported at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


def validate_facts(values: Mapping[str, Any], base: ClientFacts | None = None) -> ClientFacts:
    """``base`` (defaults for a new client) with ``values`` applied, or ValidationFailed."""
    errors = FieldErrors()
    for name in values:
        if name not in FACT_FIELDS:
            errors.add(name, N_("Unknown field."))
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name in FACT_FIELDS:
            changes[name] = _fact(name, value, errors)
    errors.raise_if_any()
    facts = replace(base or ClientFacts(), **changes)
    return _consistent(facts, errors)


def _fact(name: str, value: Any, errors: FieldErrors) -> Any:
    if name in _ENUMS:
        return _enum(name, _ENUMS[name], value, errors)
    if name == "is_minor":
        if not isinstance(value, bool):
            errors.add(name, N_("Not one of the allowed values."))
        return value is True
    if name == "nationality":
        return _country(value, errors)
    if name == "languages":
        return _languages(value, errors)
    if name == "preferred_language":
        return _language_field(name, value, errors)
    if name == "forms_of_exploitation":
        return _forms(value, errors)
    if name == "identified_by":
        text = _text(value)
        if text is not None and len(text) > 80:
            errors.add(name, N_("At most 80 characters."))
        return text
    return past_date(name, value, errors)  # identified_on


def _consistent(facts: ClientFacts, errors: FieldErrors) -> ClientFacts:
    if facts.is_minor and facts.age_band in ADULT_BANDS:
        errors.add("is_minor", N_("A client in an adult age band cannot be marked as a minor."))
    errors.raise_if_any()
    languages = list(facts.languages)
    if facts.preferred_language and facts.preferred_language not in languages:
        # The preferred language is one the client speaks, whether or not it was listed.
        languages.append(facts.preferred_language)
    # An age band under 18 at intake means a minor: derived, so reports never disagree.
    return replace(
        facts, languages=languages, is_minor=facts.is_minor or facts.age_band in CHILD_BANDS
    )


def _enum(name: str, kind: type[enum.StrEnum], value: Any, errors: FieldErrors) -> Any:
    try:
        return kind(value)
    except ValueError:
        errors.add(name, N_("Not one of the allowed values."))
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _country(value: Any, errors: FieldErrors) -> str | None:
    text = _text(value)
    if text is None:
        return None
    if text.upper() not in COUNTRIES:
        errors.add("nationality", N_("Not an ISO 3166 country code."))
        return None
    return text.upper()


@cache
def _known_languages() -> frozenset[str]:
    from babel import Locale

    codes = [str(k) for k in Locale("en").languages]
    return frozenset(k for k in codes if "_" not in k) | _EXTRA_LANGUAGES


@cache
def _known_scripts() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(k) for k in Locale("en").scripts)


def canonical_language(tag: str) -> str | None:
    """A BCP 47 tag in canonical case (``sr-Latn-RS``), or None if it is not a known one."""
    match = _BCP47.fullmatch(tag.strip().replace("_", "-").lower())
    if match is None or match["lang"] not in _known_languages():
        return None
    parts = [match["lang"]]
    if match["script"]:
        script = match["script"].title()
        if script not in _known_scripts():
            return None
        parts.append(script)
    if match["region"]:
        region = match["region"].upper()
        if not region.isdigit() and region not in COUNTRIES:
            return None
        parts.append(region)
    parts.extend(v for v in match["variants"].split("-") if v)
    return "-".join(parts)


def _language_field(name: str, value: Any, errors: FieldErrors) -> str | None:
    text = _text(value)
    if text is None:
        return None
    tag = canonical_language(text)
    if tag is None:
        errors.add(name, N_("Not a known language tag (BCP 47, e.g. ro, uk, ar-SY)."))
    return tag


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in re.split(r"[\s,;]+", value) if v]
    if isinstance(value, Iterable):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


def _languages(value: Any, errors: FieldErrors) -> list[str]:
    tags: list[str] = []
    for raw in _split(value):
        tag = canonical_language(raw)
        if tag is None:
            errors.add("languages", N_("Not a known language tag (BCP 47, e.g. ro, uk, ar-SY)."))
        elif tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_LANGUAGES:
        errors.add("languages", N_("At most 12 languages."))
    return tags


def _forms(value: Any, errors: FieldErrors) -> list[str]:
    allowed = {f.value for f in FormOfExploitation}
    forms = _split(value)
    if any(f not in allowed for f in forms):
        errors.add("forms_of_exploitation", N_("Not one of the allowed values."))
    return sorted(set(forms) & allowed)


def past_date(name: str, value: Any, errors: FieldErrors) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        day: date | None = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            day = None
    if day is None:
        errors.add(name, N_("Not a date (YYYY-MM-DD)."))
    elif day > utcnow().date():
        errors.add(name, N_("This date is in the future."))
    elif day < EARLIEST_DATE:
        errors.add(name, N_("This date is before 1900."))
    return day


def validate_identity(values: Mapping[str, Any]) -> dict[str, str | None]:
    """Identity fields to seal, as text (None or blank clears a field), or ValidationFailed.

    Dates of birth are stored in ISO form so that reveal and search agree on one spelling.
    """
    errors = FieldErrors()
    cleaned: dict[str, str | None] = {}
    for name, value in values.items():
        if name not in SEALED_FIELDS:
            errors.add(name, N_("Unknown field."))
            continue
        if name == "date_of_birth":
            day = past_date(name, value, errors)
            cleaned[name] = day.isoformat() if day else None
            continue
        text = None if value is None else str(value).strip() or None
        cleaned[name] = text
        if text is not None:
            _check_length(name, text, errors)
    errors.raise_if_any()
    return cleaned


def _check_length(name: str, text: str, errors: FieldErrors) -> None:
    if name == "name" and len(text) > NAME_MAX:
        errors.add(name, N_("At most 200 characters."))
    elif name in SHORT_FIELDS and len(text) > SHORT_FIELDS[name]:
        errors.add(name, N_("This is too long for this field."))
    elif len(text) > SEALED_MAX:
        errors.add(name, N_("At most 10,000 characters."))
    if name == "phone" and not any(ch.isdecimal() for ch in text):
        errors.add(name, N_("A phone number needs digits."))
