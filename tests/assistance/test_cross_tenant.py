"""Every assistance route, used by organisation B with organisation A's ids: 404 (or a
422 that says "no such …", the same as for an id that never existed), and nothing changes."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from app.assistance import grants, service
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.clients.models import AnonymousContact
from app.context import Actor
from app.db import bind_actor
from app.db.base import utcnow
from tests.assistance.conftest import stored
from tests.assistance.test_views import FORM
from tests.conftest import csrf_from, sign_in


@pytest.fixture
def north_data(db, world, make_client):
    """Organisation A (north): a client with a record with notes, a grant, a subtype, a
    contact."""
    client_id = make_client(world.north, "K7-MORA-42")
    bind_actor(db, world.north.id, world.worker.user.id)
    admin = world_ctx(world)
    today = utcnow().date()
    grant = grants.create_grant(
        db, admin,
        {"code": "NORTH-1", "name": "North shelter", "funder": "EU",
         "starts_on": date(today.year, 1, 1), "ends_on": date(today.year, 12, 31),
         "currency": "EUR"},
    )  # fmt: skip
    subtype = grants.create_subtype(db, admin, {"category": "counselling", "name": "Rights"})
    record = service.record_service(
        db, admin, client_id,
        {"category": "counselling", "started_on": today, "quantity": 1, "language": "ru",
         "interpreter_used": False, "notes": "north secret", "grant_id": grant.id},
    )  # fmt: skip
    db.add(AnonymousContact(tenant_id=world.north.id, occurred_on=today, channel="phone"))
    db.commit()
    return {"client": client_id, "record": record.id, "grant": grant.id, "subtype": subtype.id}


def world_ctx(world):
    return Actor(
        user_id=world.supervisor.user.id,
        tenant_id=world.north.id,
        roles=frozenset({Role.supervisor, Role.org_admin}),
    )


def north_unchanged(db, world) -> None:
    assert stored(db, world.north, AssistanceRecord) == 1
    assert stored(db, world.north, Grant) == 1
    assert stored(db, world.north, ServiceSubtype) == 1
    assert stored(db, world.north, AnonymousContact) == 1
    reveals = db.scalars(select(AuditEvent).where(AuditEvent.action == "service.revealed"))
    assert reveals.all() == []


def test_services_tab_of_a_foreign_client_is_not_found(client, db, world, north_data):
    sign_in(client, world.stranger)
    url = f"/clients/{north_data['client']}/services"
    assert client.get(url).status_code == 404
    token = csrf_from(client, "/contacts")
    response = client.post(url, data={**FORM, "csrf_token": token})
    assert response.status_code == 404
    missing = client.get(f"/clients/{uuid.uuid4()}/services")
    assert missing.status_code == 404
    assert response.get_data(as_text=True).count("No such client") == missing.get_data(
        as_text=True
    ).count("No such client")
    north_unchanged(db, world)
    assert stored(db, world.south, AssistanceRecord) == 0


def test_revealing_foreign_notes_is_not_found(client, db, world, north_data, make_client):
    own_client = make_client(world.south, "B2-DALU-17")
    sign_in(client, world.stranger)
    token = csrf_from(client, "/contacts")
    for client_id in (north_data["client"], own_client):
        url = f"/clients/{client_id}/services/{north_data['record']}/notes"
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 404
        assert "north secret" not in response.get_data(as_text=True)
    north_unchanged(db, world)
    bind_actor(db, world.south.id, None)
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "service.revealed")).all() == []


def test_foreign_grant_and_subtype_ids_are_refused(client, db, world, north_data, make_client):
    own_client = make_client(world.south, "B2-DALU-17")
    sign_in(client, world.stranger)
    url = f"/clients/{own_client}/services"
    token = csrf_from(client, url)
    for field, value, message in (
        ("grant_id", north_data["grant"], "No such grant."),
        ("subtype_id", north_data["subtype"], "No such service type."),
    ):
        response = client.post(url, data={**FORM, field: str(value), "csrf_token": token})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert stored(db, world.south, AssistanceRecord) == 0
    north_unchanged(db, world)


def test_group_intake_with_foreign_clients_stores_nothing(
    client, db, world, north_data, make_client
):
    make_client(world.south, "B2-DALU-17")
    sign_in(client, world.stranger)
    token = csrf_from(client, "/services/group")
    for foreign in (str(north_data["client"]), "K7-MORA-42"):
        response = client.post(
            "/services/group",
            data={**FORM, "clients": f"B2-DALU-17\n{foreign}", "csrf_token": token},
        )
        assert response.status_code == 422
        assert "These lines match no client: 2" in response.get_data(as_text=True)
    assert stored(db, world.south, AssistanceRecord) == 0
    north_unchanged(db, world)


def test_contacts_page_counts_only_own_organisation(client, db, world, north_data):
    sign_in(client, world.stranger)
    assert "0 contacts in this period." in client.get("/contacts").get_data(as_text=True)
    token = csrf_from(client, "/contacts")
    data = {"occurred_on": utcnow().date().isoformat(), "channel": "chat", "gender": "male",
            "age_band": "unknown", "record": "Record", "csrf_token": token}  # fmt: skip
    assert client.post("/contacts", data=data).status_code == 302
    assert "1 contact in this period." in client.get("/contacts").get_data(as_text=True)
    assert stored(db, world.south, AnonymousContact) == 1
    north_unchanged(db, world)


def test_settings_pages_of_another_organisation_show_nothing(
    client, db, factory, world, north_data
):
    south_admin = factory.person("admin@south.org", {world.south: {"org_admin"}}, totp=True)
    sign_in(client, south_admin)
    grants_page = client.get("/settings/grants").get_data(as_text=True)
    types_page = client.get("/settings/service-types").get_data(as_text=True)
    assert "NORTH-1" not in grants_page and "No grants yet." in grants_page
    assert "Rights" not in types_page and "No service types yet." in types_page
    token = csrf_from(client, "/settings/grants")
    # The same code is free in this organisation: codes are unique per organisation only.
    same_code = {
        "code": "NORTH-1", "name": "South", "funder": "State", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "currency": "EUR", "csrf_token": token,
    }  # fmt: skip
    assert client.post("/settings/grants", data=same_code).status_code == 302
    assert stored(db, world.south, Grant) == 1
    north_unchanged(db, world)


def test_correcting_or_removing_foreign_records_is_not_found(
    client, db, world, north_data, make_client
):
    own_client = make_client(world.south, "B2-DALU-17")
    sign_in(client, world.stranger)
    token = csrf_from(client, "/contacts")
    for client_id in (north_data["client"], own_client):
        base = f"/clients/{client_id}/services/{north_data['record']}"
        for response in (
            client.get(f"{base}/edit"),
            client.post(f"{base}/edit", data={**FORM, "quantity": "5", "csrf_token": token}),
            client.post(f"{base}/edit", data={**FORM, "clear_notes": "y", "csrf_token": token}),
            client.get(f"{base}/remove"),
            client.post(f"{base}/remove", data={"reason": "duplicate", "csrf_token": token}),
        ):
            assert response.status_code == 404
            assert "north secret" not in response.get_data(as_text=True)
    north_unchanged(db, world)
    record = db.scalar(select(AssistanceRecord))
    assert record.quantity == 1 and record.sealed_notes is not None
    changes = select(AuditEvent).where(
        AuditEvent.action.in_(["service.corrected", "service.removed"])
    )
    assert db.scalars(changes).all() == []
    bind_actor(db, world.south.id, None)
    assert db.scalars(changes).all() == []
