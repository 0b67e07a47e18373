"""The one form handler of the HTML views: validate, call the service, and either flash and
redirect, or show the page again with every message on its field.

Its guarantee: a refused form (the form's own checks, or the service's
:class:`~app.errors.ValidationFailed`) answers 422, and the request's unit of work rolls
back on any status of 400 or more (:mod:`app.web.request`), so nothing of it is stored.
A service message for a field the form does not show goes onto a fallback field (the
first visible one unless the view names another), never silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from flask import flash, redirect
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import Field

from app.errors import ValidationFailed
from app.i18n import translated
from app.validation import field_names

T = TypeVar("T")
In = TypeVar("In")
#: What a view returns: a redirect, or a page with its status.
Page = Response | tuple[str, int]


def handle_form(
    form: FlaskForm,
    action: Callable[[], T],
    *,
    page: Callable[[FlaskForm], str],
    then: str | Callable[[T], str],
    done: str | Callable[[T], str] | None = None,
    fallback: str | None = None,
) -> Page:
    """On a valid submission run ``action`` (one service call), flash ``done`` and redirect
    to ``then``; otherwise render ``page`` with the form and its messages (200 when nothing
    was submitted, 422 when something was refused). ``done`` and ``then`` may be computed
    from the action's result (e.g. the new client's page)."""
    result = submit(form, action, fallback=fallback)
    if result is None:
        return page(form), form_errors(form)
    if done is not None:
        flash(done(result.value) if callable(done) else done)
    return redirect(then(result.value) if callable(then) else then)


class Accepted(Generic[T]):
    """What the service returned for a submission it accepted."""

    def __init__(self, value: T) -> None:
        self.value = value


def submit(
    form: FlaskForm, action: Callable[[], T], *, fallback: str | None = None
) -> Accepted[T] | None:
    """:func:`handle_form` for a page that shows its result instead of redirecting (a
    one-time password is shown once, never put in a URL or the session): the action's
    result, or None when nothing was submitted or something was refused (the messages are
    then on the form, and :func:`form_errors` gives the status)."""
    if not form.validate_on_submit():
        return None
    try:
        return Accepted(action())
    except ValidationFailed as error:
        show_errors(form, error, fallback)
        return None


def form_input(form: FlaskForm, input_type: type[In]) -> In:
    """A service command's typed input object (a dataclass) from the form's fields of the
    same names. Every field of the input must be on the form (KeyError otherwise), so a
    form cannot silently leave one out."""
    return input_type(**{name: form[name].data for name in field_names(input_type)})


def form_errors(form: FlaskForm) -> int:
    """422 when a submitted form failed validation, so nothing is committed; else 200."""
    return 422 if form.errors else 200


def show_errors(form: FlaskForm, error: ValidationFailed, fallback: str | None = None) -> None:
    """A service's per-field messages on the form's fields, in the user's language; a
    message naming no field of the form goes onto ``fallback`` (a field name), or the first
    visible field."""
    spare = form._fields.get(fallback) if fallback else _first_visible(form)
    for name, messages in error.fields.items():
        field = form._fields.get(name) or spare
        if field is None:
            raise error  # a form with no visible field: the error page lists the messages
        field.errors = list(field.errors) + [translated(m, _, format_decimal) for m in messages]


def _first_visible(form: FlaskForm) -> Field | None:
    return next((f for f in form if f.type not in ("CSRFTokenField", "HiddenField")), None)
