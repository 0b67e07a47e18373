"""Every route of the cases domain, as organisation B with organisation A's ids: 404, and
nothing of A's changes. B's own client with A's case or risk id is just as unknown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import children, risks
from app.cases.inputs import ChildModule, RiskInput
from app.cases.models import Case, CaseAssignment, ChildDetails, NrmEvent, Risk
from tests.cases.conftest import SECRET
from tests.conftest import csrf_from, sign_in

SOON = (date.today() + timedelta(days=10)).isoformat()
TODAY = date.today().isoformat()


@pytest.fixture
def north_minor(world, work, new_client, new_case):
    """North's minor client with a case, a risk with notes and a child module."""
    client_id = new_client(world.north, minor=True)
    case_id = new_case(world.north, client_id, world.worker)
    with work(world.north, world.worker) as (session, ctx):
        risk = risks.add_risk(
            session, ctx, client_id, case_id, RiskInput("retaliation", "high", date.today(), SECRET)
        )
        children.update_child_details(
            session,
            ctx,
            client_id,
            case_id,
            ChildModule(
                guardian=SECRET,
                schooling="enrolled",
                child_protection_service=None,
                child_protection_contact=SECRET,
            ),
        )
    return client_id, case_id, risk.id


def _routes(client_id, case_id, risk_id, user_id):
    case = f"/clients/{client_id}/cases/{case_id}"
    return [
        ("GET", f"/clients/{client_id}/case", {}),
        ("GET", f"/clients/{client_id}/risks", {}),
        (
            "POST",
            f"/clients/{client_id}/cases",
            {"open-opened_on": TODAY, "open-permit_track": "none"},
        ),
        ("POST", f"{case}/close", {"close-closed_on": TODAY, "close-reason": "other"}),
        ("POST", f"{case}/nrm", {"nrm-nrm_state": "withdrawn", "nrm-changed_on": TODAY}),
        ("POST", f"{case}/reflection", {"reflection-reflection_start": TODAY}),
        ("POST", f"{case}/permit", {"permit-permit_track": "other"}),
        ("POST", f"{case}/assignments", {"assign-user_id": str(user_id)}),
        ("POST", f"{case}/assignments/{user_id}/remove", {}),
        (
            "POST",
            f"{case}/child",
            {"child-guardian": "", "child-schooling": "waiting", "child-clear_guardian": "y"},
        ),
        ("POST", f"{case}/child/reveal", {}),
        (
            "POST",
            f"{case}/risks",
            {"risk-kind": "other", "risk-level": "low", "risk-review_on": SOON},
        ),
        ("GET", f"/clients/{client_id}/risks/{risk_id}/review", {}),
        (
            "POST",
            f"/clients/{client_id}/risks/{risk_id}/review",
            {"level": "low", "review_on": SOON},
        ),
        ("POST", f"/clients/{client_id}/risks/{risk_id}/close", {}),
        ("POST", f"/clients/{client_id}/risks/{risk_id}/reveal", {}),
    ]


def _snapshot(work, org):
    with work(org) as (session, _ctx):
        return (
            [
                (c.closed_on, c.nrm_state, c.permit_track, c.reflection_start)
                for c in session.scalars(select(Case))
            ],
            sorted(str(a.user_id) for a in session.scalars(select(CaseAssignment))),
            session.scalars(select(NrmEvent.id)).all(),
            [(r.level, r.review_on, r.closed_at) for r in session.scalars(select(Risk))],
            [(d.schooling, d.sealed_guardian) for d in session.scalars(select(ChildDetails))],
            session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all(),
        )


@pytest.mark.parametrize("whose_client", ["theirs", "own"])
def test_other_organisations_ids_are_not_found_on_every_route(
    client, world, work, new_client, north_minor, whose_client
):
    north_client, north_case, north_risk = north_minor
    south_client = new_client(world.south, minor=True)
    sign_in(client, world.stranger_supervisor)
    token = csrf_from(client, "/account")
    before_north, before_south = _snapshot(work, world.north), _snapshot(work, world.south)
    target = north_client if whose_client == "theirs" else south_client
    routes = _routes(target, north_case, north_risk, world.worker.user.id)
    if whose_client == "own":
        routes = [r for r in routes if str(north_case) in r[1] or str(north_risk) in r[1]]
    assert len(routes) >= 12
    for method, url, data in routes:
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 404, (method, url, response.status_code)
        assert SECRET not in response.get_data(as_text=True)
    assert _snapshot(work, world.north) == before_north
    assert _snapshot(work, world.south) == before_south


def test_reviews_due_shows_only_the_own_organisation(client, world, north_minor):
    sign_in(client, world.stranger)
    html = client.get("/risks/due").get_data(as_text=True)
    assert "No risk review is due." in html and str(north_minor[0]) not in html
