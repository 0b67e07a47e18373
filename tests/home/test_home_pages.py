"""Each role's home page lists what that role can act on, and nothing of another
organisation; "record a service" finds a client by code without putting it in a URL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.assistance.inputs import ServiceInput
from app.assistance.service import record_service
from app.cases.inputs import RiskInput
from app.cases.risks import add_risk, earliest_day
from app.clients.models import Client
from tests.cases.conftest import SECRET
from tests.conftest import csrf_from, sign_in


def _code(work, org, client_id):
    with work(org) as (session, _ctx):
        return session.get(Client, (org.id, client_id)).code


def test_caseworker_sees_own_cases_with_last_service_and_due_reviews(
    client, world, work, new_client, new_case
):
    mine = new_client(world.north)
    case_id = new_case(world.north, mine, world.worker)
    theirs = new_client(world.north)
    new_case(world.north, theirs, world.colleague)
    with work(world.north, world.worker) as (session, ctx):
        record_service(
            session,
            ctx,
            mine,
            ServiceInput(
                category="counselling",
                started_on=date(2025, 3, 4),
                quantity=Decimal(1),
                language="ro",
                interpreter_used=False,
            ),
        )
        add_risk(
            session,
            ctx,
            mine,
            case_id,
            RiskInput(kind="retaliation", level="high", review_on=earliest_day()),
        )
    sign_in(client, world.worker)
    page = client.get("/").get_data(as_text=True)
    assert _code(work, world.north, mine) in page
    assert "2025-03-04" in page
    due = page.split('id="h-due"')[1].split("</section>")[0]
    assert _code(work, world.north, mine) in due
    assert _code(work, world.north, theirs) not in page  # a colleague's case is not "mine"
    assert SECRET not in page
    assert "Invitations not yet taken up" not in page  # the admin's panel is not offered


def test_supervisor_sees_unassigned_cases_and_team(client, world, work, new_client, new_case):
    assigned = new_client(world.north)
    new_case(world.north, assigned, world.worker)
    orphan = new_client(world.north)
    new_case(world.north, orphan)  # opened by an anonymous caseworker with no membership
    elsewhere = new_client(world.south)
    new_case(world.south, elsewhere, world.stranger)
    sign_in(client, world.supervisor)
    page = client.get("/").get_data(as_text=True)
    assert "Open cases nobody is assigned to" in page
    team = page.split('id="h-team"')[1]
    assert _code(work, world.north, assigned) in team and "Cw" in team
    unassigned = page.split('id="h-unassigned"')[1].split("</section>")[0]
    assert _code(work, world.north, orphan) in unassigned
    assert _code(work, world.south, elsewhere) not in page


def test_admin_sees_members_pending_invitations_and_keys(client, world, new_client):
    new_client(world.north)
    sign_in(client, world.admin)
    token = csrf_from(client, "/admin/members/invite")
    client.post(
        "/admin/members/invite",
        data={
            "email": "new@north.org",
            "display_name": "Newcomer",
            "roles": "caseworker",
            "csrf_token": token,
        },
    )
    page = client.get("/").get_data(as_text=True)
    pending = page.split('id="h-admin"')[1].split("</section>")[0]
    assert "Newcomer" in pending and "Admin" not in pending.split("Invitations")[1]
    keys = page.split('id="h-keys"')[1].split("</section>")[0]
    assert "in use" in keys
    assert "My cases" not in page  # an admin does no casework here
    assert "Record a service" not in page


def test_record_a_service_by_code(client, world, work, new_client):
    client_id = new_client(world.north)
    code = _code(work, world.north, client_id)
    sign_in(client, world.worker)
    token = csrf_from(client, "/")
    typed = code.lower().replace("-", " ")
    response = client.post("/record-service", data={"code": typed, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{client_id}/services")
    assert code not in response.headers["Location"]
    missing = client.post("/record-service", data={"code": "ZZ-NONE-00", "csrf_token": token})
    assert missing.status_code == 422
    assert "No client has this code." in missing.get_data(as_text=True)


def test_record_a_service_never_finds_another_organisations_client(client, world, work, new_client):
    foreign = new_client(world.south)
    code = _code(work, world.south, foreign)
    sign_in(client, world.worker)
    token = csrf_from(client, "/")
    response = client.post("/record-service", data={"code": code, "csrf_token": token})
    assert response.status_code == 422
    assert str(foreign) not in response.get_data(as_text=True)


def test_record_a_service_is_refused_to_roles_without_casework(client, world):
    sign_in(client, world.admin)
    token = csrf_from(client, "/")
    response = client.post("/record-service", data={"code": "K7-MORA-42", "csrf_token": token})
    assert response.status_code == 403
