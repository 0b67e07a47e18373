"""The independent checker over the app's real report outputs, and differencing attacks
through the app: the State report run on rows in the database (SQLite and PostgreSQL),
before and after one client arrives, and over two overlapping periods.

The clients' categories are recounted here from the raw rows, apart from the builders.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.assistance.models import AssistanceRecord
from app.clients.models import RECORD_KEY_MODULUS, Client
from app.context import Actor, Role
from app.regions import region_of
from app.reports import CELL_KEY_MODULUS, ReleasedReport, Shown, published_ptable
from app.reports import dimensions as dims
from app.reports.service import run_funder_report, run_state_report
from app.reports.state import AGE_GROUP
from app.taxonomy import AgeBand, Gender
from app.tenants.models import Organisation
from tests.conftest import Factory

from . import checker
from .app_data import END, START, add_clients, add_grant, in_org
from .population import Client as Person
from .population import TableSpec

#: The State report's people tables, as a reader of it knows them.
NRM_SPECS = (
    TableSpec("exploitation_by_gender", ("exploitation",), ("gender",)),
    TableSpec("gender_by_age", ("gender",), ("age_band",)),
    TableSpec("by_region", ("region",)),
    TableSpec("status_by_body", ("victim_status",), ("identified_by",)),
)
GRETA_SPECS = (
    TableSpec("sex_by_age_group", ("gender",), ("age_group",)),
    TableSpec("exploitation_by_age_group", ("exploitation",), ("age_group",)),
    TableSpec("by_region", ("region",)),
    TableSpec("by_status", ("victim_status",)),
)
DIMENSIONS = {**dims.PERSON_DIMENSIONS, "age_group": AGE_GROUP}
MOLDOVAN_GIRL = {
    "gender": Gender.female,
    "age_band": AgeBand.age_12_17,
    "nationality": "MD",
    "nationality_region": region_of("MD"),
    "forms_of_exploitation": ["sexual"],
}


def people(app: Flask, org: Organisation, start: date, end: date) -> list[Person]:
    """Everyone with a service overlapping the period, recounted from the raw rows."""
    with in_org(app, org) as session:
        served = select(AssistanceRecord.client_id).where(
            AssistanceRecord.started_on <= end,
            func.coalesce(AssistanceRecord.ended_on, AssistanceRecord.started_on) >= start,
        )
        rows = session.scalars(select(Client).where(Client.id.in_(served))).all()
        found = []
        for c in rows:
            forms = c.forms_of_exploitation or []
            attrs = {
                "gender": c.gender.value,
                "age_band": c.age_band.value,
                "age_group": "child"
                if c.age_band.value in ("under_12", "12_17")
                else ("unknown" if c.age_band.value == "unknown" else "adult"),
                "region": c.nationality_region or "unknown",
                "exploitation": "not_recorded"
                if not forms
                else ("multiple" if len(set(forms)) > 1 else forms[0]),
                "victim_status": c.victim_status.value,
                "identified_by": c.identified_by.value if c.identified_by else "not_recorded",
            }
            found.append(Person(c.id.int, c.record_key, attrs))
        return found


def state(
    app: Flask, org: Organisation, start: date, end: date, variant: str = "nrm"
) -> ReleasedReport:
    admin = Actor(user_id=None, tenant_id=org.id, roles=frozenset({Role.org_admin}))
    raw = {"start": start.isoformat(), "end": end.isoformat(), "variant": variant}
    with in_org(app, org) as session:
        return run_state_report(session, admin, raw).released


def audit(
    release: ReleasedReport, specs: tuple[TableSpec, ...], clients: list[Person]
) -> list[str]:
    max_noise = published_ptable().max_noise
    return checker.visible_problems(
        release, specs, clients, max_noise, DIMENSIONS
    ) + checker.interval_problems(release, specs, clients, DIMENSIONS)


def test_record_keys_use_the_cell_key_modulus() -> None:
    assert RECORD_KEY_MODULUS == CELL_KEY_MODULUS


@pytest.mark.parametrize(("variant", "specs"), [("nrm", NRM_SPECS), ("greta", GRETA_SPECS)])
def test_the_state_report_passes_the_checker(
    app: Flask, factory: Factory, variant: str, specs: tuple[TableSpec, ...]
) -> None:
    north = factory.organisation("north")
    add_clients(app, north, None, 120, seed=3)
    add_clients(app, north, None, 1, seed=4, attrs=MOLDOVAN_GIRL)
    release = state(app, north, START, END, variant)
    clients = people(app, north, START, END)
    assert len(clients) == 121
    assert audit(release, specs, clients) == []
    # The grand total is exact; at least one small cell was hidden.
    assert release.table(specs[0].key).cell((None, None)).value == 121
    hidden = [c for t in release.tables for c in t.cells.values() if c.shown is Shown.hidden]
    assert hidden


def test_the_moldovan_minor_arriving_is_not_singled_out_through_the_app(
    app: Flask, factory: Factory
) -> None:
    north = factory.organisation("north")
    add_clients(app, north, None, 50, seed=7)
    before = state(app, north, START, END)
    clients_before = people(app, north, START, END)
    add_clients(app, north, None, 1, seed=8, attrs=MOLDOVAN_GIRL, day=date(2026, 3, 2))
    after = state(app, north, START, END)
    clients_after = people(app, north, START, END)
    assert {c.record_key for c in clients_before} <= {c.record_key for c in clients_after}
    problems = checker.differencing_problems(
        before, after, NRM_SPECS, clients_before, clients_after, DIMENSIONS
    )
    assert problems == []


def test_two_overlapping_periods_do_not_single_out_who_differs(
    app: Flask, factory: Factory
) -> None:
    """January-June against January-July: one client was helped only in July."""
    north = factory.organisation("north")
    add_clients(app, north, None, 60, seed=9)
    add_clients(app, north, None, 1, seed=10, attrs=MOLDOVAN_GIRL, day=date(2026, 7, 15))
    july = date(2026, 7, 31)
    first, second = state(app, north, START, END), state(app, north, START, july)
    problems = checker.differencing_problems(
        first,
        second,
        NRM_SPECS,
        people(app, north, START, END),
        people(app, north, START, july),
        DIMENSIONS,
    )
    assert problems == []


def test_the_same_report_twice_gives_the_same_numbers(app: Flask, factory: Factory) -> None:
    """Averaging many runs learns nothing: the cell-key noise is the same every time."""
    north = factory.organisation("north")
    add_clients(app, north, None, 80, seed=11)
    first, second = state(app, north, START, END), state(app, north, START, END)
    assert first.tables == second.tables


def test_the_funder_reports_people_table_passes_the_checker(app: Flask, factory: Factory) -> None:
    north = factory.organisation("north")
    grant = add_grant(app, north)
    add_clients(app, north, grant, 33, seed=12)
    admin = Actor(user_id=None, tenant_id=north.id, roles=frozenset({Role.org_admin}))
    with in_org(app, north) as session:
        released = run_funder_report(session, admin, grant, {"threshold": "5"}).released
    clients = [Person(i, 0, {"newness": "new"}) for i in range(33)]
    specs = (TableSpec("people", ("newness",), population="people"),)
    found = checker.visible_problems(released, specs, clients, 2, {"newness": dims.NEWNESS})
    assert found == []
    assert released.table("people").cell((None,)).value == 33
    assert released.table("people").cell(("continuing",)).shown is Shown.hidden
