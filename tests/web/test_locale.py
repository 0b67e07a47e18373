"""Which language a signed-in person reads: their own choice, else their organisation's
default, else the browser's; switching organisation switches the default."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.conftest import Factory, csrf_from, sign_in


def _lang(client: FlaskClient) -> str:
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    match = re.search(r'<html lang="([a-z]+)"', page)
    assert match, page[:200]
    return match.group(1)


def test_the_organisations_default_locale_applies_until_the_person_chooses(
    client: FlaskClient, factory: Factory
) -> None:
    french = factory.organisation("refuge", locale="fr")
    russian = factory.organisation("ubezhishche", locale="ru")
    person = factory.person("worker@example.org", {french: {"caseworker"}, russian: {"caseworker"}})
    sign_in(client, person, french)
    assert _lang(client) == "fr"

    token = csrf_from(client, "/")
    switch = {"organisation_id": str(russian.id), "csrf_token": token}
    assert client.post("/organisations/switch", data=switch).status_code == 302
    assert _lang(client) == "ru"

    token = csrf_from(client, "/")
    client.post("/account/language", data={"locale": "en", "csrf_token": token})
    assert _lang(client) == "en"


def test_the_header_names_the_one_organisation_and_switches_between_several(
    app, client: FlaskClient, factory: Factory
) -> None:
    """One organisation: its name (read with the session, no query for the switcher);
    several: the switcher lists them all, the current one selected."""
    from sqlalchemy import event

    north = factory.organisation("north")
    south = factory.organisation("south")
    solo = factory.person("solo@example.org", {north: {"caseworker"}})
    both = factory.person("both@example.org", {north: {"caseworker"}, south: {"caseworker"}})
    statements: list[str] = []
    engine = app.extensions["haven.engine"]

    def log(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    sign_in(client, solo)
    event.listen(engine, "before_cursor_execute", log)
    try:
        page = client.get("/clients").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", log)
    assert '<p class="org-name">North</p>' in page and 'id="org-switch"' not in page
    assert not [s for s in statements if "FROM organisations" in s and "memberships" in s]

    other = app.test_client()
    sign_in(other, both, south)
    page = other.get("/clients").get_data(as_text=True)
    assert 'id="org-switch"' in page and '<p class="org-name">' not in page
    assert f'<option value="{south.id}" selected>South</option>' in page
    assert f'<option value="{north.id}" >North</option>' in page


def _html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, page[:200]
    return match.group(0)


def test_arabic_pages_are_right_to_left_and_the_others_left_to_right(client: FlaskClient) -> None:
    arabic = client.get("/sign-in", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert _html_tag(arabic) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول إلى Haven" in arabic
    for locale in ("en", "fr", "ru", "uk"):
        page = client.get("/sign-in", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert _html_tag(page) == f'<html lang="{locale}" dir="ltr">'


def test_the_header_switches_language_and_returns_to_the_same_page(
    client: FlaskClient, factory: Factory
) -> None:
    """Signed out (the sign-in page) and signed in, the switcher is in the header, a plain
    form that needs no script; the choice is kept for the person and the page stays."""
    page = client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert 'id="ui-language"' in header and 'name="next" value="/sign-in"' in header
    for code, name in (("uk", "Українська"), ("ar", "العربية")):
        assert f'<option value="{code}" lang="{code}"' in header and name in header

    org = factory.organisation("refuge", locale="fr")
    person = factory.person("worker@example.org", {org: {"caseworker"}})
    sign_in(client, person, org)
    assert _lang(client) == "fr"  # the organisation's language until the person picks one
    token = csrf_from(client, "/clients")
    answer = client.post(
        "/account/language", data={"locale": "ar", "next": "/clients", "csrf_token": token}
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/clients"
    page = client.get("/clients").get_data(as_text=True)
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    assert '<option value="ar" lang="ar" dir="rtl" selected>العربية</option>' in page

    other = client.application.test_client()
    sign_in(other, person, org)  # a new session: the choice was kept for the person
    assert _lang(other) == "ar"


def test_the_language_switcher_never_sends_anyone_to_another_site(client: FlaskClient) -> None:
    token = csrf_from(client, "/sign-in")
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = client.post(
            "/account/language", data={"locale": "uk", "next": elsewhere, "csrf_token": token}
        )
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/", elsewhere


def test_an_arabic_organisation_works_right_to_left_until_a_person_picks_another_language(
    client: FlaskClient, factory: Factory
) -> None:
    org = factory.organisation("dar-al-aman", locale="ar")
    person = factory.person("worker@example.org", {org: {"caseworker"}})
    sign_in(client, person, org)
    page = client.get("/clients", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    token = csrf_from(client, "/clients")
    client.post("/account/language", data={"locale": "uk", "csrf_token": token})
    page = client.get("/clients").get_data(as_text=True)
    assert _html_tag(page) == '<html lang="uk" dir="ltr">' and "Клієнти" in page
