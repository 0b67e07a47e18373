"""The pages: services tab with the record-service form, group intake, anonymous contacts,
grants and service types."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.audit.models import AuditEvent
from app.clients.models import AnonymousContact
from app.db import bind_actor
from app.db.base import utcnow
from tests.assistance.conftest import stored
from tests.conftest import csrf_from, sign_in

FORM = {
    "category": "counselling",
    "subtype_id": "",
    "started_on": "2026-03-02",
    "ended_on": "",
    "quantity": "1",
    "unit": "",
    "language": "ru",
    "grant_id": "",
    "cost": "",
    "currency": "",
    "outcome": "delivered",
    "notes": "",
    "record": "Record",
}


def post_service(http, client_id, **over):
    url = f"/clients/{client_id}/services"
    data = {**FORM, "csrf_token": csrf_from(http, url), **over}
    return http.post(url, data={k: v for k, v in data.items() if v is not None})


def test_form_is_ready_for_the_keyboard_with_sensible_defaults(client, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42", preferred_language="ti")
    sign_in(client, world.worker)
    page = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert re.search(
        r'<select[^>]*autofocus[^>]*name="category"|<select[^>]*name="category"[^>]*autofocus', page
    )
    assert f'value="{utcnow().date().isoformat()}"' in page
    assert re.search(r'name="quantity"[^>]*value="1"', page)
    assert re.search(r'name="language"[^>]*value="ti"', page)
    assert '<option selected value="delivered">' in page
    assert "Record and add another" in page
    assert "<title>K7-MORA-42 · Haven</title>" in page


def test_record_then_add_another_keeps_the_date(client, db, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42")
    sign_in(client, world.worker)
    response = post_service(client, client_id, record=None, record_another="x")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/clients/{client_id}/services?on=2026-03-02#record"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="2026-03-02"' in page and "Service recorded." in page
    assert post_service(client, client_id, interpreter_used="y").status_code == 302
    assert stored(db, world.north, AssistanceRecord) == 2
    listed = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert listed.count("Counselling and information on rights") >= 2
    assert "(interpreter)" in listed


def test_bad_input_gets_422_with_messages_and_stores_nothing(client, db, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42")
    sign_in(client, world.worker)
    future = "2099-01-01"
    cases = [
        ({"category": ""}, "Choose a value from the list."),
        ({"category": "teleport"}, "Not a valid choice"),
        ({"language": "", "interpreter_used": "y", "category": "material", "unit": "items"},
         "An interpreter was used: say which language they spoke."),
        ({"language": ""}, "Say which language this service was delivered in."),
        ({"category": "accommodation", "unit": "nights", "quantity": "-3"},
         "The quantity must be more than zero."),
        ({"started_on": future}, "This date is in the future."),
        ({"started_on": "yesterday"}, "Not a valid date value"),
        ({"notes": "x" * 20_000}, "At most 10,000 characters."),
    ]  # fmt: skip
    for change, message in cases:
        response = post_service(client, client_id, **change)
        assert response.status_code == 422, change
        assert message in response.get_data(as_text=True), change
    assert stored(db, world.north, AssistanceRecord) == 0


def test_ten_megabytes_of_notes_are_refused_before_parsing(app, client, db, world, make_client):
    # app/__init__.py caps request bodies (MAX_CONTENT_LENGTH); 10 MB is far above it.
    assert app.config["MAX_CONTENT_LENGTH"] and app.config["MAX_CONTENT_LENGTH"] < 10_000_000
    client_id = make_client(world.north, "K7-MORA-42")
    sign_in(client, world.worker)
    response = post_service(client, client_id, notes="x" * 10_000_000)
    assert response.status_code == 413
    assert stored(db, world.north, AssistanceRecord) == 0


def test_notes_are_sealed_and_revealing_them_is_audited(client, db, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42")
    sign_in(client, world.worker)
    secret = "Scared of the recruiter Ivanov"
    assert post_service(client, client_id, notes=secret).status_code == 302
    page = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert "Ivanov" not in page
    stored(db, world.north, AssistanceRecord)
    record = db.scalar(select(AssistanceRecord))
    assert b"Ivanov" not in record.sealed_notes
    token = csrf_from(client, f"/clients/{client_id}/services")
    shown = client.post(
        f"/clients/{client_id}/services/{record.id}/notes", data={"csrf_token": token}
    )
    assert shown.status_code == 200 and secret in shown.get_data(as_text=True)
    assert "Ivanov" not in shown.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
    stored(db, world.north, AuditEvent)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "service.revealed")).all()
    assert [e.target_id for e in events] == [str(record.id)]


def test_group_intake_is_all_or_nothing(client, db, world, make_client):
    make_client(world.north, "K7-MORA-42")
    make_client(world.north, "B2-DALU-17")
    sign_in(client, world.worker)
    token = csrf_from(client, "/services/group")
    data = {**FORM, "category": "accommodation", "language": "", "csrf_token": token}
    bad = client.post("/services/group", data={**data, "clients": "K7-MORA-42\nZ9-ZAZA-99"})
    assert bad.status_code == 422
    assert "These lines match no client: 2" in bad.get_data(as_text=True)
    assert stored(db, world.north, AssistanceRecord) == 0
    good = client.post("/services/group", data={**data, "clients": "K7-MORA-42\nb2 dalu 17"})
    assert good.status_code == 302
    assert stored(db, world.north, AssistanceRecord) == 2
    assert "Service recorded for 2 clients." in client.get("/services/group").get_data(as_text=True)


def test_anonymous_contacts_page_records_and_counts(client, db, world):
    sign_in(client, world.worker)
    token = csrf_from(client, "/contacts")
    today = utcnow().date().isoformat()
    data = {
        "occurred_on": today, "channel": "phone", "language": "uk", "topics": ["legal"],
        "gender": "female", "age_band": "18_24", "form_of_exploitation": "",
        "record": "Record", "csrf_token": token,
    }  # fmt: skip
    assert client.post("/contacts", data=data).status_code == 302
    bad = client.post("/contacts", data={**data, "channel": "pigeon"})
    assert bad.status_code == 422
    page = client.get("/contacts").get_data(as_text=True)
    assert "1 contact in this period." in page
    assert stored(db, world.north, AnonymousContact) == 1
    # A period typed the wrong way round is read as meant, not refused.
    week_ago = (utcnow().date() - timedelta(days=7)).isoformat()
    swapped = client.get(f"/contacts?from={today}&to={week_ago}")
    assert swapped.status_code == 200 and "1 contact in this period." in swapped.get_data(True)
    assert f'name="from" value="{week_ago}"' in swapped.get_data(True)


def test_supervisor_manages_grants_and_service_types(client, db, world):
    sign_in(client, world.supervisor)
    token = csrf_from(client, "/settings/grants")
    grant = {
        "code": "AMIF-1", "name": "Shelter", "funder": "EU", "starts_on": "2026-01-01",
        "ends_on": "2026-12-31", "budget": "", "currency": "EUR", "csrf_token": token,
    }  # fmt: skip
    assert client.post("/settings/grants", data=grant).status_code == 302
    again = client.post("/settings/grants", data=grant)
    assert again.status_code == 422 and "Another grant has this code." in again.get_data(
        as_text=True
    )
    subtype = {"category": "accommodation", "name": "Emergency", "csrf_token": token}
    assert client.post("/settings/service-types", data=subtype).status_code == 302
    assert "Emergency" in client.get("/settings/service-types").get_data(as_text=True)
    assert stored(db, world.north, Grant) == 1
    assert stored(db, world.north, ServiceSubtype) == 1


def test_caseworkers_do_not_manage_settings_and_admins_see_no_clients(
    app, client, world, make_client
):
    client_id = make_client(world.north, "K7-MORA-42")
    sign_in(client, world.worker)
    assert client.get("/settings/grants").status_code == 403
    assert client.get("/settings/service-types").status_code == 403
    admin = app.test_client()
    sign_in(admin, world.admin)
    assert admin.get("/settings/grants").status_code == 200
    assert admin.get(f"/clients/{client_id}/services").status_code == 403
    assert admin.get("/contacts").status_code == 403
    assert admin.get("/services/group").status_code == 403


def test_grant_choices_show_on_the_form(client, db, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42")
    bind_actor(db, world.north.id, None)
    db.add(
        Grant(
            tenant_id=world.north.id, code="AMIF-1", name="Shelter", funder="EU",
            starts_on=utcnow().date().replace(month=1, day=1),
            ends_on=utcnow().date().replace(month=12, day=31), currency="EUR",
        )
    )  # fmt: skip
    db.commit()
    sign_in(client, world.worker)
    page = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert "AMIF-1 (Shelter)" in page


def test_an_erased_clients_services_tab_offers_no_form(client, db, world, orgs, make_client):
    from app.clients.service import erase_client

    client_id = make_client(world.north, "K7-MORA-42")
    bind_actor(db, world.north.id, None)
    erase_client(db, orgs.ctx(world.north, "supervisor"), client_id)
    db.commit()
    sign_in(client, world.worker)
    page = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert "This client was erased; nothing can be added." in page
    assert 'name="category"' not in page
