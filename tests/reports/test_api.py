"""The reports' JSON API: each endpoint's shape, the independent checker over what the API
returns, the screens' refusals (and nothing logged for them), who reads which grant, and
the audit event of every run."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.context import Actor, Role
from app.reports import Shown
from app.reports.service import run_funder_report, run_state_report
from app.tenants.models import Organisation
from tests.conftest import Factory

from .app_data import END, START, add_clients, add_grant, in_org, link
from .test_app_checker import GRETA_SPECS, MOLDOVAN_GIRL, NRM_SPECS, audit, people
from .test_network import network, pooled

__all__ = ["network"]

P = "/api/v1/reports"
PERIOD = f"start={START.isoformat()}&end={END.isoformat()}"
STATUSES = {"exact", "protected", "suppressed"}


def make_token(app: Flask, slug: str, role: str) -> str:
    result = app.test_cli_runner().invoke(
        args=["token", "create", "--org", slug, "--name", f"{role} reports", "--role", role]
    )
    assert result.exit_code == 0, result.output
    found = re.search(r"(hvn_[0-9a-f]{32}_\S+)", result.output)
    assert found, result.output
    return found.group(1)


@dataclass
class World:
    app: Flask
    http: FlaskClient
    north: Organisation
    south: Organisation
    grant: uuid.UUID
    south_grant: uuid.UUID

    def get(self, url: str, role: str = "supervisor", slug: str = "north", **headers: str) -> Any:
        token = make_token(self.app, slug, role)
        return self.http.get(url, headers={"Authorization": f"Bearer {token}", **headers})

    def events(self, org: Organisation | None = None, action: str = "report.run") -> list[Any]:
        with in_org(self.app, org or self.north) as session:
            found = session.scalars(select(AuditEvent).where(AuditEvent.action == action))
            return list(found)


@pytest.fixture
def world(app: Flask, client: FlaskClient, factory: Factory) -> World:
    north, south = factory.organisation("north"), factory.organisation("south")
    grant, south_grant = add_grant(app, north, "AMIF-1"), add_grant(app, south, "SOUTH-1")
    add_clients(app, north, grant, 30)
    add_clients(app, south, south_grant, 12, seed=5)
    return World(app, client, north, south, grant, south_grant)


class Cell:
    def __init__(self, value: int | None, shown: Shown) -> None:
        self.value, self.shown = value, shown


class Table:
    def __init__(self, body: dict[str, Any]) -> None:
        back = {"exact": Shown.exact, "protected": Shown.protected, "suppressed": Shown.hidden}
        self.cells = {tuple(c["key"]): Cell(c["value"], back[c["status"]]) for c in body["cells"]}

    def cell(self, key: tuple[str | None, ...]) -> Cell:
        return self.cells[key]


class Derived:
    def __init__(self, body: dict[str, Any]) -> None:
        self.key = body["key"]
        self.value = None if body["value"] is None else Decimal(body["value"])


class FromJson:
    """What the checker reads of a release, rebuilt from the API's JSON alone."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.threshold = body["footer"]["threshold"]
        self.tables = {t["key"]: Table(t) for t in body["tables"]}
        self.derived = [Derived(d) for d in body["derived"]]

    def table(self, key: str) -> Table:
        return self.tables[key]


