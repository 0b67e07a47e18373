"""The one form handler's helpers: a typed input from a form, and a submission the service
refuses (messages on their fields, or on the fallback), accepts, or that never came."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField

from app.errors import ValidationFailed
from app.web.forms import form_errors, form_input, handle_form, submit


@dataclass(frozen=True)
class Named:
    name: str | None = None


@dataclass(frozen=True)
class NamedAndAged(Named):
    age: str | None = None


class NameForm(FlaskForm):  # type: ignore[misc]
    class Meta:
        csrf = False  # the app's CSRF protection is tested with the real forms

    name = StringField()
    colour = StringField()


def _refuse(fields: dict[str, list[str]]) -> None:
    raise ValidationFailed(fields)


def _post(app: Flask, data: dict[str, str]):  # noqa: ANN202 - a request context
    return app.test_request_context(method="POST", data=data)


def test_form_input_takes_the_inputs_fields_and_needs_them_all(app: Flask) -> None:
    with _post(app, {"name": "Ana", "colour": "red"}):
        assert form_input(NameForm(), Named) == Named("Ana")
        with pytest.raises(KeyError):
            form_input(NameForm(), NamedAndAged)


def test_refused_messages_land_on_their_field_or_the_fallback(app: Flask) -> None:
    with _post(app, {"name": "Ana"}):
        form = NameForm()
        refused = {"name": ["Too short."], "email": ["Taken."]}
        assert submit(form, lambda: _refuse(refused), fallback="colour") is None
        assert (form.name.errors, form.colour.errors) == (["Too short."], ["Taken."])
        assert form_errors(form) == 422


def test_an_accepted_submission_gives_the_result_even_none(app: Flask) -> None:
    with _post(app, {"name": "Ana"}):
        accepted = submit(NameForm(), lambda: None)
        assert accepted is not None and accepted.value is None
        response = handle_form(NameForm(), lambda: 7, page=str, then=lambda n: f"/done/{n}")
        assert response.status_code == 302 and response.location == "/done/7"


def test_nothing_submitted_shows_the_page(app: Flask) -> None:
    with app.test_request_context(method="GET"):
        shown = handle_form(NameForm(), lambda: 7, page=lambda form: "page", then="/x")
        assert shown == ("page", 200)
