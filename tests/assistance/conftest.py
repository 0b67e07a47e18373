"""Fixtures for the assistance tests: two organisations, their people, and clients.

Clients are inserted directly (a row plus its key, as intake does) so these tests do not
depend on the intake form; the code and coarse facts are what assistance reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases.models import Case
from app.clients.models import Client
from app.context import Actor
from app.db import HavenSession, bind_actor, unit_of_work
from app.db.tenancy import acting_in
from app.keys.service import attach_keyring, create_client_key
from app.tenants.models import Organisation
from tests.conftest import Factory, Person


@dataclass
class Orgs:
    """Two organisations and actors in them, for service tests (no accounts needed: the
    services take the actor as given)."""

    north: Organisation
    south: Organisation

    def ctx(self, org: Organisation, *roles: Role) -> Actor:
        # A stable user id per role, so recorded_by can be compared.
        user_id = uuid.uuid5(org.id, ",".join(sorted(roles)))
        return Actor(user_id=user_id, tenant_id=org.id, roles=frozenset(roles))

    @property
    def north_worker(self) -> Actor:
        return self.ctx(self.north, Role.caseworker)

    @property
    def south_worker(self) -> Actor:
        return self.ctx(self.south, Role.caseworker)

    @property
    def north_supervisor(self) -> Actor:
        return self.ctx(self.north, Role.supervisor)

    @property
    def north_admin(self) -> Actor:
        return self.ctx(self.north, Role.org_admin)


@pytest.fixture
def orgs(factory: Factory) -> Orgs:
    return Orgs(north=factory.organisation("north"), south=factory.organisation("south"))


@dataclass
class World:
    """Organisations with people who sign in, for the page tests."""

    north: Organisation
    south: Organisation
    worker: Person
    supervisor: Person
    admin: Person
    stranger: Person


@pytest.fixture
def world(factory: Factory, orgs: Orgs) -> World:
    north, south = orgs.north, orgs.south
    return World(
        north=north,
        south=south,
        worker=factory.person("cw@north.org", {north: {Role.caseworker}}),
        supervisor=factory.person("sup@north.org", {north: {Role.supervisor}}, totp=True),
        admin=factory.person("admin@north.org", {north: {Role.org_admin}}, totp=True),
        stranger=factory.person("cw@south.org", {south: {Role.caseworker}}),
    )


MakeClient = Callable[..., uuid.UUID]


@pytest.fixture
def make_client(app: Flask) -> MakeClient:
    """Insert a client (row + key) in an organisation; returns its id."""

    def make(
        org: Organisation,
        code: str,
        *,
        preferred_language: str | None = "ru",
        open_case: bool = False,
    ) -> uuid.UUID:
        with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
            attach_keyring(session, app.extensions["haven.master"])
            with acting_in(session, org.id):
                client = Client(
                    tenant_id=org.id,
                    code=code,
                    preferred_language=preferred_language,
                    languages=[preferred_language] if preferred_language else [],
                )
                session.add(client)
                session.flush()
                create_client_key(session, client.id)
                if open_case:
                    session.add(
                        Case(tenant_id=org.id, client_id=client.id, opened_on=date(2025, 1, 1))
                    )
            return client.id

    return make


@pytest.fixture
def in_north(db: HavenSession, orgs: Orgs) -> HavenSession:
    """The test session bound to the north organisation (as its caseworker)."""
    bind_actor(db, orgs.north.id, orgs.north_worker.user_id)
    return db


def stored(db: HavenSession, org: Organisation, model: type) -> int:
    """Committed rows of ``model`` in ``org`` (a fresh transaction: sees other requests'
    commits on SQLite's WAL snapshots too)."""
    db.rollback()
    bind_actor(db, org.id, None)
    return db.scalar(select(func.count()).select_from(model)) or 0
