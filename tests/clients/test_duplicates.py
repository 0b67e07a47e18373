"""Intake warns before a second record of the same person, naming only clients that
decryption confirms, and asks before registering a client with nothing filled in."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clients import service
from app.clients.indexes import index_of
from app.clients.models import Client
from app.keys.service import active_tenant_key
from tests.clients.conftest import intake
from tests.conftest import csrf_from, sign_in

NAME, BORN = "Мария Иванова", "1994-03-17"


def _register(work, org, **identity):
    with work(org) as (session, ctx):
        found = service.register_client(session, ctx, intake({"gender": "female"}, identity))
        return found.id, found.code


def _count(work, org):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(Client))


def _post(client, **data):
    token = csrf_from(client, "/clients/new")
    return client.post("/clients/new", data={"gender": "female", **data, "csrf_token": token})


def test_same_name_and_birth_date_warns_and_links_the_existing_client(client, casework, work):
    existing, code = _register(work, casework.north, name=NAME, date_of_birth=BORN)
    sign_in(client, casework.worker)
    response = _post(client, name="  мария   ИВАНОВА ", date_of_birth=BORN, narrative="kept")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This person may already be registered" in page
    assert f'href="/clients/{existing}"' in page and code in page
    assert 'value="  мария   ИВАНОВА "' in page and "kept</textarea>" in page  # nothing is lost
    assert _count(work, casework.north) == 1
    with work(casework.north) as (session, _ctx):
        logged = session.scalars(select(AuditEvent.details)).all()
    assert any("intake:" in str(d) for d in logged) and NAME not in str(logged)
    again = _post(client, name=NAME, date_of_birth=BORN, confirmed="y")
    assert again.status_code == 302
    assert _count(work, casework.north) == 2


def test_same_identity_document_warns(client, casework, work):
    existing, _ = _register(work, casework.north, identity_document="AB 123456")
    sign_in(client, casework.worker)
    page = _post(client, identity_document="ab 123456").get_data(as_text=True)
    assert f'href="/clients/{existing}"' in page


def test_a_shared_index_value_is_never_shown_as_a_candidate(client, casework, work):
    """8-bit indexes collide on purpose: a client sharing both index values with the new
    person, but not their name, is decrypted, compared and left out."""
    with work(casework.north) as (session, _ctx):
        key = active_tenant_key(session)
        target = index_of(key, "name", NAME)
        decoy = next(
            f"Decoy {i}" for i in range(100_000) if index_of(key, "name", f"Decoy {i}") == target
        )
    other, _ = _register(work, casework.north, name=decoy, date_of_birth=BORN)
    with work(casework.north) as (session, _ctx):
        row = session.get(Client, (casework.north.id, other))
        assert row.blind_index_name == target  # the index alone would call it a match
    sign_in(client, casework.worker)
    response = _post(client, name=NAME, date_of_birth=BORN)
    assert response.status_code == 302  # registered at once: no warning, no false candidate
    assert _count(work, casework.north) == 2


def test_name_alone_does_not_warn(client, casework, work):
    _register(work, casework.north, name=NAME, date_of_birth=BORN)
    sign_in(client, casework.worker)
    assert _post(client, name=NAME, date_of_birth="1990-01-01").status_code == 302


def test_another_organisations_client_is_never_a_candidate(client, casework, work):
    _register(work, casework.south, name=NAME, date_of_birth=BORN)
    sign_in(client, casework.worker)
    assert _post(client, name=NAME, date_of_birth=BORN).status_code == 302


def test_an_empty_intake_asks_before_registering(client, casework, work):
    sign_in(client, casework.worker)
    token = csrf_from(client, "/clients/new")
    response = client.post("/clients/new", data={"csrf_token": token})
    assert response.status_code == 200 and "Nothing was filled in" in response.get_data(
        as_text=True
    )
    assert _count(work, casework.north) == 0
    confirmed = client.post("/clients/new", data={"csrf_token": token, "confirmed": "y"})
    assert confirmed.status_code == 302
    assert _count(work, casework.north) == 1
