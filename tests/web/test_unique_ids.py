"""Every page each role can open has unique element ids (a duplicate id breaks the
label of a field and the target of an error link).

The pages are found by following every link from the home page, as each role, in an
organisation filled by the demo seed; the walk must reach every GET route of the app
(``app.url_map``), so a new screen is checked without anyone listing it here.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select

from app.assistance.grants import create_grant, create_subtype
from app.assistance.inputs import GrantInput, SubtypeInput
from app.auth.models import Role
from app.clients.models import Client
from app.context import Actor
from app.db import bind_actor, unit_of_work
from app.demo import seed_casework
from app.disclosure.inputs import DisclosureInput
from app.disclosure.service import ask_for_disclosure
from app.keys.service import attach_keyring
from tests.conftest import Factory, sign_in

#: Routes no link leads to on purpose: the sign-in steps, files, the health probe, the
#: public key (its address is printed for auditors to copy) and the bundle (a date form).
NOT_LINKED = {
    "static",
    "health.health",
    "auditor.public_key",
    "auditor.bundle",
    # Network reports exist only in a network's member organisations, and the State
    # report's downloads follow its period form (both walked in tests/reports).
    "reports.network_report",
    "reports.network_export",
    "reports.organisation_export",
    "auth.sign_in",
    "auth.second_factor",
    "auth.enrol",
    "auth.choose_organisation",
}
MAX_PAGES = 400


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")


def _walk(client, start: str = "/") -> dict[str, list[str]]:
    """Every same-site page reachable by links: path → duplicate ids on it."""
    seen: dict[str, list[str]] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = []
        if response.status_code in (301, 302, 303) and response.location.startswith("/"):
            queue.append(response.location)  # a funder's home is their reports
            continue
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = _Page()
        page.feed(response.get_data(as_text=True))
        seen[path] = sorted(i for i, n in Counter(page.ids).items() if n > 1)
        for href in page.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or parts.path.startswith(("/static", "/api")):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen:
                queue.append(target)
    return seen


def _endpoint(app: Flask, path: str) -> str | None:
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(urlsplit(path).path, method="GET")
    except Exception:  # noqa: BLE001 - a link to a POST-only or missing route
        return None
    return endpoint


@pytest.fixture
def people(app: Flask, factory: Factory):
    org = factory.organisation("north")
    worker = factory.person("cw@north.org", {org: {Role.caseworker}})
    people = {
        "caseworker": worker,
        "supervisor": factory.person("sup@north.org", {org: {Role.supervisor}}),
        "admin": factory.person("admin@north.org", {org: {Role.org_admin}}),
        "auditor": factory.person("aud@north.org", {org: {Role.auditor}}),
        "funder": factory.person("fund@north.org", {org: {Role.funder}}),
        "platform": factory.person("root@example.org", {}, platform_admin=True),
    }
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        attach_keyring(session, app.extensions["haven.master"])
        bind_actor(session, org.id, worker.user.id)
        seed_casework(session, Actor(worker.user.id, org.id, frozenset({Role.caseworker})), "EUR")
        admin = Actor(people["admin"].user.id, org.id, frozenset({Role.org_admin}))
        create_grant(
            session,
            admin,
            GrantInput(
                "G-1", "Shelter", "Fund", date(2025, 1, 1), date(2025, 12, 31), Decimal(1000), "EUR"
            ),
        )
        create_subtype(session, admin, SubtypeInput("accommodation", "Emergency bed"))
    # A disclosure request and an emergency opening, so that their pages are walked too.
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        attach_keyring(session, app.extensions["haven.master"])
        bind_actor(session, org.id, worker.user.id)
        ctx = Actor(worker.user.id, org.id, frozenset({Role.caseworker}))
        client_id = session.scalars(select(Client.id)).first()
        assert client_id is not None
        ask_for_disclosure(
            session,
            ctx,
            client_id,
            # The client's own copy (right of access): waits for a supervisor.
            DisclosureInput(
                "client",
                "The client",
                "own_copy",
                "statutory_duty",
                ("case_facts",),
                legal_reference="GDPR art. 15",
            ),
        )
    return people


def test_no_page_has_a_duplicate_id_and_every_get_route_is_reached(app, client, people):
    reached: set[str] = set()
    duplicates: dict[str, list[str]] = {}
    for role, person in people.items():
        with app.test_client() as browser:
            sign_in(browser, person)
            for path, ids in _walk(browser).items():
                endpoint = _endpoint(app, path)
                if endpoint:
                    reached.add(endpoint)
                if ids:
                    duplicates[f"{role} {path}"] = ids
    summary = sorted(
        {(_endpoint(app, k.split(" ", 1)[1]), tuple(v)) for k, v in duplicates.items()}
    )
    assert not summary, "\n".join(map(str, summary))
    routes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ()) and not rule.rule.startswith("/api")
    }
    missing = sorted(routes - reached - NOT_LINKED)
    assert not missing, missing
