"""Sealed identity in the app: values moved between rows, columns or tenants, altered or
cut short fail with a clean domain error (never garbage); nothing decrypts on load."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.clients import service
from app.clients.models import Client
from app.keys.models import ClientKey
from app.keys.service import keyring
from tests.clients.conftest import intake
from tests.conftest import csrf_from, sign_in

IDENTITY = {"name": "Alina Moraru", "phone": "+373 69 000 111"}


def _register(work, org, name):
    with work(org) as (session, ctx):
        return service.register_client(session, ctx, intake({}, {**IDENTITY, "name": name})).id


def _tamper(work, org, client_id, **columns):
    with work(org) as (session, _ctx):
        client = session.get(Client, (org.id, client_id))
        for column, value in columns.items():
            setattr(client, column, value)


def _sealed(work, org, client_id, column):
    with work(org) as (session, _ctx):
        return getattr(session.get(Client, (org.id, client_id)), column)


def _reveal(work, org, client_id, field):
    with work(org) as (session, ctx):
        return service.reveal_field(session, ctx, client_id, field)


def test_value_moved_to_another_client_does_not_open(work, casework):
    first = _register(work, casework.north, "First Person")
    second = _register(work, casework.north, "Second Person")
    _tamper(
        work,
        casework.north,
        second,
        sealed_name=_sealed(work, casework.north, first, "sealed_name"),
    )
    with pytest.raises(service.FieldUnreadable):
        _reveal(work, casework.north, second, "name")
    assert _reveal(work, casework.north, first, "name") == "First Person"


def test_value_moved_to_another_column_does_not_open(work, casework):
    client_id = _register(work, casework.north, "Column Person")
    phone = _sealed(work, casework.north, client_id, "sealed_phone")
    _tamper(work, casework.north, client_id, sealed_name=phone)
    with pytest.raises(service.FieldUnreadable):
        _reveal(work, casework.north, client_id, "name")


def test_value_moved_to_another_organisation_does_not_open(work, casework):
    north = _register(work, casework.north, "North Person")
    south = _register(work, casework.south, "South Person")
    _tamper(
        work, casework.south, south, sealed_name=_sealed(work, casework.north, north, "sealed_name")
    )
    with pytest.raises(service.FieldUnreadable):
        _reveal(work, casework.south, south, "name")


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1] + bytes([b[-1] ^ 0x01]),  # flipped bit in the tag
        lambda b: b[:20] + bytes([b[20] ^ 0x80]) + b[21:],  # flipped bit in the ciphertext
        lambda b: b[:10],  # cut short
        lambda b: b"\x09" + b[1:],  # unknown format version
        lambda b: b[:2] + b"c9" + b[4:],  # relabelled key id
    ],
)
def test_altered_value_does_not_open(work, casework, damage):
    client_id = _register(work, casework.north, "Damaged Person")
    sealed = _sealed(work, casework.north, client_id, "sealed_name")
    _tamper(work, casework.north, client_id, sealed_name=damage(sealed))
    with pytest.raises(service.FieldUnreadable):
        _reveal(work, casework.north, client_id, "name")
    # Search skips the unreadable candidate instead of failing.
    with work(casework.north) as (session, ctx):
        assert service.search_identity(session, ctx, "name", "Damaged Person") == []


def test_client_key_moved_to_another_client_does_not_open(work, casework):
    first = _register(work, casework.north, "Key One")
    second = _register(work, casework.north, "Key Two")
    with work(casework.north) as (session, _ctx):
        keys = {k.client_id: k for k in session.scalars(select(ClientKey))}
        keys[second].wrapped = keys[first].wrapped
    with pytest.raises(service.FieldUnreadable):
        _reveal(work, casework.north, second, "name")


def test_unreadable_value_is_a_clean_error_page(client, casework, work):
    client_id = _register(work, casework.north, "Broken Person")
    sealed = _sealed(work, casework.north, client_id, "sealed_name")
    _tamper(work, casework.north, client_id, sealed_name=sealed[:-1] + b"\x00")
    sign_in(client, casework.worker)
    url = f"/clients/{client_id}"
    response = client.post(
        f"{url}/reveal", data={"field": "name", "csrf_token": csrf_from(client, url)}
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "cannot be opened" in page and "Traceback" not in page and "Broken" not in page


def test_nothing_is_decrypted_on_load(work, casework):
    client_id = _register(work, casework.north, "Lazy Person")
    with work(casework.north) as (session, ctx):
        service.list_clients(session, ctx)
        client = service.get_client(session, ctx, client_id)
        service.sealed_fields(client)
        assert isinstance(client.sealed_name, bytes)
        assert len(keyring(session)) == 0  # no key was even unwrapped
