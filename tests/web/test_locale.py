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
