"""Auditors and funders reach no route that shows client content, over every route of the
URL map, in the browser and through the API.

A client is registered with sealed identity (the canaries) and an open case, has a
consent and has had a field revealed; then each role requests every route with every
method it allows, with the real client's id and a valid CSRF token or API token. A route
about one client (``client_id`` in its URL) must refuse; no answer to any route may hold
the canaries. New routes are covered without touching this test.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.models import Role
from app.auth.tokens import create_api_token
from app.cases.inputs import CaseOpening
from app.cases.service import open_case
from app.context import Actor
from tests.auditor.conftest import SECRET_NAME, SECRET_PHONE
from tests.conftest import csrf_from, sign_in

#: Routes that would end the test's own session rather than show anything.
SKIPPED = {"static", "auth.sign_out", "auth.sign_out_everywhere", "auth.switch_organisation"}
REFUSED = {401, 403, 404, 405}
NEEDLES = (SECRET_NAME, SECRET_PHONE, "Zoryana", "Secretovna", "Met at the farm")


def _requests(app: Flask, ids: dict[str, uuid.UUID]):
    """(endpoint, method, url, is about one client) for every rule and method."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED:
            continue
        values = {name: ids.get(name, uuid.uuid4()) for name in rule.arguments}
        with app.test_request_context():
            url = app.url_for(rule.endpoint, **values)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, "client_id" in rule.arguments


def _leaks(body: str) -> list[str]:
    return [needle for needle in NEEDLES if needle in body]


@pytest.fixture
def scene(world, people, overseers, new_client, give, work):
    client_id = new_client(world.north)
    give(world.north, client_id)
    with work(world.north, people.north_cw) as (session, ctx):
        case = open_case(session, ctx, client_id, CaseOpening(opened_on=date(2026, 1, 5)))
    tokens = {}
    with work(world.north) as (session, _ctx):
        for role in (Role.auditor, Role.funder):
            raw, _token = create_api_token(session, Actor.system(world.north.id), role.value, role)
            tokens[role.value] = raw
    ids = {
        "client_id": client_id,
        "case_id": case.id,
        "organisation_id": world.north.id,
        "user_id": people.north_cw.user.id,
    }
    return ids, tokens


@pytest.mark.parametrize("who", ["auditor", "funder"])
def test_auditor_and_funder_reach_no_client_content_in_the_browser(
    app: Flask, client: FlaskClient, world, overseers, scene, who
):
    ids, _ = scene
    sign_in(client, getattr(overseers, who), world.north)
    token = csrf_from(client, "/account")
    reached = []
    for endpoint, method, url, about_a_client in _requests(app, ids):
        data = {"csrf_token": token, "field": "name"} if method != "GET" else None
        response = client.open(url, method=method, data=data)
        body = response.get_data().decode("utf-8", "replace")
        assert _leaks(body) == [], f"{method} {url} ({endpoint}) shows client content"
        if about_a_client and not endpoint.startswith("api_"):
            assert response.status_code in REFUSED, f"{method} {url} ({endpoint})"
        reached.append(endpoint)
    assert "clients.overview" in reached and "auditor.consents" in reached


@pytest.mark.parametrize("who", ["auditor", "funder"])
def test_auditor_and_funder_tokens_reach_no_client_content_in_the_api(
    app: Flask, client: FlaskClient, scene, who
):
    ids, tokens = scene
    headers = {"Authorization": f"Bearer {tokens[who]}"}
    for endpoint, method, url, about_a_client in _requests(app, ids):
        if not url.startswith("/api/"):
            continue
        json = {"field": "name"} if method != "GET" else None
        response = client.open(url, method=method, json=json, headers=headers)
        body = response.get_data().decode("utf-8", "replace")
        assert _leaks(body) == [], f"{method} {url} ({endpoint}) shows client content"
        if about_a_client:
            assert response.status_code in REFUSED, f"{method} {url} ({endpoint})"


def test_the_canaries_do_show_to_a_caseworker(app, client, world, people, scene):
    """Positive control: the same requests as a caseworker reveal the name."""
    ids, _ = scene
    sign_in(client, people.north_cw, world.north)
    token = csrf_from(client, "/account")
    url = f"/clients/{ids['client_id']}/reveal"
    body = client.post(url, data={"csrf_token": token, "field": "name"}).get_data(as_text=True)
    assert _leaks(body)
