"""Platform admin form for a new organisation and its first admin."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.auth.forms import LOCALE_LABELS

KIND_LABELS = {
    "shelter": _l("Shelter"),
    "legal_aid": _l("Legal aid"),
    "counselling_centre": _l("Counselling centre"),
    "helpline": _l("Helpline"),
    "trade_union": _l("Trade union"),
    "network": _l("Network of organisations"),
}


class OrganisationForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        _l("Short handle (letters, digits, dashes)"), validators=[DataRequired(), Length(max=63)]
    )
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    country = StringField(
        _l("Country (ISO 3166 code)"), validators=[DataRequired(), Length(min=2, max=2)]
    )
    default_locale = SelectField(_l("Default language"), choices=list(LOCALE_LABELS.items()))
    admin_email = EmailField(
        _l("E-mail of its first admin"), validators=[DataRequired(), Length(max=254)]
    )
    admin_name = StringField(
        _l("Name of its first admin"), validators=[DataRequired(), Length(max=120)]
    )
