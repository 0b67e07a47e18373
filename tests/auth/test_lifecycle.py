"""Staff who come and go: deactivation ends access at once and keeps history;
reactivation, password and second-factor resets from the members page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import ApiToken, Membership, Role, User
from app.auth.tokens import create_api_token
from app.context import Actor
from app.db import bind_actor, unit_of_work
from app.db.tenancy import acting_in
from tests.cases.conftest import World
from tests.conftest import PASSWORD, csrf_from, sign_in

API = "/api/v1/clients"


@pytest.fixture
def world(factory):
    return World(factory)


def _deputy(world):
    return world.factory.person("deputy@north.org", {world.north: {Role.org_admin}}, totp=True)


def _token(app, world, creator) -> str:
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        bind_actor(session, world.north.id, creator.user.id)
        ctx = Actor(creator.user.id, world.north.id, frozenset({Role.org_admin}))
        raw, _ = create_api_token(session, ctx, "helpline sync", Role.caseworker)
    return raw


def _post(client, url, **data):
    return client.post(url, data={**data, "csrf_token": csrf_from(client, "/account")})


def test_deactivation_refuses_the_live_session_and_token_at_once(app, world, db):
    deputy = _deputy(world)
    raw = _token(app, world, deputy)
    theirs = app.test_client()
    sign_in(theirs, deputy)
    assert theirs.get("/admin/members").status_code == 200
    bearer = {"Authorization": f"Bearer {raw}"}
    assert app.test_client().get(API, headers=bearer).status_code == 200

    admin = app.test_client()
    sign_in(admin, world.admin)
    page = admin.get(f"/admin/members/{deputy.user.id}/deactivate").get_data(as_text=True)
    assert "API tokens they created are revoked" in page  # asked before acting
    response = _post(admin, f"/admin/members/{deputy.user.id}/deactivate")
    assert response.status_code == 302

    assert theirs.get("/admin/members").status_code == 401  # the very next request
    assert app.test_client().get(API, headers=bearer).status_code == 401
    with acting_in(db, world.north.id):
        membership = db.get(Membership, (world.north.id, deputy.user.id))
        assert membership is not None and membership.roles == frozenset()  # history stays
        assert db.scalar(select(ApiToken.revoked_at)) is not None
        actions = db.scalars(select(AuditEvent.action)).all()
    assert "member.deactivated" in actions
    # Signing in again gives no way into the organisation.
    again = app.test_client()
    sign_in(again, deputy)
    assert again.get("/admin/members").status_code in (302, 403)
    switch = again.post(
        "/organisations/switch",
        data={"organisation_id": str(world.north.id), "csrf_token": csrf_from(again, "/account")},
    )
    assert switch.status_code == 404
    members = admin.get("/admin/members").get_data(as_text=True)
    assert "Deactivated" in members and "Reactivate" in members


def test_reactivation_gives_the_chosen_roles_back(app, world):
    deputy = _deputy(world)
    admin = app.test_client()
    sign_in(admin, world.admin)
    _post(admin, f"/admin/members/{deputy.user.id}/deactivate")
    page = admin.get(f"/admin/members/{deputy.user.id}/roles").get_data(as_text=True)
    assert "Reactivate" in page
    response = _post(admin, f"/admin/members/{deputy.user.id}/roles", roles="caseworker")
    assert response.status_code == 302
    theirs = app.test_client()
    sign_in(theirs, deputy)
    assert theirs.get("/clients").status_code == 200
    assert theirs.get("/admin/members").status_code == 403


def test_removing_every_role_offers_deactivation_and_changes_nothing(app, world, db):
    admin = app.test_client()
    sign_in(admin, world.admin)
    worker = world.worker
    response = _post(admin, f"/admin/members/{worker.user.id}/roles")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required" not in page
    assert f"/admin/members/{worker.user.id}/deactivate" in page
    with acting_in(db, world.north.id):
        assert db.get(Membership, (world.north.id, worker.user.id)).roles == {Role.caseworker}


def test_password_reset_shows_a_one_time_password_and_ends_sessions(app, world, db):
    worker = world.worker
    theirs = app.test_client()
    sign_in(theirs, worker)
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = _post(admin, f"/admin/members/{worker.user.id}/reset-password")
    assert response.status_code == 200
    assert "New one-time password" in response.get_data(as_text=True)
    assert theirs.get("/clients").status_code == 401
    user = db.get(User, worker.user.id)
    assert user.must_change_password is True
    fresh = app.test_client()
    token = csrf_from(fresh, "/sign-in")
    refused = fresh.post(
        "/sign-in", data={"email": worker.email, "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code != 302  # the old password is gone


def test_second_factor_reset_forgets_the_authenticator(app, world, db):
    supervisor = world.supervisor
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = _post(admin, f"/admin/members/{supervisor.user.id}/reset-second-factor")
    assert response.status_code == 200
    user = db.get(User, supervisor.user.id)
    assert user.totp_secret_sealed is None and user.must_change_password is True


def test_reset_is_refused_for_a_person_of_another_organisation_too(app, world, factory):
    both = factory.person(
        "both@example.org", {world.north: {Role.caseworker}, world.south: {Role.caseworker}}
    )
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = _post(admin, f"/admin/members/{both.user.id}/reset-password")
    assert response.status_code == 409
    assert "platform admin" in response.get_data(as_text=True)


def test_an_admin_cannot_reach_another_organisations_member(app, world):
    admin = app.test_client()
    sign_in(admin, world.admin)
    stranger = world.stranger
    for action in ("deactivate", "reset-password", "reset-second-factor", "roles"):
        response = _post(admin, f"/admin/members/{stranger.user.id}/{action}")
        assert response.status_code == 404, action
    assert admin.get(f"/admin/members/{stranger.user.id}/deactivate").status_code == 404


def test_an_admin_cannot_deactivate_themself(app, world):
    admin = app.test_client()
    sign_in(admin, world.admin)
    response = _post(admin, f"/admin/members/{world.admin.user.id}/deactivate")
    assert response.status_code == 409
