"""Platform admin: creates organisations and their first admin; sees no client data."""

from sqlalchemy import func, select

from app.db import bind_actor
from app.keys.models import TenantKey
from app.tenants.models import Organisation
from tests.conftest import csrf_from, sign_in

FORM = {
    "name": "Helpline Kyiv",
    "slug": "helpline-kyiv",
    "kind": "helpline",
    "country": "UA",
    "default_locale": "ru",
    "admin_email": "lead@helpline.org",
    "admin_name": "Lead",
}


def test_platform_admin_creates_an_organisation_with_its_first_admin_and_key(client, factory, db):
    root = factory.person("root@haven.org", {}, totp=True, platform_admin=True)
    sign_in(client, root)
    token = csrf_from(client, "/platform/organisations")
    response = client.post("/platform/organisations", data={**FORM, "csrf_token": token})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "lead@helpline.org" in page and "One-time password" in page
    org = db.scalar(select(Organisation).where(Organisation.slug == "helpline-kyiv"))
    bind_actor(db, org.id, None)
    assert db.scalar(select(func.count()).select_from(TenantKey)) == 1


def test_bad_organisation_input_is_refused_and_nothing_stored(client, factory, db):
    root = factory.person("root@haven.org", {}, totp=True, platform_admin=True)
    sign_in(client, root)
    token = csrf_from(client, "/platform/organisations")
    response = client.post(
        "/platform/organisations",
        data={**FORM, "slug": "Bad Slug", "country": "U1", "csrf_token": token},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "lower-case letters" in page and "two-letter ISO 3166" in page
    assert db.scalar(select(func.count()).select_from(Organisation)) == 0


def test_platform_admin_cannot_open_organisation_admin_pages_without_membership(client, factory):
    factory.organisation("north")
    root = factory.person("root@haven.org", {}, totp=True, platform_admin=True)
    sign_in(client, root)
    assert client.get("/admin/members").status_code == 302  # no organisation picked
