"""Fixtures for the JSON API tests: organisations north and south, API tokens per role
(made through the CLI, as an operator would), clients seeded through the services, and a
snapshot of every table to prove that a refused request changed nothing."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from werkzeug.test import TestResponse

from app.auth.models import Role
from app.clients.service import register_client
from app.context import Actor
from app.db import Base, HavenSession, bind_actor, unit_of_work
from app.db.base import utcnow
from app.keys.service import attach_keyring, drop_keyring
from app.tenants.models import Organisation
from tests.clients.conftest import intake
from tests.conftest import ON_POSTGRES, Factory

#: Planted in sealed fields: must never appear in a response unless revealed.
SECRET = "Zoryana Secretovna, Rue des Lilas 7"


def day(offset: int = 0) -> str:
    """An ISO date ``offset`` days from today (UTC)."""
    return (utcnow().date() + timedelta(days=offset)).isoformat()


#: Tables whose rows legitimately change on any authenticated call.
_VOLATILE = {"api_tokens"}


class ApiWorld:
    """North (the organisation under test) and south (the other tenant)."""

    def __init__(self, app: Flask, factory: Factory, http: FlaskClient) -> None:
        self.app, self.factory, self.http = app, factory, http
        self.north: Organisation = factory.organisation("north")
        self.south: Organisation = factory.organisation("south")
        self._tokens: dict[tuple[str, str], str] = {}

    def token(self, slug: str = "north", role: str = "caseworker") -> str:
        if (slug, role) not in self._tokens:
            result = self.app.test_cli_runner().invoke(
                args=["token", "create", "--org", slug, "--name", f"{role} sync", "--role", role]
            )
            assert result.exit_code == 0, result.output
            found = re.search(r"(hvn_[0-9a-f]{32}_\S+)", result.output)
            assert found, result.output
            self._tokens[(slug, role)] = found.group(1)
        return self._tokens[(slug, role)]

    def call(
        self,
        method: str,
        url: str,
        json: Any = None,
        *,
        org: str = "north",
        role: str = "caseworker",
        token: str | None = None,
    ) -> TestResponse:
        headers = {"Authorization": f"Bearer {token or self.token(org, role)}"}
        return self.http.open(url, method=method, json=json, headers=headers)

    def get(self, url: str, **kw: Any) -> TestResponse:
        return self.call("GET", url, **kw)

    def post(self, url: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("POST", url, json if json is not None else {}, **kw)

    def put(self, url: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("PUT", url, json if json is not None else {}, **kw)

    def patch(self, url: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("PATCH", url, json if json is not None else {}, **kw)

    @contextmanager
    def work(self, org: Organisation | None = None) -> Iterator[tuple[HavenSession, Actor]]:
        """A committed unit of work acting as a caseworker of ``org`` (north by default)."""
        org = org or self.north
        with unit_of_work(self.app.extensions["haven.sessionmaker"]) as session:
            attach_keyring(session, self.app.extensions["haven.master"])
            bind_actor(session, org.id, None)
            try:
                yield session, Actor(None, org.id, frozenset({Role.caseworker}))
            finally:
                drop_keyring(session)

    def client_of(
        self,
        org: Organisation | None = None,
        facts: dict[str, Any] | None = None,
        identity: dict[str, Any] | None = None,
    ) -> uuid.UUID:
        with self.work(org) as (session, ctx):
            client = register_client(session, ctx, intake(facts, identity))
            return client.id

    def snapshot(self) -> dict[str, list[str]]:
        """Every row of every table (as the owner, past row-level security)."""
        engine = create_engine(self.app.extensions["haven.settings"].migration_database_url)
        rows: dict[str, list[str]] = {}
        with engine.connect() as conn:
            # PostgreSQL forces row-level security even on the owner: read tenant by tenant.
            tenants = [self.north.id, self.south.id] if ON_POSTGRES else [None]
            for tenant in tenants:
                if tenant is not None:
                    conn.execute(
                        text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(tenant)}
                    )
                for table in Base.metadata.sorted_tables:
                    if table.name in _VOLATILE:
                        continue
                    found = conn.execute(text(f"SELECT * FROM {table.name}"))  # noqa: S608
                    rows.setdefault(table.name, []).extend(repr(tuple(r)) for r in found)
        engine.dispose()
        return {name: sorted(found) for name, found in rows.items()}


@pytest.fixture
def world(app: Flask, factory: Factory, client: FlaskClient) -> ApiWorld:
    return ApiWorld(app, factory, client)


def assert_fields(response: TestResponse, *names: str, status: int = 422) -> dict[str, Any]:
    """The JSON error shape of app.web.errors, with a message for each of ``names``."""
    assert response.status_code == status, response.get_data(as_text=True)
    body: dict[str, Any] = response.json  # type: ignore[assignment]
    assert set(body) >= {"status", "error", "message"}, body
    assert body["status"] == status
    for name in names:
        assert body.get("fields", {}).get(name), (name, body)
    return body


def refused(
    world: ApiWorld, method: str, url: str, body: Any, *names: str, status: int = 422, **kw: Any
) -> dict[str, Any]:
    """The call is refused with messages for ``names``, and nothing in the database changed."""
    world.token(kw.get("org", "north"), kw.get("role", "caseworker"))  # audited: made first
    before = world.snapshot()
    response = world.call(method, url, body, **kw)
    found = assert_fields(response, *names, status=status)
    assert world.snapshot() == before
    return found


def no_sealed_keys(value: Any) -> None:
    """No key anywhere in a JSON document starts with ``sealed``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            assert not str(key).startswith("sealed"), key
            no_sealed_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            no_sealed_keys(inner)
