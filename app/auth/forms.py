"""Sign-in, account and member forms (Flask-WTF: CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.context import Role
from app.settings import UI_LANGUAGES

ROLE_LABELS = {
    Role.caseworker: _l("Caseworker"),
    Role.supervisor: _l("Supervisor"),
    Role.org_admin: _l("Organisation admin"),
    Role.auditor: _l("Auditor"),
    Role.funder: _l("Funder (reports only)"),
}
LOCALE_LABELS = UI_LANGUAGES


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SignInForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class CodeForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Six-digit code from your authenticator app"),
        validators=[DataRequired(), Length(min=6, max=7)],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )


class ChangePasswordForm(FlaskForm):  # type: ignore[misc]
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password (at least 12 characters)"),
        validators=[DataRequired(), Length(min=12, max=1024)],
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ChooseOrganisationForm(FlaskForm):  # type: ignore[misc]
    organisation_id = HiddenField(validators=[DataRequired()])


class LocaleForm(FlaskForm):  # type: ignore[misc]
    locale = SelectField(_l("Language"), choices=list(LOCALE_LABELS.items()))


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A button that changes something: only the CSRF token."""


def role_choices() -> list[tuple[str, object]]:
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):  # type: ignore[misc]
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices(), validators=[DataRequired()])


class RolesForm(FlaskForm):  # type: ignore[misc]
    roles = MultiCheckboxField(_l("Roles"), choices=role_choices(), validators=[DataRequired()])
