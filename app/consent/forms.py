"""Consent forms (Flask-WTF, CSRF on each) and the words the screens use for the ledger's
codes. Forms parse types only; every rule is the service's (:mod:`app.consent.reading`),
so the API refuses the same things with the same messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from app.auth.forms import MultiCheckboxField
from app.consent.models import Decision, EvidenceKind, Method, ReceiptKind, WithdrawalChannel
from app.consent.notices import BODY_MAX
from app.consent.reading import CONSENT_GROUPS, CONSENT_PURPOSES, RECORD_BASES
from app.consent.validity import Reason
from policies.vocabulary import FieldGroup, LegalBasis, Purpose, RecipientType

PURPOSE_LABELS = {
    Purpose.criminal_proceedings_support: _l("Support during criminal proceedings"),
    Purpose.referral: _l("Referral to a named organisation"),
    Purpose.nrm_registration: _l("Registration with the NRM or a State victim database"),
    Purpose.case_conference: _l("Case conference with other professionals"),
    Purpose.return_country_contact: _l("Contact with organisations in the country of return"),
    Purpose.funder_reporting: _l("Individual reporting to a funder"),
    Purpose.media: _l("Contact with journalists (media)"),
}
GROUP_LABELS = {
    FieldGroup.identity: _l("Identity (name, date of birth, documents)"),
    FieldGroup.contact: _l("Contact details (phone, e-mail)"),
    FieldGroup.location: _l("Where the person lives (address)"),
    FieldGroup.health: _l("Health"),
    FieldGroup.immigration: _l("Immigration status"),
    FieldGroup.narrative: _l("The person's account of events"),
}
RECIPIENT_LABELS = {
    RecipientType.police: _l("Police"),
    RecipientType.prosecutor: _l("Prosecutor"),
    RecipientType.court: _l("Court"),
    RecipientType.labour_inspectorate: _l("Labour inspectorate"),
    RecipientType.immigration: _l("Immigration authorities"),
    RecipientType.child_protection: _l("Child protection"),
    RecipientType.nrm_coordinator: _l("NRM coordinator"),
    RecipientType.partner_ngo: _l("Partner organisation"),
    RecipientType.funder: _l("Funder"),
    RecipientType.media: _l("Journalists (media)"),
    RecipientType.client: _l("The client themself"),
}
BASIS_LABELS = {
    LegalBasis.consent: _l("The client's consent"),
    LegalBasis.statutory_duty: _l("A legal obligation (give the statute's reference)"),
    LegalBasis.vital_interest: _l("Vital interests (life or health in danger)"),
    LegalBasis.legal_claims: _l("Establishing or defending legal claims"),
}
DECISION_LABELS = {
    Decision.given: _l("Yes, the client agrees"),
    Decision.refused: _l("No, the client refuses"),
}
METHOD_LABELS = {
    Method.verbal: _l("Said out loud"),
    Method.written: _l("Signed on paper"),
    Method.electronic: _l("Signed electronically"),
}
EVIDENCE_LABELS = {
    EvidenceKind.none: _l("None"),
    EvidenceKind.scan: _l("A scan of the signed form (PDF, JPEG or PNG, at most 10 MB)"),
    EvidenceKind.signature: _l("The SHA-256 of a signature, with a witness"),
}
RECEIPT_LABELS = {
    ReceiptKind.full: _l("A receipt with what they may ask for"),
    ReceiptKind.minimal: _l("A minimal receipt (the number only)"),
    ReceiptKind.none: _l("No receipt"),
}
CHANNEL_LABELS = {
    WithdrawalChannel.in_person: _l("In person"),
    WithdrawalChannel.phone: _l("By phone"),
    WithdrawalChannel.message: _l("By message"),
    WithdrawalChannel.representative: _l("Through a representative or another organisation"),
}
STATUS_LABELS = {
    "given": _l("In force"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
    "expired": _l("Expired"),
    "superseded": _l("Replaced by a newer record"),
}
REASON_LABELS = {
    Reason.covered: _l("Valid until %(until)s."),
    Reason.no_record: _l("No consent recorded for this purpose."),
    Reason.recipient_not_covered: _l("The consent does not name this recipient."),
    Reason.field_groups_not_covered: _l("The consent does not cover: %(missing)s."),
    Reason.refused: _l("The client refused on %(date)s."),
    Reason.withdrawn: _l("Withdrawn on %(date)s."),
    Reason.expired: _l("Expired on %(date)s."),
    Reason.superseded: _l("Replaced on %(date)s."),
    Reason.not_yet_given: _l("Not given before %(date)s."),
}


def _choices(labels: dict, allowed: tuple | None = None) -> list[tuple[str, object]]:  # type: ignore[type-arg]
    return [(k.value, v) for k, v in labels.items() if allowed is None or k in allowed]


class ConsentForm(FlaskForm):  # type: ignore[misc]
    """Recording a consent; the notice (id, language, version) is the one shown above."""

    notice_id = HiddenField()
    notice_language = HiddenField()
    notice_version = HiddenField()
    supersedes = HiddenField()
    decision = RadioField(
        _l("What did the client say?"), choices=_choices(DECISION_LABELS), default="given"
    )
    purposes = MultiCheckboxField(
        _l("For what"), choices=_choices(PURPOSE_LABELS, CONSENT_PURPOSES)
    )
    field_groups = MultiCheckboxField(
        _l("Which information"), choices=_choices(GROUP_LABELS, CONSENT_GROUPS)
    )
    recipient_types = MultiCheckboxField(
        _l("To whom (kinds of recipient)"), choices=_choices(RECIPIENT_LABELS)
    )
    recipient_organisations = MultiCheckboxField(
        _l("Named organisations on Haven"), choices=[], validate_choice=False
    )
    recipient_names = TextAreaField(_l("Named organisations not on Haven (one per line)"))
    expires_on = DateField(
        _l("Expires on (no longer valid from this day)"), validators=[Optional()]
    )
    language = StringField(
        _l("Language it was explained in (e.g. ar, ti, ro)"), render_kw={"data-picker": "language"}
    )
    interpreter_used = BooleanField(_l("An interpreter was used"))
    interpreter_code = StringField(_l("Interpreter's code (not their name)"))
    method = SelectField(_l("How the client said it"), choices=_choices(METHOD_LABELS))
    evidence_kind = RadioField(_l("Evidence"), choices=_choices(EVIDENCE_LABELS), default="none")
    evidence_scan = FileField(_l("Scan of the signed form"))
    signature_sha256 = StringField(_l("SHA-256 of the signature"))
    witness_code = StringField(_l("Witness's code (a member of staff, not a name)"))
    legal_basis = SelectField(_l("Legal basis"), choices=_choices(BASIS_LABELS, RECORD_BASES))
    legal_reference = StringField(_l("Statute's reference (for a legal obligation)"))
    receipt_kind = RadioField(
        _l("Receipt the client takes"), choices=_choices(RECEIPT_LABELS), default="full"
    )


class WithdrawForm(FlaskForm):  # type: ignore[misc]
    channel = SelectField(_l("How the client said it"), choices=_choices(CHANNEL_LABELS))


class ReceiptForm(FlaskForm):  # type: ignore[misc]
    kind = HiddenField(default="full")


class NoticeTextForm(FlaskForm):  # type: ignore[misc]
    language = StringField(
        _l("Language (BCP 47, e.g. ar, ti, fa-AF)"), render_kw={"data-picker": "language"}
    )
    title = StringField(_l("Title"))
    body = TextAreaField(
        _l("Text read or given to the client"), render_kw={"rows": 12, "maxlength": BODY_MAX}
    )


class SettingsForm(FlaskForm):  # type: ignore[misc]
    max_months = StringField(_l("Longest a consent may last, in months"), render_kw={"size": 3})
