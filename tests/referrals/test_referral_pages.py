"""Referral screens: the tab and its two forms, the follow-up page, the receiver's inbox;
what the receiver sees; 422 on bad input; 404 for every id of another organisation."""

from __future__ import annotations

import re
import uuid
from datetime import date

from sqlalchemy import func, select

from app.clients.models import Client
from app.referrals import service
from app.referrals.inputs import PlatformReferral
from app.referrals.models import Referral
from tests.claims.conftest import SECRET_NAME, SECRET_PHONE
from tests.conftest import csrf_from, sign_in

SENT = date(2026, 4, 1)


def _count(work, org, model=Referral):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def _code(work, org, client_id):
    with work(org) as (session, _ctx):
        return session.get(Client, (org.id, client_id)).code


def _statuses(work, org):
    with work(org) as (session, _ctx):
        return sorted(session.scalars(select(Referral.status)).all())


def _platform(world, token, **values):
    return {
        "organisation_id": str(world.south.id),
        "services_requested": ["legal", "psychological"],
        "sent_on": "2026-04-01",
        "csrf_token": token,
        **values,
    }


def _sent(work, world, client_id):
    with work(world.north) as (session, ctx):
        data = PlatformReferral(world.south.id, ["legal"], SENT)
        row = service.refer_to_platform_organisation(session, ctx, client_id, data)
        return row.id


def _incoming_id(work, world):
    with work(world.south) as (session, _ctx):
        return session.scalar(select(Referral.id))


