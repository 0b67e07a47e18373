"""Assistance forms (Flask-WTF, CSRF on each). They only parse types; every rule lives in
the services so the API applies the same ones. No field has a class default: defaults are
given on GET only, so a POST that leaves a field out cannot be filled in silently."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.assistance.contacts import ContactChannel
from app.assistance.corrections import RemovalReason
from app.auth.forms import MultiCheckboxField

# One wording per coarse fact across the app: the intake form's labels (re-exported here,
# other domains import them from this module too).
from app.clients.forms import AGE_BAND_LABELS as AGE_BAND_LABELS
from app.clients.forms import EXPLOITATION_LABELS as EXPLOITATION_LABELS
from app.clients.forms import GENDER_LABELS as GENDER_LABELS
from app.taxonomy import (
    ServiceCategory,
    ServiceOutcome,
    ServiceUnit,
)
from app.validation import NOTES_MAX

CATEGORY_LABELS = {
    ServiceCategory.accommodation: _l("Accommodation, food, transport"),
    ServiceCategory.counselling: _l("Counselling and information on rights"),
    ServiceCategory.interpretation: _l("Interpretation and translation"),
    ServiceCategory.medical: _l("Medical care"),
    ServiceCategory.psychological: _l("Psychological and psychosocial support"),
    ServiceCategory.material: _l("Material assistance"),
    ServiceCategory.legal: _l("Legal assistance and representation"),
    ServiceCategory.criminal_proceedings_support: _l("Support during criminal proceedings"),
    ServiceCategory.compensation: _l("Compensation and unpaid-wage claims"),
    ServiceCategory.education_employment: _l("Education, training and employment"),
    ServiceCategory.child_services: _l("Child-specific services"),
    ServiceCategory.return_support: _l("Return and repatriation support"),
    ServiceCategory.reintegration: _l("Reintegration follow-up"),
    ServiceCategory.helpline_outreach: _l("Helpline or outreach contact"),
    ServiceCategory.referral: _l("Referral to another organisation or the NRM"),
}
UNIT_LABELS = {
    ServiceUnit.nights: _l("nights"),
    ServiceUnit.hours: _l("hours"),
    ServiceUnit.sessions: _l("sessions"),
    ServiceUnit.items: _l("items"),
    ServiceUnit.amount: _l("amount of money"),
    ServiceUnit.contacts: _l("contacts"),
}
OUTCOME_LABELS = {
    ServiceOutcome.delivered: _l("Delivered"),
    ServiceOutcome.partially_delivered: _l("Partly delivered"),
    ServiceOutcome.declined_by_client: _l("Declined by the client"),
    ServiceOutcome.not_available: _l("Not available"),
    ServiceOutcome.referred_elsewhere: _l("Referred elsewhere"),
}
CHANNEL_LABELS = {
    ContactChannel.phone: _l("Phone"),
    ContactChannel.chat: _l("Chat"),
    ContactChannel.email: _l("E-mail"),
    ContactChannel.outreach: _l("Outreach"),
    ContactChannel.in_person: _l("In person"),
}

REMOVAL_REASON_LABELS = {
    RemovalReason.duplicate: _l("It was recorded twice (a duplicate)"),
    RemovalReason.wrong_client: _l("It was recorded for the wrong client"),
    RemovalReason.never_delivered: _l("The service was never delivered"),
}


def _choices(labels: dict[Any, Any], blank: Any = None) -> list[tuple[str, Any]]:
    first = [("", blank)] if blank is not None else []
    return first + [(key.value, label) for key, label in labels.items()]


def _optional() -> list[Any]:
    return [Optional()]


class ServiceFieldsForm(FlaskForm):  # type: ignore[misc]
    """The fields of one service; subtype and grant choices are the organisation's own and
    are filled in by the view when it renders (the service checks the submitted ids)."""

    category = SelectField(
        _l("Service"),
        choices=_choices(CATEGORY_LABELS, _l("Choose a service")),
        validators=_optional(),
        render_kw={"autofocus": True},
    )
    subtype_id = SelectField(_l("Type (optional)"), validate_choice=False, choices=[])
    started_on = DateField(_l("Date, or first day of a period"), validators=_optional())
    ended_on = DateField(_l("Last day, for a period"), validators=_optional())
    quantity = DecimalField(_l("Quantity"), places=None, validators=_optional())
    unit = SelectField(
        _l("Unit"), choices=_choices(UNIT_LABELS, _l("Usual unit")), validators=_optional()
    )
    language = StringField(
        _l("Language delivered in"),
        validators=_optional(),
        render_kw={"list": "language-options", "autocomplete": "off", "size": 8},
    )
    interpreter_used = BooleanField(_l("An interpreter was used"))
    grant_id = SelectField(_l("Paid by grant"), validate_choice=False, choices=[])
    cost = DecimalField(_l("Cost"), places=None, validators=_optional())
    currency = StringField(
        _l("Currency"), validators=_optional(), render_kw={"size": 4, "data-picker": "currency"}
    )
    outcome = SelectField(_l("Outcome"), choices=_choices(OUTCOME_LABELS), validators=_optional())
    notes = TextAreaField(
        _l("Notes (sealed)"), validators=_optional(), render_kw={"rows": 4, "maxlength": NOTES_MAX}
    )


class RecordServiceForm(ServiceFieldsForm):
    record = SubmitField(_l("Record"))
    record_another = SubmitField(_l("Record and add another"))


class CorrectServiceForm(ServiceFieldsForm):
    """The record's fields, prefilled except the notes: they stay sealed, so an empty notes
    box keeps them and only the box below removes them."""

    clear_notes = BooleanField(_l("Clear the notes"))
    save = SubmitField(_l("Save the correction"))


class RemoveServiceForm(FlaskForm):  # type: ignore[misc]
    reason = RadioField(
        _l("Why is this record removed?"),
        choices=_choices(REMOVAL_REASON_LABELS),
        validators=_optional(),
    )
    remove = SubmitField(_l("Remove the record"))


class GroupServiceForm(ServiceFieldsForm):
    clients = TextAreaField(
        _l("Clients: pseudonym codes, one per line"),
        validators=_optional(),
        render_kw={"rows": 5, "autocomplete": "off", "spellcheck": "false", "autofocus": True},
    )
    #: Focus starts on the clients box here, so the category loses its autofocus.
    category = SelectField(
        _l("Service"),
        choices=_choices(CATEGORY_LABELS, _l("Choose a service")),
        validators=_optional(),
    )
    record = SubmitField(_l("Record for every client"))


class AnonymousContactForm(FlaskForm):  # type: ignore[misc]
    occurred_on = DateField(_l("Date"), validators=_optional())
    channel = SelectField(
        _l("Channel"),
        choices=_choices(CHANNEL_LABELS),
        validators=_optional(),
        render_kw={"autofocus": True},
    )
    language = StringField(
        _l("Language"),
        validators=_optional(),
        render_kw={"list": "language-options", "autocomplete": "off", "size": 8},
    )
    interpreter_used = BooleanField(_l("An interpreter was used"))
    topics = MultiCheckboxField(_l("Topics"), choices=_choices(CATEGORY_LABELS))
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS), validators=_optional())
    age_band = SelectField(
        _l("Age band"), choices=_choices(AGE_BAND_LABELS), validators=_optional()
    )
    form_of_exploitation = SelectField(
        _l("Form of exploitation"),
        choices=_choices(EXPLOITATION_LABELS, _l("Not known")),
        validators=_optional(),
    )
    referral_made = BooleanField(_l("Referred to a service"))
    record = SubmitField(_l("Record"))
    record_another = SubmitField(_l("Record and add another"))


class GrantForm(FlaskForm):  # type: ignore[misc]
    code = StringField(_l("Code"), validators=_optional(), render_kw={"autofocus": True})
    name = StringField(_l("Name"), validators=_optional())
    funder = StringField(_l("Funder"), validators=_optional())
    starts_on = DateField(_l("Starts on"), validators=_optional())
    ends_on = DateField(_l("Ends on"), validators=_optional())
    budget = DecimalField(_l("Budget (optional)"), places=None, validators=_optional())
    currency = StringField(
        _l("Currency"), validators=_optional(), render_kw={"size": 4, "data-picker": "currency"}
    )


class SubtypeForm(FlaskForm):  # type: ignore[misc]
    category = SelectField(
        _l("Service"),
        choices=_choices(CATEGORY_LABELS, _l("Choose a service")),
        validators=_optional(),
        render_kw={"autofocus": True},
    )
    name = StringField(_l("Name of the type"), validators=_optional())
