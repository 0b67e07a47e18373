"""The one form handler (app.web.forms), tested once here for every screen that uses it:
a refused form, whether the form's own checks or the service refused it, answers 422 and
nothing the request wrote is committed; a service message naming no field of the form
lands on a fallback field instead of being lost; success flashes and redirects.

The screens here are a test blueprint on an app of their own (``create_app(settings)``,
the same database as the suite's), whose action writes a real row before it may fail.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from flask import Blueprint, Flask, render_template_string
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from app import create_app
from app.errors import ValidationFailed
from app.settings import Settings
from app.tenants.models import Organisation, OrganisationKind
from app.validation import too_long
from app.web import forms
from app.web.forms import form_errors, handle_form
from app.web.request import db
from tests.conftest import csrf_from

PAGE = """<form method="post">{{ form.csrf_token }}
{% for field in form if field.type != "CSRFTokenField" %}
<p id="{{ field.name }}">{{ field.errors | join(" | ") }}</p>{% endfor %}</form>
{% if results %}<ul>{% for r in results %}<li>{{ r }}</li>{% endfor %}</ul>{% endif %}"""


class OrganisationForm(FlaskForm):  # type: ignore[misc]
    kept = HiddenField()
    slug = StringField("Slug", validators=[DataRequired()])
    name = StringField("Name")


def _create(form: OrganisationForm, refusal: dict[str, list[str]] | None) -> Organisation:
    """Writes an organisation, then refuses when told to: the write must not be kept."""
    slug = form.slug.data
    org = Organisation(name=form.name.data or slug, slug=slug, kind=OrganisationKind.shelter)
    org.country, org.default_locale = "FR", "en"
    db().add(org)
    db().flush()
    if refusal is not None:
        raise ValidationFailed(refusal)
    return org


REFUSALS: dict[str, dict[str, list[str]] | None] = {
    "accept": None,
    "refuse": {"slug": ["This slug is taken."], "elsewhere": ["A rule about no field here."]},
    "long": {"name": [too_long(5)]},
}
#: The outcome that names a fallback field for messages that name no field of the form.
FALLBACKS = {"fallback": "name"}
REFUSALS["fallback"] = REFUSALS["refuse"]
test_bp = Blueprint("form_test", __name__)


@test_bp.route("/form-test/<outcome>", methods=["GET", "POST"])
def submit(outcome: str) -> object:
    form = OrganisationForm()
    return handle_form(
        form,
        lambda: _create(form, REFUSALS[outcome]),
        page=lambda f: render_template_string(PAGE, form=f),
        then=lambda org: f"/form-test/done/{org.slug}",
        done=lambda org: f"Organisation {org.slug} created.",
        fallback=FALLBACKS.get(outcome),
    )


@test_bp.route("/form-test/search/<outcome>", methods=["POST"])
def search(outcome: str) -> object:
    """A view that shows its action's result in its own answer (submit)."""
    form = OrganisationForm()
    found = forms.submit(form, lambda: [_create(form, REFUSALS[outcome]).slug])
    results = found.value if found else None
    return render_template_string(PAGE, form=form, results=results), form_errors(form)


@pytest.fixture(scope="module")
def form_app(app: Flask, settings: Settings) -> Flask:
    """Another app on the suite's database (``app`` has migrated it), with the test
    blueprint registered before its first request."""
    tiny = create_app(settings)
    tiny.register_blueprint(test_bp)
    return tiny


@pytest.fixture
def browser(form_app: Flask, app: Flask) -> Iterator[FlaskClient]:
    yield form_app.test_client()


def _organisations(form_app: Flask) -> int:
    with form_app.extensions["haven.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(Organisation)) or 0


def _post(browser: FlaskClient, url: str, **data: str) -> tuple[int, str]:
    token = csrf_from(browser, "/form-test/accept")
    response = browser.post(url, data={"csrf_token": token, **data})
    return response.status_code, response.get_data(as_text=True)


def test_an_untouched_form_is_200_and_runs_nothing(browser, form_app):
    response = browser.get("/form-test/accept")
    assert response.status_code == 200 and 'name="csrf_token"' in response.get_data(as_text=True)
    assert _organisations(form_app) == 0


def test_a_form_its_own_checks_refuse_is_422_and_the_service_is_not_called(browser, form_app):
    status, html = _post(browser, "/form-test/accept", slug="", name="No slug")
    assert status == 422
    assert '<p id="slug">This field is required.</p>' in html
    assert _organisations(form_app) == 0


def test_a_refusal_of_the_service_is_422_and_its_writes_are_not_kept(browser, form_app):
    slug = f"refused-{uuid.uuid4().hex[:8]}"
    status, html = _post(browser, "/form-test/refuse", slug=slug, name="Refused")
    assert status == 422
    assert "This slug is taken." in html
    assert _organisations(form_app) == 0  # flushed inside the request, rolled back after it


def test_a_message_naming_no_field_goes_onto_the_fallback_field(browser):
    # Without a named fallback: the first visible field (the hidden one is skipped).
    _status, html = _post(browser, "/form-test/refuse", slug="first-visible")
    assert '<p id="slug">This slug is taken. | A rule about no field here.</p>' in html
    assert '<p id="kept"></p>' in html and '<p id="name"></p>' in html
    # With one: there.
    _status, html = _post(browser, "/form-test/fallback", slug="to-the-fallback")
    assert '<p id="slug">This slug is taken.</p>' in html
    assert '<p id="name">A rule about no field here.</p>' in html


def test_messages_with_values_are_filled_in(browser):
    _status, html = _post(browser, "/form-test/long", slug="long-name", name="A long name")
    assert '<p id="name">At most 5 characters.</p>' in html


def test_success_flashes_commits_and_redirects(browser, form_app):
    slug = f"accepted-{uuid.uuid4().hex[:8]}"
    token = csrf_from(browser, "/form-test/accept")
    response = browser.post("/form-test/accept", data={"csrf_token": token, "slug": slug})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/form-test/done/{slug}"
    with browser.session_transaction() as session:
        assert session["_flashes"] == [("message", f"Organisation {slug} created.")]
    assert _organisations(form_app) == 1


def test_submit_gives_the_result_or_the_messages(browser, form_app):
    status, html = _post(browser, "/form-test/search/accept", slug="shown-here")
    assert status == 200 and "<li>shown-here</li>" in html
    status, html = _post(browser, "/form-test/search/refuse", slug="not-shown")
    assert status == 422 and "This slug is taken." in html and "<li>" not in html
    assert _organisations(form_app) == 1
