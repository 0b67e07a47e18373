"""The home page's one form: open a client's services by their code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired


class RecordServiceForm(FlaskForm):  # type: ignore[misc]
    """Posted, never a query string: even a pseudonym stays out of the address bar."""

    code = StringField(
        _l("Client code"),
        validators=[DataRequired()],
        id="record-service-code",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
