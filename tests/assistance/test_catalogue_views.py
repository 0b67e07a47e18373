"""The settings pages that correct a grant, rename a service type, and delete unused ones:
for supervisors and organisation admins of the organisation only."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from app.assistance.models import Grant, ServiceSubtype
from app.audit.models import AuditEvent
from app.db import bind_actor
from tests.assistance.conftest import stored
from tests.assistance.test_cross_tenant import north_data, north_unchanged
from tests.conftest import csrf_from, sign_in

__all__ = ["north_data"]  # the fixture: a client with one service charged to grant NORTH-1


def grant_form(grant: Grant, token: str, **over: str) -> dict[str, str]:
    data = {
        "code": grant.code, "name": grant.name, "funder": grant.funder,
        "starts_on": grant.starts_on.isoformat(), "ends_on": grant.ends_on.isoformat(),
        "budget": "", "currency": grant.currency, "csrf_token": token,
    }  # fmt: skip
    return {**data, **over}


def the_grant(db, world) -> Grant:
    db.rollback()
    bind_actor(db, world.north.id, None)
    return db.scalars(select(Grant)).one()


def audited(db, world, action):
    bind_actor(db, world.north.id, None)
    return db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_supervisor_corrects_a_grant(client, db, world, north_data):
    sign_in(client, world.supervisor)
    listing = client.get("/settings/grants").get_data(as_text=True)
    url = f"/settings/grants/{north_data['grant']}"
    assert f'href="{url}"' in listing
    page = client.get(url).get_data(as_text=True)
    assert 'value="NORTH-1"' in page and "Correct a grant" in page
    token = csrf_from(client, url)
    response = client.post(url, data=grant_form(the_grant(db, world), token, code="NORTH-2"))
    assert response.status_code == 302
    assert "Grant corrected." in client.get("/settings/grants").get_data(as_text=True)
    assert the_grant(db, world).code == "NORTH-2"
    [event] = audited(db, world, "grant.updated")
    assert event.details == {"fields": ["code"]}


def test_dates_that_leave_a_service_outside_are_refused_in_the_users_language(
    client, db, world, north_data
):
    sign_in(client, world.admin)
    url = f"/settings/grants/{north_data['grant']}"
    token = csrf_from(client, url)
    grant = the_grant(db, world)
    later = grant.ends_on.replace(day=31, month=12).isoformat()
    for locale, message in (
        ("en", "Services charged to this grant before this date: 1"),
        ("fr", "Services imputés à cette subvention avant cette date : 1"),
        ("ru", "Услуги, отнесённые на этот грант до этой даты: 1"),
    ):
        client.post("/account/language", data={"locale": locale, "csrf_token": token})
        response = client.post(url, data=grant_form(grant, token, starts_on=later, ends_on=later))
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page
        assert 'class="error-summary"' in page
    assert the_grant(db, world).starts_on == grant.starts_on
    assert audited(db, world, "grant.updated") == []


def test_a_grant_in_use_cannot_be_deleted_and_says_so(client, db, world, north_data):
    sign_in(client, world.admin)
    url = f"/settings/grants/{north_data['grant']}"
    token = csrf_from(client, url)
    response = client.post(f"{url}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Services are charged to this grant, so it cannot be deleted." in response.get_data(
        as_text=True
    )
    north_unchanged(db, world)
    assert audited(db, world, "grant.deleted") == []


def test_rename_then_delete_an_unused_service_type(client, db, world, north_data):
    sign_in(client, world.supervisor)
    url = f"/settings/service-types/{north_data['subtype']}"
    assert f'href="{url}"' in client.get("/settings/service-types").get_data(as_text=True)
    token = csrf_from(client, url)
    refused = client.post(url, data={"name": "", "csrf_token": token})
    assert refused.status_code == 422 and "This field is required." in refused.get_data(True)
    response = client.post(url, data={"name": "Rights and options", "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/settings/service-types").get_data(as_text=True)
    assert "Service type renamed." in page and "Rights and options" in page
    assert client.post(f"{url}/delete", data={"csrf_token": token}).status_code == 302
    assert stored(db, world.north, ServiceSubtype) == 0
    assert len(audited(db, world, "service_subtype.updated")) == 1
    assert len(audited(db, world, "service_subtype.deleted")) == 1


def _routes(ids):
    grant, subtype = f"/settings/grants/{ids['grant']}", f"/settings/service-types/{ids['subtype']}"
    return [("GET", grant), ("POST", grant), ("POST", f"{grant}/delete"),
            ("GET", subtype), ("POST", subtype), ("POST", f"{subtype}/delete"),
            ("POST", f"{subtype}/retire")]  # fmt: skip


def test_caseworkers_are_refused(client, db, world, north_data):
    sign_in(client, world.worker)
    token = csrf_from(client, "/contacts")
    for method, url in _routes(north_data):
        data = {"name": "Mine", "code": "X", "csrf_token": token}
        assert client.open(url, method=method, data=data).status_code == 403, url
    north_unchanged(db, world)


@pytest.mark.parametrize("which", ["north", "missing"])
def test_another_organisations_ids_are_not_found(client, db, factory, world, north_data, which):
    south_admin = factory.person("admin@south.org", {world.south: {"org_admin"}}, totp=True)
    sign_in(client, south_admin)
    token = csrf_from(client, "/settings/grants")
    ids = north_data if which == "north" else {"grant": uuid.uuid4(), "subtype": uuid.uuid4()}
    for method, url in _routes(ids):
        data = {"name": "Mine", "code": "X", "currency": "EUR", "csrf_token": token}
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, url
        assert "NORTH-1" not in response.get_data(as_text=True)
    north_unchanged(db, world)
    assert the_grant(db, world).code == "NORTH-1"
    bind_actor(db, world.south.id, None)
    assert db.scalars(select(AuditEvent).where(AuditEvent.action.like("grant.%"))).all() == []


def test_forms_without_a_csrf_token_change_nothing(client, db, world, north_data):
    sign_in(client, world.admin)
    url = f"/settings/service-types/{north_data['subtype']}"
    assert client.post(url, data={"name": "Other"}).status_code == 400
    assert client.post(f"{url}/delete").status_code == 400
    north_unchanged(db, world)


def test_a_service_type_no_longer_offered_leaves_the_record_form(client, db, world, north_data):
    sign_in(client, world.supervisor)
    url = f"/settings/service-types/{north_data['subtype']}"
    token = csrf_from(client, url)
    form = f"/clients/{north_data['client']}/services"
    option = f'value="{north_data["subtype"]}"'
    assert option in client.get(form).get_data(as_text=True)
    assert (
        client.post(f"{url}/retire", data={"retired": "1", "csrf_token": token}).status_code == 302
    )
    listing = client.get("/settings/service-types").get_data(as_text=True)
    assert "Service type no longer offered." in listing and "no longer offered</span>" in listing
    assert option not in client.get(form).get_data(as_text=True)
    assert (
        client.post(f"{url}/retire", data={"retired": "0", "csrf_token": token}).status_code == 302
    )
    assert option in client.get(form).get_data(as_text=True)
    assert len(audited(db, world, "service_subtype.retired")) == 1
    assert len(audited(db, world, "service_subtype.reinstated")) == 1
