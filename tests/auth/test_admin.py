"""Organisation admin pages: members, invitations, roles, revocation; never across tenants."""

import uuid

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth import service
from app.auth.forms import InviteForm
from app.auth.inputs import INVITATION_FIELDS
from app.auth.models import Membership, RoleGrant, User, UserSession
from app.db import bind_actor
from app.errors import ValidationFailed
from tests.conftest import csrf_from, sign_in


def _setup(factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    admin = factory.person("admin@north.org", {north: {"org_admin"}}, totp=True)
    worker = factory.person("cw@north.org", {north: {"caseworker"}})
    stranger = factory.person("cw@south.org", {south: {"caseworker"}})
    return north, south, admin, worker, stranger


def test_members_page_lists_only_own_organisation(client, factory):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, admin)
    page = client.get("/admin/members").get_data(as_text=True)
    assert worker.email in page
    assert stranger.email not in page


def test_other_organisations_member_is_not_found_and_unchanged(client, factory, db):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, admin)
    url = f"/admin/members/{stranger.user.id}/roles"
    assert client.get(url).status_code == 404
    token = csrf_from(client, "/admin/members")
    assert client.post(url, data={"roles": ["org_admin"], "csrf_token": token}).status_code == 404
    revoke = client.post(
        f"/admin/members/{stranger.user.id}/revoke-sessions", data={"csrf_token": token}
    )
    assert revoke.status_code == 404
    missing = client.get(f"/admin/members/{uuid.uuid4()}/roles")
    assert missing.status_code == 404
    assert missing.get_data(as_text=True).count("No such member") == 1
    bind_actor(db, south.id, None)
    grants = db.scalars(select(RoleGrant.role).where(RoleGrant.user_id == stranger.user.id)).all()
    assert grants == ["caseworker"]


def test_caseworker_cannot_open_admin_pages(client, factory):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, worker)
    assert client.get("/admin/members").status_code == 403
    assert client.get("/platform/organisations").status_code == 403


def test_admin_invites_a_new_person_who_gets_a_one_time_password(client, factory, db):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, admin)
    token = csrf_from(client, "/admin/members/invite")
    response = client.post(
        "/admin/members/invite",
        data={
            "email": "New.Person@North.org",
            "display_name": "New Person",
            "roles": ["caseworker", "supervisor"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 200
    assert "one-time password" in response.get_data(as_text=True)
    bind_actor(db, north.id, None)
    members = db.scalars(select(Membership)).unique().all()
    new = [m for m in members if m.user.email == "new.person@north.org"]
    assert new and new[0].roles == {"caseworker", "supervisor"}
    assert db.scalar(select(func.count()).where(AuditEvent.action == "member.added")) >= 1


def test_invite_with_bad_input_stores_nothing(client, factory, db):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, admin)
    token = csrf_from(client, "/admin/members/invite")
    response = client.post(
        "/admin/members/invite",
        data={
            "email": "not-an-address",
            "display_name": "X",
            "roles": ["caseworker"],
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "Enter a valid e-mail address." in response.get_data(as_text=True)
    unknown_role = client.post(
        "/admin/members/invite",
        data={
            "email": "ok@north.org",
            "display_name": "X",
            "roles": ["overlord"],
            "csrf_token": token,
        },
    )
    assert unknown_role.status_code == 422
    nul = client.post(
        "/admin/members/invite",
        data={
            "email": "ok\u0000@north.org",
            "display_name": "X\u0000",
            "roles": ["caseworker"],
            "csrf_token": token,
        },
    )
    assert nul.status_code == 422
    assert "characters that are not allowed" in nul.get_data(as_text=True)
    bind_actor(db, north.id, None)
    assert db.scalar(select(func.count()).select_from(Membership)) == 2


def test_admin_cannot_remove_own_admin_role(client, factory):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, admin)
    token = csrf_from(client, "/admin/members")
    response = client.post(
        f"/admin/members/{admin.user.id}/roles", data={"roles": ["caseworker"], "csrf_token": token}
    )
    assert response.status_code == 422
    assert "You cannot remove your own admin role." in response.get_data(as_text=True)


def test_admin_changes_roles_and_revokes_sessions(app, client, factory, db):
    north, south, admin, worker, stranger = _setup(factory)
    worker_browser = app.test_client()
    sign_in(worker_browser, worker)
    sign_in(client, admin)
    token = csrf_from(client, "/admin/members")
    url = f"/admin/members/{worker.user.id}/roles"
    assert (
        client.post(url, data={"roles": ["caseworker", "funder"], "csrf_token": token}).status_code
        == 302
    )
    revoke = client.post(
        f"/admin/members/{worker.user.id}/revoke-sessions", data={"csrf_token": token}
    )
    assert revoke.status_code == 302
    assert worker_browser.get("/").status_code == 401
    live = db.scalar(
        select(func.count())
        .select_from(UserSession)
        .where(UserSession.user_id == worker.user.id, UserSession.revoked_at.is_(None))
    )
    assert live == 0
    bind_actor(db, north.id, None)
    actions = set(db.scalars(select(AuditEvent.action)).all())
    assert {"member.roles_assigned", "member.sessions_revoked"} <= actions


def test_switcher_refuses_unknown_and_foreign_organisations(client, factory):
    north, south, admin, worker, stranger = _setup(factory)
    sign_in(client, worker)
    token = csrf_from(client, "/account")
    for bad in (str(south.id), str(uuid.uuid4()), "not-a-uuid"):
        response = client.post(
            "/organisations/switch", data={"organisation_id": bad, "csrf_token": token}
        )
        assert response.status_code == 404
    assert "North" in client.get("/").get_data(as_text=True)


def test_person_in_two_organisations_switches_between_them(client, factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    both = factory.person("both@example.org", {north: {"caseworker"}, south: {"funder"}})
    sign_in(client, both)
    assert client.get("/").headers["Location"].endswith("/organisations")
    token = csrf_from(client, "/account")
    client.post(
        "/organisations/switch", data={"organisation_id": str(south.id), "csrf_token": token}
    )
    # Reports are a funder's home page.
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/reports/")
    page = client.get("/reports/").get_data(as_text=True)
    assert "South" in page and "Reports" in page and "My cases" not in page


@pytest.mark.parametrize(
    ("email", "name", "field"),
    [
        ("lead@example.org", "Le\u0000ad", "display_name"),
        ("lead@example.org", "Le\ud800ad", "display_name"),
        ("le\u0000ad@example.org", "Lead", "email"),
        ("lead@example.org", "x" * 121, "display_name"),
        ("lead", "Lead", "email"),
    ],
)
def test_an_account_with_text_no_column_can_hold_is_refused(db, email, name, field):
    before = db.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationFailed) as caught:
        service.create_user(db, email, name)
    assert list(caught.value.fields) == [field]
    assert db.scalar(select(func.count()).select_from(User)) == before


def test_the_invitation_form_declares_the_invitations_fields(app):
    with app.test_request_context():
        declared = {f.name for f in InviteForm(meta={"csrf": False})}
    assert declared == INVITATION_FIELDS
