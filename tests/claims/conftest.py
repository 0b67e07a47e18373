"""Fixtures for claim and referral tests: three organisations with a caseworker each,
committed units of work acting in one of them, and clients with sealed identity."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from app.auth.models import Role
from app.clients.service import register_client
from app.context import Actor
from app.db import HavenSession, bind_actor, unit_of_work
from app.keys.service import attach_keyring
from app.tenants.models import Organisation
from tests.clients.conftest import intake
from tests.conftest import Factory, Person

#: Identity given to every test client: must never appear where a referral carries data.
SECRET_NAME = "Zoryana Secretovna"
SECRET_PHONE = "+33 6 12 34 56 78"

Work = Callable[..., AbstractContextManager[tuple[HavenSession, Actor]]]


@dataclass
class World:
    """North refers to south; east is neither sender nor receiver."""

    north: Organisation
    south: Organisation
    east: Organisation


@dataclass
class People:
    north_cw: Person
    south_cw: Person
    east_cw: Person
    north_admin: Person


@pytest.fixture
def world(factory: Factory) -> World:
    return World(
        factory.organisation("north"),
        factory.organisation("south", kind="legal_aid"),
        factory.organisation("east", kind="helpline"),
    )


@pytest.fixture
def people(factory: Factory, world: World) -> People:
    """A caseworker (east: a supervisor) in each organisation and north's admin."""
    return People(
        factory.person("cw@north.org", {world.north: {Role.caseworker}}),
        factory.person("cw@south.org", {world.south: {Role.caseworker}}),
        factory.person("cw@east.org", {world.east: {Role.supervisor}}, totp=True),
        factory.person("admin@north.org", {world.north: {Role.org_admin}}, totp=True),
    )


@pytest.fixture
def work(app: Flask) -> Work:
    """``with work(org, person) as (session, ctx)``: one committed unit of work in ``org``."""

    @contextmanager
    def _work(
        org: Organisation, person: Person | None = None
    ) -> Iterator[tuple[HavenSession, Actor]]:
        user_id = person.user.id if person else None
        with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
            attach_keyring(session, app.extensions["haven.master"])
            bind_actor(session, org.id, user_id)
            roles = frozenset({Role.caseworker})
            yield session, Actor(user_id, org.id, roles, country=org.country)

    return _work


@pytest.fixture
def new_client(work: Work) -> Callable[..., uuid.UUID]:
    """Register a client in ``org`` with sealed identity and the given coarse facts."""

    def _new(org: Organisation, **facts: Any) -> uuid.UUID:
        values = {
            "gender": "female",
            "age_band": "25_34",
            "nationality": "MD",
            "languages": ["ro", "ru"],
            "preferred_language": "ro",
            "forms_of_exploitation": ["labour"],
            "sector": "agriculture",
            **facts,
        }
        with work(org) as (session, ctx):
            identity = {"name": SECRET_NAME, "phone": SECRET_PHONE, "narrative": "Met at the farm."}
            client = register_client(session, ctx, intake(values, identity))
            return client.id

    return _new
