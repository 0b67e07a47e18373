"""API tokens: scoped to one organisation and role, hashed at rest, revocable."""

import re

from sqlalchemy import select

from app.auth.models import ApiToken
from app.db import bind_actor


def _create(app, slug="north", role="caseworker"):
    result = app.test_cli_runner().invoke(
        args=["token", "create", "--org", slug, "--name", "crm sync", "--role", role]
    )
    assert result.exit_code == 0, result.output
    raw = re.search(r"(hvn_[0-9a-f]{32}_\S+)", result.output).group(1)
    token_id = re.search(r"token ([0-9a-f-]{36})", result.output).group(1)
    return raw, token_id


def test_token_authenticates_for_its_organisation_and_role(app, client, factory):
    org = factory.organisation("north")
    raw, _ = _create(app)
    response = client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert response.json == {"organisation_id": str(org.id), "roles": ["caseworker"]}


def test_token_is_hashed_at_rest(app, factory, db):
    org = factory.organisation("north")
    raw, _ = _create(app)
    bind_actor(db, org.id, None)
    stored = db.scalar(select(ApiToken))
    secret = raw.split("_", 2)[2]
    assert secret.encode() not in stored.token_hash and len(stored.token_hash) == 32


def test_bad_missing_and_revoked_tokens_get_401(app, client, factory):
    org = factory.organisation("north")
    other = factory.organisation("south")
    raw, token_id = _create(app)
    for header in ("", "Bearer ", "Bearer nonsense", f"Bearer {raw}x", "Basic abc"):
        response = client.get("/api/v1/whoami", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json["message"] == "The API token is missing or not valid."
    # The tenant part of the token cannot be swapped for another organisation's id.
    forged = raw.replace(org.id.hex, other.id.hex)
    assert (
        client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {forged}"}).status_code
        == 401
    )
    result = app.test_cli_runner().invoke(
        args=["token", "revoke", "--org", "north", "--id", token_id]
    )
    assert result.exit_code == 0
    assert (
        client.get("/api/v1/whoami", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    )


def test_api_ignores_the_browser_session_cookie(client, factory):
    from tests.conftest import sign_in

    org = factory.organisation("north")
    sign_in(client, factory.person("cw@example.org", {org: {"caseworker"}}))
    assert client.get("/api/v1/whoami").status_code == 401


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json["info"]["title"] == "Haven"
    assert "bearer" in response.json["components"]["securitySchemes"]