def test_tab_lists_platform_organisations_by_name_and_kind(client, world, people, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    tab = client.get(f"/clients/{client_id}/referrals").get_data(as_text=True)
    assert f'href="/clients/{client_id}/referrals/platform"' in tab
    assert f'href="/clients/{client_id}/referrals/external"' in tab
    html = client.get(f"/clients/{client_id}/referrals/platform").get_data(as_text=True)
    assert "South (Legal aid)" in html and "East (Helpline)" in html
    assert f'value="{world.north.id}"' not in html
    assert '<label for="organisation_id">' in html and 'type="date"' in html
    external = client.get(f"/clients/{client_id}/referrals/external").get_data(as_text=True)
    assert '<label for="partner_name">' in external and '<label for="partner_country">' in external
    for page in (tab, html, external):
        assert SECRET_NAME not in page


def test_referral_reaches_the_receiver_with_carried_facts_only(
    app, client, world, people, new_client, work
):
    client_id = new_client(world.north)
    other_id = new_client(world.north, gender="male", nationality="NG")
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/referrals"
    token = csrf_from(client, url)
    response = client.post(f"{url}/platform", data=_platform(world, token))
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "South (Legal aid)" in html and "Sent, waiting for an answer" in html

    receiver = app.test_client()
    sign_in(receiver, people.south_cw)
    inbox = receiver.get("/referrals/incoming")
    assert inbox.status_code == 200
    page = inbox.get_data(as_text=True)
    assert _code(work, world.north, client_id) in page
    assert "From North (Shelter), sent on 2026-04-01" in page
    assert "Eastern Europe" in page and "Labour exploitation" in page and "25 to 34" in page
    for leak in (
        SECRET_NAME,
        SECRET_PHONE,
        "Met at the farm",
        str(client_id),
        _code(work, world.north, other_id),
        "Western Africa",
        "Moldova",
    ):
        assert leak not in page
    third = app.test_client()
    sign_in(third, people.east_cw)
    assert "No referral received yet." in third.get("/referrals/incoming").get_data(as_text=True)


def test_identity_unknown_organisation_and_bad_input_store_nothing(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/referrals"
    token = csrf_from(client, url)
    identity = client.post(f"{url}/platform", data=_platform(world, token, carry_groups="identity"))
    assert identity.status_code == 422
    assert "The client has given no consent to a referral." in identity.get_data(as_text=True)
    empty = client.post(f"{url}/platform", data=_platform(world, token, organisation_id=""))
    assert empty.status_code == 422
    for org_id in (str(uuid.uuid4()), "not-an-id"):
        response = client.post(
            f"{url}/platform", data=_platform(world, token, organisation_id=org_id)
        )
        assert response.status_code == 404, org_id
    own = client.post(
        f"{url}/platform", data=_platform(world, token, organisation_id=world.north.id)
    )
    assert own.status_code == 422
    for values, message in [
        ({"services_requested": []}, "Choose at least one service."),
        ({"services_requested": ["spa"]}, "is not a valid choice"),
        ({"sent_on": "2999-01-01"}, "This date is in the future."),
    ]:
        response = client.post(f"{url}/platform", data=_platform(world, token, **values))
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    external = client.post(
        f"{url}/external",
        data={
            "partner_kind": "transnational",
            "partner_name": "CPTF",
            "partner_country": "",
            "services_requested": ["return_support"],
            "sent_on": "2026-04-01",
            "csrf_token": token,
        },
    )
    assert external.status_code == 422
    assert "needs the partner&#39;s country" in external.get_data(as_text=True)
    assert _count(work, world.north) == _count(work, world.south) == 0


def test_a_partner_name_with_a_nul_byte_is_refused_on_the_form(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/referrals"
    token = csrf_from(client, url)
    response = client.post(
        f"{url}/external",
        data={
            "partner_kind": "nrm",
            "partner_name": "NRM\u0000 coordinator",
            "services_requested": ["legal"],
            "sent_on": "2026-04-01",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "characters that are not allowed" in response.get_data(as_text=True)
    assert _count(work, world.north) == 0


def test_external_referral_then_partner_answer_and_completion(
    client, world, people, new_client, work
):
    client_id = new_client(world.north)
    sign_in(client, people.north_cw)
    url = f"/clients/{client_id}/referrals"
    token = csrf_from(client, url)
    response = client.post(
        f"{url}/external",
        data={
            "partner_kind": "nrm",
            "partner_name": "NRM coordinator",
            "partner_country": "fr",
            "services_requested": ["legal"],
            "sent_on": "2026-04-01",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    with work(world.north) as (session, _ctx):
        referral_id = session.scalar(select(Referral.id))
    detail = client.get(f"{url}/{referral_id}").get_data(as_text=True)
    assert "Record the partner" in detail
    assert (
        client.post(
            f"{url}/{referral_id}/response",
            data={"decision": "accepted", "responded_on": "2026-03-01", "csrf_token": token},
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{url}/{referral_id}/response",
            data={"decision": "accepted", "responded_on": "2026-04-02", "csrf_token": token},
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{url}/{referral_id}/complete", data={"outcome": "great", "csrf_token": token}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{url}/{referral_id}/complete",
            data={"outcome": "services_provided", "csrf_token": token},
        ).status_code
        == 302
    )
    html = client.get(url).get_data(as_text=True)
    assert "NRM coordinator (National referral mechanism (NRM), FR)" in html
    assert "Completed: Services provided" in html


def test_receiver_accepts_and_takes_on_from_the_inbox(app, client, world, people, new_client, work):
    client_id = new_client(world.north)
    _sent(work, world, client_id)
    incoming_id = _incoming_id(work, world)
    sign_in(client, people.south_cw)
    token = csrf_from(client, "/referrals/incoming")
    bad = client.post(
        f"/referrals/incoming/{incoming_id}/respond",
        data={"decision": "accepted", "responded_on": "2999-01-01", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert "This date is in the future." in bad.get_data(as_text=True)
    response = client.post(
        f"/referrals/incoming/{incoming_id}/respond",
        data={
            "decision": "accepted",
            "responded_on": date.today().isoformat(),
            "take_on": "y",
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    with work(world.south) as (session, _ctx):
        taken = session.scalar(select(Client))
    assert response.headers["Location"].endswith(f"/clients/{taken.id}")
    assert taken.code != _code(work, world.north, client_id)
    assert _statuses(work, world.north) == ["accepted"]
    tab = client.get(f"/clients/{taken.id}/referrals").get_data(as_text=True)
    assert "Received" in tab and "North (Shelter)" in tab
    again = client.post(f"/referrals/incoming/{incoming_id}/take-on", data={"csrf_token": token})
    assert again.status_code == 409


def test_receiver_declines_and_sender_cancels(app, client, world, people, new_client, work):
    declined = _sent(work, world, new_client(world.north))
    cancelled = _sent(work, world, new_client(world.north))
    sign_in(client, people.south_cw)
    token = csrf_from(client, "/referrals/incoming")
    with work(world.south) as (session, _ctx):
        rows = {r.exchange_id: r.id for r in session.scalars(select(Referral))}
    with work(world.north) as (session, _ctx):
        exchange = {r.id: r.exchange_id for r in session.scalars(select(Referral))}
    response = client.post(
        f"/referrals/incoming/{rows[exchange[declined]]}/respond",
        data={"decision": "declined", "responded_on": "2026-04-02", "csrf_token": token},
    )
    assert response.status_code == 302
    sender = app.test_client()
    sign_in(sender, people.north_cw)
    with work(world.north) as (session, _ctx):
        client_of = session.get(Referral, (world.north.id, cancelled)).client_id
    token = csrf_from(sender, f"/clients/{client_of}/referrals/{cancelled}")
    assert (
        sender.post(
            f"/clients/{client_of}/referrals/{cancelled}/cancel", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert _statuses(work, world.north) == ["cancelled", "declined"]
    assert _statuses(work, world.south) == ["cancelled", "declined"]
    assert "Cancelled" in client.get("/referrals/incoming").get_data(as_text=True)


def test_every_referral_route_is_not_found_for_another_organisation(
    app, client, world, people, new_client, work
):
    client_id = new_client(world.north)
    outgoing_id = _sent(work, world, client_id)
    incoming_id = _incoming_id(work, world)
    east_client = new_client(world.east)
    sign_in(client, people.east_cw)
    token = csrf_from(client, f"/clients/{east_client}/referrals")
    data = {
        **_platform(world, token),
        "partner_kind": "nrm",
        "partner_name": "NRM",
        "decision": "accepted",
        "responded_on": "2026-04-02",
        "outcome": "other",
    }
    gets = [
        f"/clients/{client_id}/referrals",
        f"/clients/{client_id}/referrals/{outgoing_id}",
        f"/clients/{client_id}/referrals/platform",
        f"/clients/{client_id}/referrals/external",
        f"/clients/{east_client}/referrals/{outgoing_id}",
        f"/clients/{east_client}/referrals/{incoming_id}",
    ]
    posts = [f"/clients/{client_id}/referrals/platform", f"/clients/{client_id}/referrals/external"]
    for cid in (client_id, east_client):
        for rid in (outgoing_id, incoming_id):
            posts += [
                f"/clients/{cid}/referrals/{rid}/{action}"
                for action in ("response", "complete", "cancel")
            ]
    for rid in (outgoing_id, incoming_id, uuid.uuid4()):
        posts += [f"/referrals/incoming/{rid}/respond", f"/referrals/incoming/{rid}/take-on"]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, data=data).status_code == 404, url
    assert _count(work, world.east) == 0
    assert _statuses(work, world.north) == _statuses(work, world.south) == ["sent"]

    # The receiver answers through its inbox only: the sender's client and row stay closed.
    receiver = app.test_client()
    sign_in(receiver, people.south_cw)
    token = csrf_from(receiver, "/referrals/incoming")
    for url in (
        f"/clients/{client_id}",
        f"/clients/{client_id}/referrals",
        f"/clients/{client_id}/claims",
        f"/clients/{client_id}/referrals/{outgoing_id}",
    ):
        assert receiver.get(url).status_code == 404, url
    for url in (
        f"/referrals/incoming/{outgoing_id}/respond",
        f"/clients/{client_id}/referrals/{outgoing_id}/cancel",
    ):
        assert receiver.post(url, data={**data, "csrf_token": token}).status_code == 404, url
    # The sender cannot use the inbox routes on its own outgoing row either.
    sender = app.test_client()
    sign_in(sender, people.north_cw)
    token = csrf_from(sender, "/referrals/incoming")
    response = sender.post(
        f"/referrals/incoming/{outgoing_id}/respond", data={**data, "csrf_token": token}
    )
    assert response.status_code == 404
    assert _statuses(work, world.north) == _statuses(work, world.south) == ["sent"]


def test_referral_pages_are_for_casework_roles_only(client, world, people, new_client):
    client_id = new_client(world.north)
    sign_in(client, people.north_admin)
    assert client.get(f"/clients/{client_id}/referrals").status_code == 403
    assert client.get("/referrals/incoming").status_code == 403


def test_inbox_page_has_labelled_controls(client, world, people, new_client, work):
    _sent(work, world, new_client(world.north))
    sign_in(client, people.south_cw)
    html = client.get("/referrals/incoming").get_data(as_text=True)
    for control_id in re.findall(r'<input type="(?:date|checkbox)" id="([^"]+)"', html):
        assert f'<label for="{control_id}">' in html
    assert ">Accept</button>" in html and ">Decline</button>" in html
