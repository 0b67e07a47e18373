"""The disclosure screens: a request decided in words, refusals that answer 4xx and are
still recorded, the second person's approval, the package download, the organisation's
policy (a permit refused), the rules, "what if", the register and break-glass."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

from sqlalchemy import select, update

from app.audit.models import AuditEvent
from app.clients.models import Client
from app.db.base import utcnow
from app.disclosure.models import BreakGlass, DisclosureEvent, DisclosureRequest, EventKind, Status
from tests.conftest import csrf_from, sign_in
from tests.disclosure.conftest import SECRET_ADDRESS, SECRET_NAME, SECRET_STATEMENT

POLICE = {
    "recipient_type": "police",
    "recipient_name": "Police nationale, Lyon",
    "purpose": "criminal_proceedings_support",
    "legal_basis": "consent",
    "field_groups": ["narrative", "location"],
}


def _events(work, org, kind=None):
    with work(org) as (session, _ctx):
        stmt = select(DisclosureEvent)
        if kind is not None:
            stmt = stmt.where(DisclosureEvent.kind == kind)
        return session.scalars(stmt).all()


def _ask(client, client_id, **data):
    url = f"/clients/{client_id}/disclosures"
    return client.post(url, data={**POLICE, **data, "csrf_token": csrf_from(client, url)})


def test_request_shows_the_decision_per_group_in_words(client, casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    sign_in(client, casework.worker)
    response = _ask(client, client_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "court order" in page  # why the address is refused
    assert "location_needs_court_order" in page and "share_with_consent" in page
    assert SECRET_ADDRESS not in page and SECRET_STATEMENT not in page


def test_bad_input_is_refused_and_recorded(client, casework, work, new_client):
    client_id = new_client(casework.north)
    sign_in(client, casework.worker)
    response = _ask(client, client_id, legal_basis="court_order")
    assert response.status_code == 422
    assert "reference" in response.get_data(as_text=True)
    refused = _events(work, casework.north, EventKind.refused_input)
    assert [e.details["fields"] for e in refused] == [["legal_reference"]]
    with work(casework.north) as (session, _ctx):
        assert session.scalars(select(DisclosureRequest)).all() == []
        audit = session.scalars(select(AuditEvent.action)).all()
    assert "disclosure.refused" in audit


def test_everything_denied_is_422_and_recorded(client, casework, work, new_client):
    client_id = new_client(casework.north)
    sign_in(client, casework.worker)
    response = _ask(client, client_id, recipient_type="immigration", field_groups=["identity"])
    assert response.status_code == 422
    assert "court order" in response.get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        row = session.scalars(select(DisclosureRequest)).one()
    assert row.status is Status.refused
    assert row.decision["groups"]["identity"]["policy_ids"][0] == "immigration_needs_court_order"


def _statutory_request(client, casework, work, new_client, requester):
    client_id = new_client(casework.north)
    sign_in(client, requester)
    response = _ask(
        client,
        client_id,
        purpose="criminal_investigation",
        legal_basis="statutory_duty",
        legal_reference="CPP art. 60-1",
        field_groups=["identity"],
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_self_approval_is_refused_and_recorded(client, casework, work, new_client):
    url = _statutory_request(client, casework, work, new_client, casework.supervisor)
    page = client.get(url).get_data(as_text=True)
    assert "another supervisor must approve" in page
    response = client.post(
        f"{url}/approve", data={"notify_client": "yes", "csrf_token": csrf_from(client, url)}
    )
    assert response.status_code == 403
    failed = _events(work, casework.north, EventKind.approval_failed)
    assert [e.details["refused"] for e in failed] == ["self_approval"]


def test_second_supervisor_approves_then_package_downloads(client, casework, work, new_client):
    url = _statutory_request(client, casework, work, new_client, casework.worker)
    client.get("/sign-out")
    other = client.application.test_client()
    sign_in(other, casework.supervisor)
    token = csrf_from(other, url)
    refused = other.post(f"{url}/approve", data={"notify_client": "no", "csrf_token": token})
    assert refused.status_code == 422  # no reason for not telling the client
    response = other.post(
        f"{url}/approve",
        data={"notify_client": "no", "notify_reason": "endangers_client", "csrf_token": token},
    )
    assert response.status_code == 302
    response = other.post(f"{url}/release", data={"csrf_token": csrf_from(other, url)})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    number = next(n for n in archive.namelist() if n.endswith(".json"))
    assert SECRET_NAME in archive.read(number).decode()
    assert SECRET_ADDRESS.encode() not in response.data


def test_policy_override_that_permits_is_refused_and_recorded(client, casework, work):
    sign_in(client, casework.admin)
    url = "/disclosure/policy"
    permit = '@id("org.open")\n@reason("x")\n@explain("x")\npermit (principal, action, resource);\n'
    response = client.post(
        url,
        data={"policy_set": "default", "overrides": permit, "csrf_token": csrf_from(client, url)},
    )
    assert response.status_code == 422
    assert "may only forbid" in response.get_data(as_text=True)
    assert "overrides.cedar:1" in response.get_data(as_text=True)
    assert [e.details for e in _events(work, casework.north)] == [{"refused": "override_permits"}]
    forbid = (
        '@id("org.no_media")\n@reason("media_nothing_identifying")\n@explain("No media.")\n'
        "forbid (principal, action, resource)\nwhen { context has recipient_type && "
        'context.recipient_type == RecipientType::"media" };\n'
    )
    response = client.post(
        url,
        data={
            "policy_set": "example_counselling_secrecy",
            "overrides": forbid,
            "csrf_token": csrf_from(client, url),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        audit = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "disclosure_policy.changed")
        ).one()
    page = client.get(url).get_data(as_text=True)
    assert audit.details["set_sha256"] in page
    rules = client.get("/disclosure/rules").get_data(as_text=True)
    assert "org.no_media" in rules and "investigators_need_consent_or_court_order" in rules


def test_what_if_decides_without_a_client(client, casework, work):
    sign_in(client, casework.worker)
    url = "/disclosure/what-if"
    response = client.post(
        url,
        data={
            "recipient_type": "police",
            "purpose": "criminal_proceedings_support",
            "legal_basis": "consent",
            "field_groups": ["narrative", "location"],
            "consented_groups": ["narrative"],
            "csrf_token": csrf_from(client, url),
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-group="narrative"' in page and "share_with_consent" in page
    assert "location_needs_court_order" in page
    assert _events(work, casework.north) == []  # nothing disclosed, nothing in the register


def test_register_shows_pseudonyms_to_auditors(client, casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    sign_in(client, casework.worker)
    assert _ask(client, client_id).status_code == 302
    assert client.get("/disclosure/register").status_code == 403  # caseworkers do not read it
    auditor = client.application.test_client()
    sign_in(auditor, casework.auditor)
    page = auditor.get("/disclosure/register").get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        row = session.scalars(select(DisclosureRequest)).one()
    assert row.number in page and "share_with_consent" in page
    assert SECRET_NAME not in page and SECRET_STATEMENT not in page
    assert auditor.get(f"/clients/{client_id}/disclosures").status_code == 403


def test_break_glass_refusals_opening_alert_and_review(client, casework, work, new_client):
    client_id = new_client(casework.north)
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}/break-glass"
    token = csrf_from(client, f"/clients/{client_id}/disclosures")
    no_reason = client.post(
        url,
        data={
            "reason_code": "emergency",
            "reason_text": "",
            "duration_minutes": "60",
            "csrf_token": token,
        },
    )
    assert no_reason.status_code == 422
    three_days = client.post(
        url,
        data={
            "reason_code": "emergency",
            "reason_text": "Hospital call",
            "duration_minutes": "4320",
            "csrf_token": token,
        },
    )
    assert three_days.status_code == 422
    assert "at most 4 hours" in three_days.get_data(as_text=True)
    assert len(_events(work, casework.north, EventKind.break_glass_refused)) == 2
    opened = client.post(
        url, data={"reason_code": "emergency", "reason_text": "Hospital call", "csrf_token": token}
    )
    assert opened.status_code == 302
    with work(casework.north) as (session, _ctx):
        opening = session.scalars(select(BreakGlass)).one()
        assert opening.duration_minutes == 60
        assert b"Hospital" not in (opening.sealed_reason or b"")
    supervisor = client.application.test_client()
    sign_in(supervisor, casework.supervisor)
    home = supervisor.get("/").get_data(as_text=True)
    assert "Emergency access to review" in home and "overdue" not in home
    with work(casework.north) as (session, _ctx):
        session.execute(update(BreakGlass).values(opened_at=utcnow() - timedelta(days=4)))
    home = supervisor.get("/").get_data(as_text=True)
    assert 'class="overdue"' in home and "more than 3 days" in home
    review = f"/disclosure/break-glass/{opening.id}/review"
    response = supervisor.post(review, data={"csrf_token": csrf_from(supervisor, "/")})
    assert response.status_code == 302
    assert "No emergency access waits for review" in supervisor.get("/").get_data(as_text=True)


def test_every_route_is_closed_to_another_organisation(client, casework, work, new_client, give):
    client_id = new_client(casework.north)
    give(casework.north, client_id)
    sign_in(client, casework.worker)
    location = _ask(client, client_id).headers["Location"]
    with work(casework.north) as (session, _ctx):
        row = session.scalars(select(DisclosureRequest)).one()
    client.post(
        f"/clients/{client_id}/break-glass",
        data={
            "reason_code": "emergency",
            "reason_text": "Call",
            "csrf_token": csrf_from(client, location),
        },
    )
    with work(casework.north) as (session, _ctx):
        opening = session.scalars(select(BreakGlass)).one()
    stranger = client.application.test_client()
    sign_in(stranger, casework.stranger_supervisor)
    token = csrf_from(stranger, "/")
    assert stranger.get(f"/clients/{client_id}/disclosures").status_code == 404
    assert (
        stranger.post(
            f"/clients/{client_id}/disclosures", data={**POLICE, "csrf_token": token}
        ).status_code
        == 404
    )
    assert stranger.get(f"/disclosures/{row.id}").status_code == 404
    assert (
        stranger.post(
            f"/disclosures/{row.id}/approve", data={"notify_client": "yes", "csrf_token": token}
        ).status_code
        == 404
    )
    assert (
        stranger.post(f"/disclosures/{row.id}/decline", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        stranger.post(f"/disclosures/{row.id}/release", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        stranger.post(
            f"/clients/{client_id}/break-glass",
            data={"reason_code": "emergency", "reason_text": "x", "csrf_token": token},
        ).status_code
        == 404
    )
    assert (
        stranger.post(
            f"/disclosure/break-glass/{opening.id}/review", data={"csrf_token": token}
        ).status_code
        == 404
    )
    for page in ("/disclosure/register", "/disclosure/break-glass", "/", "/disclosure/rules"):
        text = stranger.get(page).get_data(as_text=True)
        assert row.number not in text and str(opening.id) not in text
    with work(casework.north) as (session, _ctx):
        assert session.get(DisclosureRequest, (casework.north.id, row.id)).status is Status.ready
        assert session.get(BreakGlass, (casework.north.id, opening.id)).reviewed_at is None


def test_supervisor_declines_and_finds_the_client_in_the_register(
    client, casework, work, new_client
):
    url = _statutory_request(client, casework, work, new_client, casework.worker)
    supervisor = client.application.test_client()
    sign_in(supervisor, casework.supervisor)
    response = supervisor.post(f"{url}/decline", data={"csrf_token": csrf_from(supervisor, url)})
    assert response.status_code == 302
    assert "Declined by a supervisor" in supervisor.get(url).get_data(as_text=True)
    with work(casework.north) as (session, _ctx):
        row = session.scalars(select(DisclosureRequest)).one()
    tab = supervisor.get(f"/clients/{row.client_id}/disclosures").get_data(as_text=True)
    assert "This client in the register" in tab
    with work(casework.north) as (session, _ctx):
        code = session.get(Client, (casework.north.id, row.client_id)).code
    found = supervisor.get(f"/disclosure/register?client_code={code}").get_data(as_text=True)
    assert row.number in found and "Declined" in found
    other = supervisor.get("/disclosure/register?client_code=ZZ-NONE-00").get_data(as_text=True)
    assert row.number not in other