def well_formed(body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every cell of the document, after checking that each says how it is shown."""
    assert {"kind", "title", "grant", "tables", "derived", "footer"} <= set(body)
    assert body["tables"], body
    for table in body["tables"]:
        assert table["title"] and table["unit"] and table["row_dimensions"]
        width = len(table["row_dimensions"]) + len(table["column_dimensions"])
        for cell in table["cells"]:
            assert cell["status"] in STATUSES and len(cell["key"]) == width, cell
            assert (cell["value"] is None) == (cell["status"] == "suppressed"), cell
            yield cell


def same_as_the_gate(body: dict[str, Any], released: Any) -> None:
    """The API's cells are the gate's, one for one."""
    status = {Shown.exact: "exact", Shown.protected: "protected", Shown.hidden: "suppressed"}
    assert [t["key"] for t in body["tables"]] == [t.key for t in released.tables]
    for table, gated in zip(body["tables"], released.tables, strict=True):
        expected = {k: (c.value, status[c.shown]) for k, c in gated.cells.items()}
        found = {tuple(c["key"]): (c["value"], c["status"]) for c in table["cells"]}
        assert found == expected, table["key"]
    derived = {d["key"]: (d["value"], d["status"]) for d in body["derived"]}
    assert derived == {
        d.key: (None, "suppressed") if d.value is None else (str(d.value), "shown")
        for d in released.derived
    }


def test_a_grants_funder_report_is_what_the_gate_released(world: World) -> None:
    response = world.get(f"{P}/grants/{world.grant}?threshold=5")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    cells = list(well_formed(body))
    assert body["kind"] == "funder" and body["title"] == "Funder report"
    assert body["grant"]["code"] == "AMIF-1" and body["grant"]["budget"] == "50000.00"
    footer = body["footer"]
    assert footer["start"] == START.isoformat() and footer["end"] == END.isoformat()
    assert footer["organisation"] == world.north.name and footer["threshold"] == 5
    assert footer["symbol"] == "[c]" and footer["max_noise"] >= 1 and not footer["pooled"]
    assert any(line.startswith("Period:") for line in footer["lines"])
    assert any("Exact" in line for line in footer["lines"]) and footer["exact_parts"]
    people = next(t for t in body["tables"] if t["key"] == "people")
    total = next(c for c in people["cells"] if c["key"] == [None])
    assert total == {"key": [None], "value": 30, "status": "exact"}
    assert {c["status"] for c in cells} >= {"exact", "suppressed"}
    admin = Actor(user_id=None, tenant_id=world.north.id, roles=frozenset({Role.org_admin}))
    with in_org(world.app, world.north) as session:
        released = run_funder_report(session, admin, world.grant, {"threshold": "5"}).released
    same_as_the_gate(body, released)
    # No client code, no plaintext: only codes of categories and numbers.
    assert "T1-" not in response.get_data(as_text=True)


def test_the_grants_a_token_may_report_on(world: World) -> None:
    listed = world.get(f"{P}/grants", "org_admin").get_json()
    assert [g["code"] for g in listed] == ["AMIF-1"]


@pytest.mark.parametrize(("variant", "first"), [("nrm", "exploitation_by_gender"),
                                                 ("greta", "sex_by_age_group"),
                                                 ("evaluation", None)])  # fmt: skip
def test_each_organisation_report(world: World, variant: str, first: str | None) -> None:
    response = world.get(f"{P}/organisation?{PERIOD}&variant={variant}")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    list(well_formed(body))
    assert body["kind"] == variant and body["grant"] is None
    if first:
        assert body["tables"][0]["key"] == first
    admin = Actor(user_id=None, tenant_id=world.north.id, roles=frozenset({Role.org_admin}))
    raw = {"start": START.isoformat(), "end": END.isoformat(), "variant": variant}
    with in_org(world.app, world.north) as session:
        same_as_the_gate(body, run_state_report(session, admin, raw).released)


def test_a_crossed_state_report(world: World) -> None:
    response = world.get(f"{P}/organisation?{PERIOD}&cross=gender,age_band")
    assert response.status_code == 200
    assert any(
        t["row_dimensions"] + t["column_dimensions"] == ["gender", "age_band"]
        for t in response.get_json()["tables"]
    )


@pytest.mark.parametrize(("variant", "specs"), [("nrm", NRM_SPECS), ("greta", GRETA_SPECS)])
def test_the_checker_passes_over_the_apis_output(
    app: Flask, client: FlaskClient, factory: Factory, variant: str, specs: Any
) -> None:
    north = factory.organisation("north")
    add_clients(app, north, None, 120, seed=3)
    add_clients(app, north, None, 1, seed=4, attrs=MOLDOVAN_GIRL)
    token = make_token(app, "north", "supervisor")
    response = client.get(
        f"{P}/organisation?{PERIOD}&variant={variant}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    release = FromJson(response.get_json())
    assert audit(release, specs, people(app, north, START, END)) == []  # type: ignore[arg-type]
    assert release.table(specs[0].key).cell((None, None)).value == 121
    assert any(c.shown is Shown.hidden for t in release.tables.values() for c in t.cells.values())


def test_every_api_run_is_audited(world: World) -> None:
    assert world.get(f"{P}/grants/{world.grant}").status_code == 200
    assert world.get(f"{P}/organisation?{PERIOD}&variant=greta").status_code == 200
    found = world.events()
    assert sorted(e.details["kind"] for e in found) == ["funder", "greta"]
    assert all(e.api_token_id is not None and e.actor_id is None for e in found)
    assert {e.target_id for e in found} == {str(world.grant), "greta"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("start=2026-06-01&end=2026-01-01", "end", "The end date is before the start date."),
        ("start=2020-01-01&end=2025-06-30", "end", "A report covers at most 5 years."),
        ("threshold=2", "threshold", "The threshold must be at least 5"),
        ("threshold=ten", "threshold", "Enter a whole number."),
        ("cross=gender,shoe_size", "cross", "Unknown breakdown"),
        ("variant=census", "variant", "Choose a value from the list."),
        ("colour=red", "colour", "Unknown field."),
    ],
)
def test_bad_input_is_refused_in_words_and_nothing_is_logged(
    world: World, query: str, field: str, message: str
) -> None:
    period = "" if "start=" in query else f"{PERIOD}&"
    urls = [f"{P}/organisation?{period}{query}"]
    if field not in {"cross", "variant"}:  # a funder report has neither
        urls.append(f"{P}/grants/{world.grant}?{query}")
    for url in urls:
        response = world.get(url)
        assert response.status_code == 422, url
        body = response.get_json()
        assert any(message in m for m in body["fields"][field]), body
    assert world.events() == []


def test_an_organisation_report_needs_a_period(world: World) -> None:
    response = world.get(f"{P}/organisation")
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"start", "end"}
    assert world.events() == []


def test_a_refusal_is_in_the_callers_language(world: World) -> None:
    response = world.get(f"{P}/grants/{world.grant}?threshold=2", **{"Accept-Language": "fr"})
    assert response.status_code == 422
    (message,) = response.get_json()["fields"]["threshold"]
    assert message.startswith("Le seuil doit être d’au moins 5"), message


@pytest.mark.parametrize("role", ["supervisor", "org_admin", "funder"])
def test_another_organisations_grant_is_not_found(world: World, role: str) -> None:
    response = world.get(f"{P}/grants/{world.grant}", role, slug="south")
    missing = world.get(f"{P}/grants/{uuid.uuid4()}", role, slug="south")
    assert response.status_code == missing.status_code == 404
    assert response.get_json() == missing.get_json()
    assert world.events() == [] and world.events(world.south) == []


def test_a_funder_token_reads_no_grant_not_even_a_linked_one(
    world: World, factory: Factory
) -> None:
    """A token stands for a role, not a person: it cannot be linked to a grant, so a funder
    token sees nothing (rather than every grant of the organisation)."""
    funder = factory.person("funder@amif.example", {world.north: {Role.funder}})
    link(world.app, world.north, world.grant, funder.user.id)
    assert world.get(f"{P}/grants", "funder").get_json() == []
    assert world.get(f"{P}/grants/{world.grant}", "funder").status_code == 404
    assert world.events() == []


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("funder", "/organisation?" + PERIOD),
        ("funder", "/network?" + PERIOD),
        ("caseworker", "/grants"),
        ("caseworker", "/grants/{g}"),
        ("caseworker", "/organisation?" + PERIOD),
        ("auditor", "/grants/{g}"),
    ],
)
def test_roles_without_the_screens_permission_are_refused(
    world: World, role: str, url: str
) -> None:
    assert world.get(P + url.format(g=world.grant), role).status_code == 403
    assert world.events() == []


def test_no_token_no_report(world: World) -> None:
    assert world.http.get(f"{P}/grants/{world.grant}").status_code == 401
    assert world.http.get(f"{P}/organisation?{PERIOD}").status_code == 401


def test_a_network_report_is_for_a_network(world: World) -> None:
    response = world.get(f"{P}/network?{PERIOD}")
    assert response.status_code == 403
    assert "network" in response.get_json()["message"]
    assert world.events() == []


def test_a_networks_token_reads_the_pooled_report(
    app: Flask, client: FlaskClient, network: Any
) -> None:
    coalition, north, south = network
    token = make_token(app, coalition.slug, "supervisor")
    response = client.get(
        f"{P}/network?{PERIOD}&threshold=5", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    list(well_formed(body))
    assert body["kind"] == "network" and body["footer"]["pooled"]
    served = next(t for t in body["tables"] if t["key"] == "served_by")
    assert next(c for c in served["cells"] if c["key"] == [None])["value"] == 32
    same_as_the_gate(body, pooled(app, coalition))
    assert "Shared" not in response.get_data(as_text=True)
