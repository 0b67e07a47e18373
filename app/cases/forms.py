"""Case and risk forms (Flask-WTF, CSRF on each). They parse types only; the rules live in
``app.cases.service``, ``risks`` and ``children`` so that the API applies the same ones.

The case tab shows several forms at once, so each has a prefix: field names and ids stay
unique on the page (``close-closed_on``), and every label points at its own field.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from app.cases.children import SEALED_MAX as CHILD_MAX
from app.cases.inputs import ChildModule
from app.cases.models import CloseReason, NrmState, PermitTrack, RiskKind, RiskLevel, Schooling
from app.validation import NOTES_MAX

PERMIT_LABELS = {
    PermitTrack.none: _l("None"),
    PermitTrack.reflection_period: _l("Reflection period"),
    PermitTrack.victim_residence_permit: _l("Residence permit for victims"),
    PermitTrack.international_protection: _l("International protection"),
    PermitTrack.humanitarian: _l("Humanitarian grounds"),
    PermitTrack.other: _l("Other"),
}
NRM_LABELS = {
    NrmState.not_referred: _l("Not referred"),
    NrmState.referred: _l("Referred"),
    NrmState.positive_reasonable_grounds: _l("Positive reasonable-grounds decision"),
    NrmState.negative_reasonable_grounds: _l("Negative reasonable-grounds decision"),
    NrmState.positive_conclusive: _l("Positive conclusive-grounds decision"),
    NrmState.negative_conclusive: _l("Negative conclusive-grounds decision"),
    NrmState.withdrawn: _l("Withdrawn from the NRM"),
}
CLOSE_LABELS = {
    CloseReason.goals_met: _l("Support goals met"),
    CloseReason.moved_to_other_service: _l("Moved to another service"),
    CloseReason.returned_home: _l("Returned to the country of origin"),
    CloseReason.lost_contact: _l("Contact lost"),
    CloseReason.client_withdrew: _l("The client ended the support"),
    CloseReason.deceased: _l("Deceased"),
    CloseReason.other: _l("Other"),
}
RISK_LABELS = {
    RiskKind.retaliation: _l("Retaliation"),
    RiskKind.re_trafficking: _l("Re-trafficking"),
    RiskKind.return_risk: _l("Risk on return"),
    RiskKind.self_harm: _l("Self-harm"),
    RiskKind.other: _l("Other"),
}
LEVEL_LABELS = {
    RiskLevel.low: _l("Low"),
    RiskLevel.medium: _l("Medium"),
    RiskLevel.high: _l("High"),
}
SCHOOLING_LABELS = {
    Schooling.enrolled: _l("Enrolled in school"),
    Schooling.waiting: _l("Waiting for a school place"),
    Schooling.not_enrolled: _l("Not enrolled in school"),
    Schooling.not_applicable: _l("Not applicable"),
}


def _date(label: object) -> DateField:
    # Optional here: an empty date reaches the service, which says what is missing.
    return DateField(label, validators=[Optional()])


class OpenCaseForm(FlaskForm):  # type: ignore[misc]
    opened_on = _date(_l("Opened on"))
    permit_track = SelectField(_l("Residence-permit track"), choices=list(PERMIT_LABELS.items()))


class CloseCaseForm(FlaskForm):  # type: ignore[misc]
    closed_on = _date(_l("Closed on"))
    reason = SelectField(
        _l("Reason for closing"), choices=[("", _l("Choose a reason")), *CLOSE_LABELS.items()]
    )


class NrmStateForm(FlaskForm):  # type: ignore[misc]
    nrm_state = SelectField(_l("New NRM state"), choices=list(NRM_LABELS.items()))
    changed_on = _date(_l("Date of the change"))


class ReflectionPeriodForm(FlaskForm):  # type: ignore[misc]
    reflection_start = _date(_l("First day"))
    reflection_end = _date(_l("Last day (if known)"))


class PermitTrackForm(FlaskForm):  # type: ignore[misc]
    permit_track = SelectField(_l("Residence-permit track"), choices=list(PERMIT_LABELS.items()))


class AssignForm(FlaskForm):  # type: ignore[misc]
    # validate_choice=False: an id that is not offered reaches the service, which answers
    # "not found" for another organisation's member, like for a missing one.
    user_id = SelectField(_l("Caseworker or supervisor"), choices=[], validate_choice=False)


class ChildDetailsForm(FlaskForm):  # type: ignore[misc]
    guardian = TextAreaField(
        _l("Guardian (name and contact)"), render_kw={"rows": 2, "maxlength": CHILD_MAX}
    )
    clear_guardian = BooleanField(_l("Remove the recorded guardian"))
    schooling = SelectField(_l("Schooling"), choices=list(SCHOOLING_LABELS.items()))
    child_protection_service = StringField(
        _l("Child-protection service"), render_kw={"autocomplete": "off"}
    )
    child_protection_contact = TextAreaField(
        _l("Child-protection contact person"), render_kw={"rows": 2, "maxlength": CHILD_MAX}
    )
    clear_contact = BooleanField(_l("Remove the recorded contact person"))

    def module(self) -> ChildModule:
        """For the sealed fields: None keeps the stored value, "" removes it (the box is
        ticked); otherwise the new text."""
        return ChildModule(
            schooling=self.schooling.data,
            child_protection_service=self.child_protection_service.data,
            guardian=_sealed(self.guardian.data, self.clear_guardian.data),
            child_protection_contact=_sealed(
                self.child_protection_contact.data, self.clear_contact.data
            ),
        )


def _sealed(typed: str | None, clear: bool) -> str | None:
    return "" if clear else (typed or "").strip() or None


class RiskForm(FlaskForm):  # type: ignore[misc]
    kind = SelectField(_l("Kind of risk"), choices=list(RISK_LABELS.items()))
    level = SelectField(_l("Level"), choices=list(LEVEL_LABELS.items()))
    review_on = _date(_l("Next review on"))
    notes = TextAreaField(_l("Notes (sealed)"), render_kw={"rows": 4, "maxlength": NOTES_MAX})


class ReviewRiskForm(FlaskForm):  # type: ignore[misc]
    level = SelectField(_l("Level found at this review"), choices=list(LEVEL_LABELS.items()))
    review_on = _date(_l("Next review on"))
