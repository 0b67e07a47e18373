"""Client forms (Flask-WTF: CSRF on every one) and the labels of client vocabularies.

XXX: identity inputs carry ``autocomplete="off"`` so that browsers do not keep names,
phone numbers or document numbers in their form history on a shared office computer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.clients.models import INDEXED_FIELDS, SEALED_FIELDS
from app.clients.validation import LIMITS, SEALED_MAX, ClientIdentity
from app.regions import COUNTRIES, REGION_CODES
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

GENDER_LABELS = {
    Gender.female: _l("Female"),
    Gender.male: _l("Male"),
    Gender.non_binary: _l("Non-binary"),
    Gender.not_stated: _l("Not stated"),
}
AGE_BAND_LABELS = {
    AgeBand.under_12: _l("Under 12"),
    AgeBand.age_12_17: _l("12 to 17"),
    AgeBand.age_18_24: _l("18 to 24"),
    AgeBand.age_25_34: _l("25 to 34"),
    AgeBand.age_35_49: _l("35 to 49"),
    AgeBand.age_50_plus: _l("50 or older"),
    AgeBand.unknown: _l("Unknown"),
}
EXPLOITATION_LABELS = {
    FormOfExploitation.sexual: _l("Sexual exploitation"),
    FormOfExploitation.labour: _l("Labour exploitation"),
    FormOfExploitation.domestic_servitude: _l("Domestic servitude"),
    FormOfExploitation.forced_criminality: _l("Forced criminality"),
    FormOfExploitation.forced_begging: _l("Forced begging"),
    FormOfExploitation.organ_removal: _l("Organ removal"),
    FormOfExploitation.forced_marriage: _l("Forced marriage"),
    FormOfExploitation.other: _l("Other"),
}
SECTOR_LABELS = {
    Sector.agriculture: _l("Agriculture"),
    Sector.construction: _l("Construction"),
    Sector.hospitality: _l("Hospitality"),
    Sector.domestic_work: _l("Domestic work"),
    Sector.garment: _l("Garment"),
    Sector.sex_industry: _l("Sex industry"),
    Sector.other: _l("Other"),
    Sector.unknown: _l("Unknown"),
}
MOVEMENT_LABELS = {
    Movement.domestic: _l("Domestic"),
    Movement.cross_border: _l("Cross-border"),
    Movement.unknown: _l("Unknown"),
}
STATUS_LABELS = {
    VictimStatus.potential: _l("Potential victim"),
    VictimStatus.presumed: _l("Presumed victim"),
    VictimStatus.formally_identified: _l("Formally identified"),
    VictimStatus.not_identified: _l("Not identified"),
}
IDENTIFIER_LABELS = {
    IdentifyingBody.police: _l("Police"),
    IdentifyingBody.nrm_competent_authority: _l("NRM competent authority"),
    IdentifyingBody.labour_inspectorate: _l("Labour inspectorate"),
    IdentifyingBody.ngo: _l("An NGO"),
    IdentifyingBody.court: _l("Court"),
    IdentifyingBody.immigration_authority: _l("Immigration authority"),
    IdentifyingBody.other: _l("Other"),
}
SOURCE_LABELS = {
    ReferralSource.self_referral: _l("Self-referral"),
    ReferralSource.police: _l("Police"),
    ReferralSource.labour_inspectorate: _l("Labour inspectorate"),
    ReferralSource.ngo: _l("Another NGO"),
    ReferralSource.helpline: _l("Helpline"),
    ReferralSource.health_service: _l("Health service"),
    ReferralSource.social_services: _l("Social services"),
    ReferralSource.embassy: _l("Embassy or consulate"),
    ReferralSource.nrm: _l("National referral mechanism"),
    ReferralSource.other: _l("Other"),
    ReferralSource.unknown: _l("Unknown"),
}
IDENTITY_LABELS = {
    "name": _l("Name"),
    "aliases": _l("Other names and aliases"),
    "date_of_birth": _l("Date of birth"),
    "phone": _l("Phone"),
    "contact_details": _l("Other contact details"),
    "identity_document": _l("Identity document number"),
    "address": _l("Address"),
    "immigration_status": _l("Immigration or residence status"),
    "health_notes": _l("Health notes"),
    "narrative": _l("Narrative notes"),
}
LABELS: dict[str, dict[Any, Any]] = {
    "gender": GENDER_LABELS,
    "age_band": AGE_BAND_LABELS,
    "forms_of_exploitation": EXPLOITATION_LABELS,
    "sector": SECTOR_LABELS,
    "movement": MOVEMENT_LABELS,
    "victim_status": STATUS_LABELS,
    "identified_by": IDENTIFIER_LABELS,
    "referral_source": SOURCE_LABELS,
}
_PRIVATE = {"autocomplete": "off", "spellcheck": "false"}


def _choices(labels: dict[Any, Any]) -> list[tuple[str, Any]]:
    return [(key.value, label) for key, label in labels.items()]


def _territory_name(code: str, fallback: str) -> str:
    locale = get_locale() or Locale("en")
    return str(locale.territories.get(code, fallback))


def country_name(code: str | None) -> str:
    """A country's name in the reader's language."""
    return _territory_name(code, code) if code else ""


def region_name(region: str | None) -> str:
    """An M49 region in the reader's language (stored as its English UN name)."""
    return _territory_name(REGION_CODES.get(region, ""), region) if region else ""


