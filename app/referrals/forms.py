"""Referral forms (Flask-WTF, CSRF on each). They parse types only; the rules live in
``app.referrals.service`` and ``app.referrals.receiving`` so the API applies the same."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.validators import Optional

from app.assistance.forms import CATEGORY_LABELS
from app.auth.forms import MultiCheckboxField
from app.consent.forms import GROUP_LABELS
from app.referrals.models import PartnerKind, ReferralStatus
from app.referrals.service import ReferralOutcome

PARTNER_KIND_LABELS = {
    PartnerKind.platform_organisation: _l("Organisation on Haven"),
    PartnerKind.external_organisation: _l("Organisation not on Haven"),
    PartnerKind.nrm: _l("National referral mechanism (NRM)"),
    PartnerKind.transnational: _l("Partner in another country (transnational)"),
}
STATUS_LABELS = {
    ReferralStatus.sent: _l("Sent, waiting for an answer"),
    ReferralStatus.accepted: _l("Accepted"),
    ReferralStatus.declined: _l("Declined"),
    ReferralStatus.completed: _l("Completed"),
    ReferralStatus.cancelled: _l("Cancelled"),
}
OUTCOME_LABELS = {
    ReferralOutcome.services_provided: _l("Services provided"),
    ReferralOutcome.partially_provided: _l("Services partly provided"),
    ReferralOutcome.client_did_not_attend: _l("The client did not go"),
    ReferralOutcome.client_withdrew: _l("The client withdrew"),
    ReferralOutcome.no_capacity: _l("The partner had no capacity"),
    ReferralOutcome.other: _l("Other"),
}


def _services() -> MultiCheckboxField:
    return MultiCheckboxField(
        _l("Services requested"), choices=[(c.value, label) for c, label in CATEGORY_LABELS.items()]
    )


def _identity() -> BooleanField:
    # Offered so that the refusal is explained where the question arises (422 with the
    # reason), not silently impossible.
    return BooleanField(_l("Also share identifying details (name, date of birth, contacts)"))


class PlatformReferralForm(FlaskForm):  # type: ignore[misc]
    # validate_choice=False: an unknown or foreign organisation id is the service's to
    # answer ("not found"), like any other id.
    organisation_id = SelectField(_l("Organisation on Haven"), choices=[], validate_choice=False)
    services_requested = _services()
    sent_on = DateField(_l("Sent on"), validators=[Optional()])
    # Checked by the consent ledger when sent: only what a valid consent covers crosses.
    carry_groups = MultiCheckboxField(
        _l("Also send, sealed, if the client's consent covers it"),
        choices=[(g.value, label) for g, label in GROUP_LABELS.items()],
        validate_choice=False,
    )


class ExternalReferralForm(FlaskForm):  # type: ignore[misc]
    partner_kind = SelectField(
        _l("Kind of partner"),
        choices=[
            (k.value, PARTNER_KIND_LABELS[k]) for k in PartnerKind if k != "platform_organisation"
        ],
    )
    partner_name = StringField(_l("Name of the partner organisation or body"))
    partner_country = StringField(
        _l("Partner's country (ISO 3166 code, needed for a transnational referral)"),
        render_kw={"size": 3, "autocomplete": "off", "spellcheck": "false"},
    )
    services_requested = _services()
    sent_on = DateField(_l("Sent on"), validators=[Optional()])
    include_identity = _identity()


class ResponseForm(FlaskForm):  # type: ignore[misc]
    """Accept or decline: the decision comes from the button pressed."""

    decision = StringField()
    responded_on = DateField(_l("Date of the answer"), validators=[Optional()])
    take_on = BooleanField(_l("When accepting, register the person as our client now"))


class CompleteForm(FlaskForm):  # type: ignore[misc]
    outcome = SelectField(
        _l("Outcome"), choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()]
    )
