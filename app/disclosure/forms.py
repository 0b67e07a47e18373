"""Forms and labels of the disclosure screens. Field names are the typed inputs' names
(:mod:`app.disclosure.inputs`), so a form cannot leave one out."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from app.auth.forms import MultiCheckboxField
from app.consent.forms import BASIS_LABELS, GROUP_LABELS, PURPOSE_LABELS, RECIPIENT_LABELS
from app.disclosure.models import BreakGlassReason, EventKind, NotifyReason, Status
from policies import Outcome, shipped_sets
from policies.vocabulary import FieldGroup, LegalBasis, Purpose

PURPOSES = {
    **PURPOSE_LABELS,
    Purpose.criminal_investigation: _l("A criminal investigation or prosecution"),
    Purpose.compensation_claim: _l("A claim for compensation or unpaid wages"),
    Purpose.child_protection_report: _l("A report to child protection about a minor"),
    Purpose.vital_interest: _l("An emergency threatening life or health"),
    Purpose.own_copy: _l("A copy of their own data for the client"),
}
GROUPS = {
    **GROUP_LABELS,
    FieldGroup.case_facts: _l("Coarse facts (gender, age band, form of exploitation)"),
    FieldGroup.service_history: _l("Services delivered (no notes)"),
}
BASES = {
    LegalBasis.consent: BASIS_LABELS[LegalBasis.consent],
    LegalBasis.court_order: _l("A court order (give its reference)"),
    LegalBasis.statutory_duty: BASIS_LABELS[LegalBasis.statutory_duty],
    LegalBasis.child_protection_duty: _l("A mandatory child-protection report"),
    LegalBasis.vital_interest: BASIS_LABELS[LegalBasis.vital_interest],
    LegalBasis.legal_claims: BASIS_LABELS[LegalBasis.legal_claims],
}
RECIPIENTS = RECIPIENT_LABELS
OUTCOMES = {
    Outcome.allowed: _l("Allowed"),
    Outcome.denied: _l("Denied"),
    Outcome.needs_approval: _l("Needs a supervisor's approval"),
}
STATUSES = {
    Status.refused: _l("Refused"),
    Status.awaiting_approval: _l("Waiting for a supervisor"),
    Status.ready: _l("Ready to release"),
    Status.approval_failed: _l("Approval failed"),
    Status.declined: _l("Declined by a supervisor"),
    Status.released: _l("Released"),
}
EVENTS = {
    EventKind.refused_input: _l("Request refused (incomplete or wrong)"),
    EventKind.decided: _l("Decided"),
    EventKind.approved: _l("Approved"),
    EventKind.approval_failed: _l("Approval refused or failed"),
    EventKind.declined: _l("Declined"),
    EventKind.released: _l("Package released"),
    EventKind.release_refused: _l("Release refused"),
    EventKind.break_glass_opened: _l("Emergency access opened"),
    EventKind.break_glass_refused: _l("Emergency access refused"),
    EventKind.break_glass_reviewed: _l("Emergency access reviewed"),
    EventKind.policy_changed: _l("Policy changed"),
}
NOTIFY_REASONS = {
    NotifyReason.endangers_client: _l("Telling the client would put them in danger"),
    NotifyReason.prejudices_investigation: _l("Telling would harm an ongoing investigation"),
    NotifyReason.unreachable: _l("The client cannot be reached safely"),
}
BREAK_GLASS_REASONS = {
    BreakGlassReason.emergency: _l("Life or health in immediate danger"),
    BreakGlassReason.cover_for_absent_colleague: _l("Covering for an absent colleague"),
    BreakGlassReason.child_safeguarding: _l("A child safeguarding concern"),
}


def _choices(labels: dict) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(str(k), v) for k, v in labels.items()]


class DisclosureForm(FlaskForm):  # type: ignore[misc]
    recipient_type = SelectField(
        _l("Recipient"), choices=[("", "—"), *_choices(RECIPIENTS)], validate_choice=False
    )
    recipient_name = StringField(
        _l("Receiving body (e.g. the police station), not a person's name")
    )
    purpose = SelectField(
        _l("Purpose"), choices=[("", "—"), *_choices(PURPOSES)], validate_choice=False
    )
    legal_basis = SelectField(
        _l("Legal basis"), choices=[("", "—"), *_choices(BASES)], validate_choice=False
    )
    legal_reference = StringField(_l("Reference of the court order or statute"))
    field_groups = MultiCheckboxField(
        _l("Which information"), choices=_choices(GROUPS), validate_choice=False
    )


class WhatIfForm(FlaskForm):  # type: ignore[misc]
    recipient_type = SelectField(
        _l("Recipient"), choices=_choices(RECIPIENTS), validate_choice=False
    )
    purpose = SelectField(_l("Purpose"), choices=_choices(PURPOSES), validate_choice=False)
    legal_basis = SelectField(_l("Legal basis"), choices=_choices(BASES), validate_choice=False)
    legal_reference_present = BooleanField(_l("The court order's or statute's reference is given"))
    field_groups = MultiCheckboxField(_l("Which information"), choices=_choices(GROUPS))
    consented_groups = MultiCheckboxField(
        _l("The client has consented (for this purpose and recipient) to"), choices=_choices(GROUPS)
    )
    is_minor = BooleanField(_l("The client is a minor"))


class ApprovalForm(FlaskForm):  # type: ignore[misc]
    notify_client = SelectField(
        _l("Is the client told?"),
        choices=[("yes", _l("Yes, the client is told")), ("no", _l("No (say why)"))],
        default="yes",
        validate_choice=False,
    )
    notify_reason = SelectField(
        _l("Why the client is not told"),
        choices=[("", "—"), *_choices(NOTIFY_REASONS)],
        validate_choice=False,
    )


class PolicyForm(FlaskForm):  # type: ignore[misc]
    policy_set = SelectField(
        _l("Policy set"), choices=[(n, n) for n in shipped_sets()], validate_choice=False
    )
    overrides = TextAreaField(
        _l("Your organisation's own rules (Cedar, forbid only)"), render_kw={"rows": 10}
    )


class BreakGlassForm(FlaskForm):  # type: ignore[misc]
    reason_code = SelectField(
        _l("Reason"), choices=[("", "—"), *_choices(BREAK_GLASS_REASONS)], validate_choice=False
    )
    reason_text = TextAreaField(_l("In your own words, why"), render_kw={"rows": 3})
    duration_minutes = StringField(_l("For how many minutes (at most 240)"), default="60")


class RegisterSearchForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False

    client_code = StringField(_l("Client code"))
    number = StringField(_l("Disclosure number"))
    kind = SelectField(
        _l("What happened"), choices=[("", "—"), *_choices(EVENTS)], validate_choice=False
    )


class HiddenAction(FlaskForm):  # type: ignore[misc]
    """A button that changes something: only the CSRF token."""

    next = HiddenField()