def country_choices() -> list[tuple[str, str]]:
    names = sorted(((country_name(c), c) for c in COUNTRIES), key=lambda pair: pair[0].casefold())
    return [("", str(_l("Unknown or stateless")))] + [(code, name) for name, code in names]


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FactsFields:
    """Coarse facts: stored in the clear, reported in aggregate, never identifying."""

    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), default="not_stated")
    age_band = SelectField(
        _l("Age band at intake"), choices=_choices(AGE_BAND_LABELS), default="unknown"
    )
    is_minor = BooleanField(_l("Minor (under 18) at intake"))
    nationality = SelectField(_l("Nationality"), choices=[], default="")
    languages = StringField(
        _l("Languages spoken"),
        description=_l("Type a language's name or code; separate several with commas."),
        render_kw={"data-picker": "languages"},
    )
    preferred_language = StringField(
        _l("Preferred language"),
        description=_l("Type a language's name or code, e.g. ro."),
        render_kw={"data-picker": "language"},
    )
    forms_of_exploitation = MultiCheckboxField(
        _l("Forms of exploitation"), choices=_choices(EXPLOITATION_LABELS)
    )
    sector = SelectField(_l("Sector"), choices=_choices(SECTOR_LABELS), default="unknown")
    movement = SelectField(
        _l("Domestic or cross-border"), choices=_choices(MOVEMENT_LABELS), default="unknown"
    )
    victim_status = SelectField(
        _l("Victim status"), choices=_choices(STATUS_LABELS), default="potential"
    )
    identified_by = SelectField(
        _l("Identified by"),
        choices=[("", _l("Not identified, or not known"))] + _choices(IDENTIFIER_LABELS),
        default="",
        description=_l("The kind of body that identified the person; never a name."),
    )
    identified_on = DateField(_l("Identified on"), validators=[Optional()])
    referral_source = SelectField(
        _l("Referred by"), choices=_choices(SOURCE_LABELS), default="unknown"
    )


def _limit(name: str) -> dict[str, object]:
    """The browser stops typing at the service's own limit (the service checks it too)."""
    return {**_PRIVATE, "maxlength": LIMITS.get(name, SEALED_MAX)}


class IdentityFields:
    """Identity: every field optional, each sealed on its own under the client's key."""

    name = StringField(IDENTITY_LABELS["name"], render_kw=_limit("name"))
    aliases = StringField(IDENTITY_LABELS["aliases"], render_kw=_limit("aliases"))
    date_of_birth = DateField(
        IDENTITY_LABELS["date_of_birth"], validators=[Optional()], render_kw=_PRIVATE
    )
    phone = StringField(IDENTITY_LABELS["phone"], render_kw={**_limit("phone"), "type": "tel"})
    contact_details = TextAreaField(
        IDENTITY_LABELS["contact_details"], render_kw=_limit("contact_details")
    )
    identity_document = StringField(
        IDENTITY_LABELS["identity_document"], render_kw=_limit("identity_document")
    )
    address = TextAreaField(IDENTITY_LABELS["address"], render_kw=_limit("address"))
    immigration_status = TextAreaField(
        IDENTITY_LABELS["immigration_status"], render_kw=_limit("immigration_status")
    )
    health_notes = TextAreaField(IDENTITY_LABELS["health_notes"], render_kw=_limit("health_notes"))
    narrative = TextAreaField(IDENTITY_LABELS["narrative"], render_kw=_limit("narrative"))

    def identity(self) -> ClientIdentity:
        """The identity fields that were filled in (blank means "not given")."""
        return ClientIdentity(**{name: getattr(self, name).data or None for name in SEALED_FIELDS})


class IntakeForm(FlaskForm, FactsFields, IdentityFields):  # type: ignore[misc]
    #: Sent by "Register anyway" after a warning (a probable duplicate, nothing filled in).
    confirmed = BooleanField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nationality.choices = country_choices()


class FactsForm(FlaskForm, FactsFields):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nationality.choices = country_choices()


class IdentityForm(FlaskForm, IdentityFields):  # type: ignore[misc]
    clear = MultiCheckboxField(
        _l("Remove these fields"), choices=[(f, IDENTITY_LABELS[f]) for f in SEALED_FIELDS]
    )

    def changes(self) -> ClientIdentity:
        """New values typed in, and a blank for each other field ticked for removal."""
        typed = self.identity()
        cleared = {name: "" for name in self.clear.data or [] if getattr(typed, name) is None}
        return replace(typed, **cleared)


SEARCH_CHOICES = [("code", _l("Pseudonym code"))] + [
    (f, IDENTITY_LABELS[f]) for f in INDEXED_FIELDS
]


class SearchForm(FlaskForm):  # type: ignore[misc]
    """Posted, never sent as a query string: the value must not reach a URL or history."""

    kind = SelectField(_l("Search by"), choices=SEARCH_CHOICES, default="code")
    value = StringField(_l("Search for"), validators=[DataRequired()], render_kw=_PRIVATE)


class EraseForm(FlaskForm):  # type: ignore[misc]
    confirm_code = StringField(
        _l("Type the client's code to confirm"), validators=[DataRequired()], render_kw=_PRIVATE
    )
