"""The client's own input rules: coarse facts and identity fields, as typed input objects
read through :mod:`app.validation` (the one meaning of text, dates, languages, countries
and choices, with one message each), so the screens and the API refuse the same things.

XXX: messages never repeat the value that was refused (it may be a name or a document).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date

from app.clients.models import SEALED_FIELDS
from app.i18n import N_
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
from app.validation import FieldReader, field_names

#: Identity values are notes at most; some are short by nature, and a longer value is a
#: typing or paste error.
SEALED_MAX = 10_000
LIMITS = {"name": 200, "phone": 40, "identity_document": 64}
CHILD_BANDS = frozenset({AgeBand.under_12, AgeBand.age_12_17})
ADULT_BANDS = frozenset(set(AgeBand) - CHILD_BANDS - {AgeBand.unknown})


@dataclass(frozen=True)
class ClientFacts:
    """The coarse, reportable facts of a client: as typed at intake or on the facts form
    (checked by :func:`read_facts`), and as stored."""

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


@dataclass(frozen=True)
class ClientIdentity:
    """Identity fields to seal, as typed. None leaves a field as it is (at intake: not
    recorded); an empty or blank value clears it."""

    name: str | None = None
    aliases: str | None = None
    date_of_birth: date | str | None = None
    phone: str | None = None
    contact_details: str | None = None
    identity_document: str | None = None
    address: str | None = None
    immigration_status: str | None = None
    health_notes: str | None = None
    narrative: str | None = None


@dataclass(frozen=True)
class ClientIntake:
    """A new client: coarse facts and (optional) identity."""

    facts: ClientFacts = field(default_factory=ClientFacts)
    identity: ClientIdentity = field(default_factory=ClientIdentity)


FACT_FIELDS = field_names(ClientFacts)
IDENTITY_FIELDS = field_names(ClientIdentity)
# The sealed columns and the identity input are one list in two places (models cannot
# import this module): say so where a reader would change one of them.
assert tuple(f.name for f in fields(ClientIdentity)) == SEALED_FIELDS


def read_intake(intake: ClientIntake, today: date) -> tuple[ClientFacts, dict[str, str]]:
    """The checked facts and the identity values given, or ValidationFailed naming every
    problem of both at once. ``today``: the organisation's (``ctx.today()``)."""
    r = FieldReader(
        {**_raw(intake.facts), **_raw(intake.identity)}, FACT_FIELDS | IDENTITY_FIELDS, today=today
    )
    facts = _facts(r)
    identity = _identity(r, SEALED_FIELDS)
    r.raise_if_failed()
    return facts, {name: text for name, text in identity.items() if text is not None}


def read_facts(facts: ClientFacts, today: date) -> ClientFacts:
    """The checked facts, or ValidationFailed."""
    r = FieldReader.of(facts, today=today)
    checked = _facts(r)
    r.raise_if_failed()
    return checked


def read_identity_change(change: ClientIdentity, today: date) -> dict[str, str | None]:
    """The identity fields to change, as text to seal or None to clear; fields left None
    in ``change`` are not in it. Dates of birth are stored in ISO form, so that reveal and
    search agree on one spelling."""
    r = FieldReader.of(change, today=today)
    changed = _identity(r, [name for name in SEALED_FIELDS if getattr(change, name) is not None])
    r.raise_if_failed()
    return changed


def _raw(data: ClientFacts | ClientIdentity) -> dict[str, object]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


def _facts(r: FieldReader) -> ClientFacts:
    forms = r.choices("forms_of_exploitation", FormOfExploitation)
    facts = ClientFacts(
        gender=r.choice("gender", Gender) or Gender.not_stated,
        age_band=r.choice("age_band", AgeBand) or AgeBand.unknown,
        is_minor=r.flag("is_minor") or False,
        nationality=r.country("nationality"),
        languages=r.languages("languages"),
        preferred_language=r.language("preferred_language"),
        forms_of_exploitation=sorted(form.value for form in forms),
        sector=r.choice("sector", Sector) or Sector.unknown,
        movement=r.choice("movement", Movement) or Movement.unknown,
        victim_status=r.choice("victim_status", VictimStatus) or VictimStatus.potential,
        identified_by=r.choice("identified_by", IdentifyingBody, optional=True),
        identified_on=r.past_day("identified_on"),
        referral_source=r.choice("referral_source", ReferralSource) or ReferralSource.unknown,
    )
    return _consistent(facts, r)


def _consistent(facts: ClientFacts, r: FieldReader) -> ClientFacts:
    if r.ok("is_minor") and r.ok("age_band") and facts.is_minor and facts.age_band in ADULT_BANDS:
        r.fail("is_minor", N_("A client in an adult age band cannot be marked as a minor."))
    languages = list(facts.languages)
    if facts.preferred_language and facts.preferred_language not in languages:
        # The preferred language is one the client speaks, whether or not it was listed.
        languages.append(facts.preferred_language)
    # An age band under 18 at intake means a minor: derived, so reports never disagree.
    return replace(
        facts, languages=languages, is_minor=facts.is_minor or facts.age_band in CHILD_BANDS
    )


def _identity(r: FieldReader, names: list[str] | tuple[str, ...]) -> dict[str, str | None]:
    """Each of ``names`` as text to seal, or None (blank: nothing to seal)."""
    found: dict[str, str | None] = {}
    for name in names:
        if name == "date_of_birth":
            day = r.past_day(name)
            found[name] = day.isoformat() if day else None
            continue
        text = r.text(name, LIMITS.get(name, SEALED_MAX)) or None
        if name == "phone" and text and not any(ch.isdecimal() for ch in text):
            r.fail(name, N_("A phone number needs digits."))
        found[name] = text
    return found
