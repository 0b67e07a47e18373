"""The screens to correct and remove a record, and the pages of the services tab."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.assistance import service
from app.assistance.models import AssistanceRecord
from app.audit.models import AuditEvent
from app.clients.models import Client
from app.db import bind_actor
from app.db.base import utcnow
from tests.assistance.conftest import stored
from tests.assistance.test_cross_tenant import world_ctx
from tests.assistance.test_service import DAY, fields
from tests.conftest import csrf_from, sign_in

SECRET = "Afraid of the recruiter Petrenko"


@pytest.fixture
def north_record(db, world, make_client):
    """A north client with a counselling record that has sealed notes; signed-in worker."""
    client_id = make_client(world.north, "K7-MORA-42")
    bind_actor(db, world.north.id, world.worker.user.id)
    record = service.record_service(db, world_ctx(world), client_id, fields(notes=SECRET))
    db.commit()
    return client_id, record.id


def edit_form(record_id=None, **over):
    data = {
        "category": "counselling", "subtype_id": "", "started_on": DAY.isoformat(),
        "ended_on": "", "quantity": "1", "unit": "sessions", "language": "ru", "grant_id": "",
        "cost": "", "currency": "", "outcome": "delivered", "notes": "", "save": "Save",
    }  # fmt: skip
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def current(db, world):
    """The north records as committed (a fresh transaction)."""
    stored(db, world.north, AssistanceRecord)
    return db.scalars(select(AssistanceRecord)).all()


def audit(db, world, action):
    stored(db, world.north, AuditEvent)
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_each_row_links_to_its_correction_and_removal(client, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    page = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    base = f"/clients/{client_id}/services/{record_id}"
    assert f'href="{base}/edit"' in page and f'href="{base}/remove"' in page
    # A screen reader hears which row a link acts on.
    assert re.search(r'Correct<span class="visually-hidden">: 2026-03-02, Counselling', page)


def test_edit_form_is_prefilled_but_never_with_the_notes(client, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    response = client.get(f"/clients/{client_id}/services/{record_id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>K7-MORA-42 · Haven</title>" in page
    assert '<option selected value="counselling">' in page
    assert re.search(r'name="quantity"[^>]*value="1"', page)
    assert re.search(r'name="language"[^>]*value="ru"', page)
    assert re.search(r'name="started_on"[^>]*value="2026-03-02"', page)
    assert re.search(r'<textarea[^>]*name="notes"[^>]*>\s*</textarea>', page)
    assert "Petrenko" not in page
    assert 'name="clear_notes"' in page and 'name="csrf_token"' in page
    assert "Leave this box empty to keep them" in page


def test_correcting_keeps_the_notes_when_the_box_is_empty(client, db, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/services/{record_id}/edit"
    token = csrf_from(client, url)
    response = client.post(url, data=edit_form(quantity="3", csrf_token=token))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{client_id}/services#history")
    assert "Service corrected." in client.get(response.headers["Location"]).get_data(as_text=True)
    [record] = current(db, world)
    assert record.quantity == 3 and record.sealed_notes is not None
    [entry] = audit(db, world, "service.corrected")
    assert entry.details == {"fields": ["quantity"]}
    assert entry.actor_id == world.worker.user.id
    again = client.post(url, data=edit_form(quantity="3", csrf_token=token))
    assert "Nothing was changed." in client.get(again.headers["Location"]).get_data(as_text=True)


def test_notes_are_replaced_or_cleared_on_request(client, db, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/services/{record_id}/edit"
    token = csrf_from(client, url)
    assert client.post(url, data=edit_form(notes="Calmer now", csrf_token=token)).status_code == 302
    shown = client.post(
        f"/clients/{client_id}/services/{record_id}/notes", data={"csrf_token": token}
    )
    assert "Calmer now" in shown.get_data(as_text=True)
    both = client.post(url, data=edit_form(notes="x", clear_notes="y", csrf_token=token))
    assert both.status_code == 422
    assert "Either write new notes or clear the notes, not both." in both.get_data(as_text=True)
    assert client.post(url, data=edit_form(clear_notes="y", csrf_token=token)).status_code == 302
    [record] = current(db, world)
    assert record.sealed_notes is None
    page = client.get(url).get_data(as_text=True)
    assert 'name="clear_notes"' not in page and "No notes are recorded." in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"language": ""}, "Say which language this service was delivered in."),
        ({"quantity": "0"}, "The quantity must be more than zero."),
        ({"unit": "nights"}, "This unit does not fit this kind of service."),
        ({"started_on": "2099-01-01"}, "This date is in the future."),
        ({"started_on": "yesterday"}, "Not a valid date value"),
        ({"ended_on": "2026-03-01"}, "The end date is before the start date."),
        ({"category": ""}, "Choose a value from the list."),
    ],
)
def test_bad_corrections_get_422_with_messages_and_change_nothing(
    client, db, world, north_record, change, message
):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/services/{record_id}/edit"
    response = client.post(url, data=edit_form(csrf_token=csrf_from(client, url), **change))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and message in page
    [record] = current(db, world)
    assert (record.language, record.quantity, record.started_on) == ("ru", 1, DAY)
    assert audit(db, world, "service.corrected") == []


def test_bad_input_is_explained_in_french_and_russian(client, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/services/{record_id}/edit"
    token = csrf_from(client, url)
    for locale, heading, message in (
        ("fr", "Corriger un service", "Indiquez dans quelle langue ce service a été fourni."),
        ("ru", "Исправить услугу", "Укажите, на каком языке была оказана эта услуга."),
    ):
        client.post("/account/language", data={"locale": locale, "csrf_token": token})
        response = client.post(url, data=edit_form(language="", csrf_token=token))
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and heading in page and message in page
        assert "Say which language this service was delivered in." not in page


def test_forms_without_a_csrf_token_change_nothing(client, db, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.worker)
    base = f"/clients/{client_id}/services/{record_id}"
    assert client.post(f"{base}/edit", data=edit_form(quantity="5")).status_code == 400
    assert client.post(f"{base}/remove", data={"reason": "duplicate"}).status_code == 400
    [record] = current(db, world)
    assert record.quantity == 1


def test_removal_asks_for_a_reason_then_deletes(client, db, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.supervisor)
    url = f"/clients/{client_id}/services/{record_id}/remove"
    page = client.get(url).get_data(as_text=True)
    assert "<legend>Why is this record removed?</legend>" in page
    assert page.count('type="radio"') == 3 and "Petrenko" not in page
    token = csrf_from(client, url)
    missing = client.post(url, data={"csrf_token": token, "remove": "Remove"})
    assert missing.status_code == 422
    assert "Choose a value from the list." in missing.get_data(as_text=True)
    assert 'aria-describedby="reason-error"' in missing.get_data(as_text=True)
    bogus = client.post(url, data={"csrf_token": token, "reason": "bored"})
    assert bogus.status_code == 422
    assert len(current(db, world)) == 1
    done = client.post(url, data={"csrf_token": token, "reason": "duplicate"})
    assert done.status_code == 302
    assert "Service record removed." in client.get(done.headers["Location"]).get_data(as_text=True)
    assert current(db, world) == []
    [entry] = audit(db, world, "service.removed")
    assert entry.details == {"reason": "duplicate"} and entry.target_id == str(record_id)
    assert client.get(url).status_code == 404


def test_records_of_an_erased_client_cannot_be_changed(client, db, world, north_record):
    client_id, record_id = north_record
    bind_actor(db, world.north.id, None)
    db.get(Client, (world.north.id, client_id)).erased_at = utcnow()
    db.commit()
    sign_in(client, world.worker)
    base = f"/clients/{client_id}/services/{record_id}"
    tab = client.get(f"/clients/{client_id}/services").get_data(as_text=True)
    assert f"{base}/edit" not in tab and f"{base}/remove" not in tab  # no link to a dead end
    token = csrf_from(client, f"/clients/{client_id}/services")
    assert client.get(f"{base}/edit").status_code == 409
    assert client.post(f"{base}/edit", data=edit_form(csrf_token=token)).status_code == 409
    removal = client.post(f"{base}/remove", data={"reason": "duplicate", "csrf_token": token})
    assert removal.status_code == 409
    assert len(current(db, world)) == 1


def test_admins_and_auditors_cannot_correct_or_remove(client, world, north_record):
    client_id, record_id = north_record
    sign_in(client, world.admin)
    base = f"/clients/{client_id}/services/{record_id}"
    assert client.get(f"{base}/edit").status_code == 403
    assert client.get(f"{base}/remove").status_code == 403


def test_a_record_of_another_client_is_not_found(client, db, world, make_client, north_record):
    client_id, record_id = north_record
    other = make_client(world.north, "B2-DALU-17")
    sign_in(client, world.worker)
    token = csrf_from(client, f"/clients/{other}/services")
    base = f"/clients/{other}/services/{record_id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert client.post(f"{base}/edit", data=edit_form(csrf_token=token)).status_code == 404
    assert client.get(f"{base}/remove").status_code == 404
    removal = client.post(f"{base}/remove", data={"reason": "duplicate", "csrf_token": token})
    assert removal.status_code == 404
    assert len(current(db, world)) == 1


def test_services_tab_pages_through_older_services(client, db, world, make_client):
    client_id = make_client(world.north, "K7-MORA-42")
    bind_actor(db, world.north.id, world.worker.user.id)
    for n in range(55):
        day = DAY - timedelta(days=n)
        service.record_service(db, world_ctx(world), client_id, fields(started_on=day))
    db.commit()
    sign_in(client, world.worker)
    url = f"/clients/{client_id}/services"
    first = client.get(url).get_data(as_text=True)
    assert first.count("/edit") == 50 and DAY.isoformat() in first
    assert f'href="{url}?page=2#history" rel="next">Older services' in first
    assert "Newer services" not in first
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert second.count("/edit") == 5
    assert (DAY - timedelta(days=54)).isoformat() in second
    assert f'href="{url}#history" rel="prev">Newer services' in second
    assert "Older services" not in second
    beyond = client.get(f"{url}?page=9").get_data(as_text=True)
    assert "No older services." in beyond and "?page=8" in beyond
    assert client.get(f"{url}?page=nonsense").get_data(as_text=True).count("/edit") == 50
