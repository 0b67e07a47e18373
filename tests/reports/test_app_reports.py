"""The app's reports over real rows: what the gate releases, per grant and period."""

from __future__ import annotations

from flask import Flask

from app.context import Actor, Role
from app.reports import Shown
from app.reports.service import run_funder_report, run_state_report
from tests.conftest import Factory

from .app_data import START, add_clients, add_grant, in_org


def test_funder_report_keeps_paid_totals_exact_and_protects_breakdowns(
    app: Flask, factory: Factory
) -> None:
    north = factory.organisation("north")
    grant = add_grant(app, north)
    add_clients(app, north, grant, 40)
    admin = Actor(user_id=None, tenant_id=north.id, roles=frozenset({Role.org_admin}))
    with in_org(app, north) as session:
        run = run_funder_report(session, admin, grant, {})
        state = run_state_report(session, admin, {"start": "2026-01-01", "end": "2026-06-30"})
    people = run.released.table("people")
    assert people.cell((None,)).value == 40
    assert people.cell((None,)).shown is Shown.exact
    assert run.request.period.start == START
    assert state.released.table("gender_by_age").cell((None, None)).value == 40
