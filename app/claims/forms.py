"""Claim forms (Flask-WTF, CSRF on each). They parse types only; the rules live in
``app.claims.service`` so that the API applies the same ones."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.claims.models import ClaimRoute, ClaimStatus, DefendantType

ROUTE_LABELS = {
    ClaimRoute.criminal_proceedings: _l("Criminal proceedings"),
    ClaimRoute.civil: _l("Civil court"),
    ClaimRoute.state_fund: _l("State compensation fund"),
    ClaimRoute.labour_court: _l("Labour court"),
    ClaimRoute.out_of_court: _l("Out-of-court settlement"),
}
DEFENDANT_LABELS = {
    DefendantType.trafficker: _l("Trafficker"),
    DefendantType.employer: _l("Employer"),
    DefendantType.recruiter: _l("Recruiter or agency"),
    DefendantType.state: _l("The State"),
    DefendantType.other: _l("Other"),
    DefendantType.unknown: _l("Not known yet"),
}
STATUS_LABELS = {
    ClaimStatus.preparing: _l("Being prepared"),
    ClaimStatus.filed: _l("Filed"),
    ClaimStatus.awarded: _l("Awarded"),
    ClaimStatus.rejected: _l("Rejected"),
    ClaimStatus.partially_paid: _l("Partly paid"),
    ClaimStatus.paid: _l("Paid"),
    ClaimStatus.withdrawn: _l("Withdrawn"),
}


def _optional() -> list[Optional]:
    return [Optional()]


class FileClaimForm(FlaskForm):  # type: ignore[misc]
    route = SelectField(_l("Route"), choices=list(ROUTE_LABELS.items()))
    defendant_type = SelectField(_l("Claim against"), choices=list(DEFENDANT_LABELS.items()))
    currency = StringField(
        _l("Currency (ISO 4217 code)"),
        validators=[Length(max=3)],
        render_kw={"size": 4, "spellcheck": "false", "data-picker": "currency"},
    )
    amount_claimed = DecimalField(
        _l("Amount claimed"),
        places=None,
        validators=_optional(),
        render_kw={"inputmode": "decimal"},
    )
    filed_on = DateField(_l("Filed on (leave empty while preparing)"), validators=_optional())


class ClaimStatusForm(FlaskForm):  # type: ignore[misc]
    status = SelectField(_l("New status"), choices=[])
    changed_on = DateField(_l("Date of the change"), validators=_optional())
    amount_awarded = DecimalField(
        _l("Amount awarded"),
        places=None,
        validators=_optional(),
        render_kw={"inputmode": "decimal"},
    )
    decided_on = DateField(_l("Date of the decision"), validators=_optional())
    amount_paid = DecimalField(
        _l("Total paid so far"),
        places=None,
        validators=_optional(),
        render_kw={"inputmode": "decimal"},
    )
    paid_on = DateField(_l("Date of the payment"), validators=_optional())
