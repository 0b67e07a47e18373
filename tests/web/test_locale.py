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
