"""The risks tab: adding, reviewing, closing, revealing notes (POST, audited), the overdue
flag and the organisation's reviews-due list."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.cases import risks
from app.cases.inputs import RiskInput
from app.cases.models import Risk
from app.clients.models import Client
from tests.cases.conftest import SECRET, count
from tests.conftest import csrf_from, sign_in

SOON = (date.today() + timedelta(days=10)).isoformat()


def _post(client, client_id, path, **data):
    token = csrf_from(client, f"/clients/{client_id}/risks")
    return client.post(f"/clients/{client_id}/{path}", data={"csrf_token": token, **data})


def _risk(**values):
    return {
        "risk-kind": "re_trafficking",
        "risk-level": "medium",
        "risk-review_on": SOON,
        "risk-notes": SECRET,
        **values,
    }


def test_caseworker_adds_a_risk_and_reveals_its_notes(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/risks"
    html = client.get(url).get_data(as_text=True)
    assert "No risk recorded yet." in html and '<label for="risk-review_on">' in html
    response = _post(client, client_id, f"cases/{case_id}/risks", **_risk())
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    html = client.get(url).get_data(as_text=True)
    assert "Re-trafficking" in html and "Medium" in html and SOON in html
    assert SECRET not in html and "Reveal notes" in html and "Overdue" not in html
    with work(world.north) as (session, _ctx):
        risk_id = session.scalar(select(Risk.id))
    assert client.get(f"{url}/{risk_id}/reveal").status_code == 405
    revealed = _post(client, client_id, f"risks/{risk_id}/reveal")
    assert revealed.status_code == 200
    assert SECRET in revealed.get_data(as_text=True)
    with work(world.north) as (session, _ctx):
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "case.revealed"))
    assert event.target_id == str(risk_id) and event.actor_id == world.worker.user.id


def test_bad_risk_gets_422_with_field_messages_and_stores_nothing(
    client, world, work, new_client, new_case
):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    sign_in(client, world.worker)
    path = f"cases/{case_id}/risks"
    past = (date.today() - timedelta(days=3)).isoformat()
    for values, message in [
        ({"risk-review_on": past}, "The next review cannot be in the past."),
        ({"risk-review_on": ""}, "This field is required."),
        ({"risk-notes": "n" * 10_001}, "At most 10,000 characters."),
        ({"risk-kind": "gossip"}, "Not a valid choice"),
    ]:
        response = _post(client, client_id, path, **_risk(**values))
        assert response.status_code == 422, values
        html = response.get_data(as_text=True)
        assert message in html
    assert count(work, world.north, Risk) == 0


def test_review_and_close_from_the_tab(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    with work(world.north) as (session, ctx):
        risk = risks.add_risk(
            session,
            ctx,
            client_id,
            case_id,
            RiskInput("self_harm", "high", date.today() + timedelta(days=1)),
        )
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/risks/{risk.id}/review"
    page = client.get(url)
    assert page.status_code == 200 and '<label for="review_on">' in page.get_data(as_text=True)
    token = csrf_from(client, url)
    bad = client.post(url, data={"csrf_token": token, "level": "low", "review_on": "2001-01-01"})
    assert bad.status_code == 422
    assert "The next review cannot be in the past." in bad.get_data(as_text=True)
    ok = client.post(url, data={"csrf_token": token, "level": "low", "review_on": SOON})
    assert ok.status_code == 302
    closed = _post(client, client_id, f"risks/{risk.id}/close")
    assert closed.status_code == 302
    html = client.get(f"/clients/{client_id}/risks").get_data(as_text=True)
    assert "(closed)" in html and "Low" in html
    assert _post(client, client_id, f"risks/{risk.id}/close").status_code == 409
    assert client.get(url).status_code == 200  # the page shows; the POST is refused
    again = client.post(url, data={"csrf_token": token, "level": "high", "review_on": SOON})
    assert again.status_code == 409


def test_overdue_reviews_are_flagged_and_listed(client, world, work, new_client, new_case):
    client_id = new_client(world.north)
    case_id = new_case(world.north, client_id, world.worker)
    with work(world.north) as (session, ctx):
        risk = risks.add_risk(
            session, ctx, client_id, case_id, RiskInput("retaliation", "high", date.today())
        )
        risk.review_on = date.today() - timedelta(days=2)  # time passed
        code = session.scalar(select(Client.code))
    sign_in(client, world.worker)
    html = client.get(f"/clients/{client_id}/risks").get_data(as_text=True)
    assert "Overdue" in html
    due = client.get("/risks/due").get_data(as_text=True)
    assert "Retaliation" in due and "Overdue" in due
    assert code in due and f"/clients/{client_id}/risks" in due and SECRET not in due


def test_risks_are_added_to_an_open_case_only(client, world, new_client):
    client_id = new_client(world.north)
    sign_in(client, world.worker)
    html = client.get(f"/clients/{client_id}/risks").get_data(as_text=True)
    assert "Risks are recorded on an open case." in html and "risk-kind" not in html
