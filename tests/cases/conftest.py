"""Fixtures for case tests: two organisations, their people (made on first use: hashing a
password is slow), committed units of work acting as one of them, and clients."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from functools import cached_property
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.auth.models import Role
from app.cases import service
from app.cases.inputs import CaseOpening
from app.clients.service import register_client
from app.context import Actor
from app.db import HavenSession, bind_actor, unit_of_work
from app.keys.service import attach_keyring, drop_keyring
from app.tenants.models import Organisation
from tests.clients.conftest import intake
from tests.conftest import Factory, Person

Work = Callable[..., AbstractContextManager[tuple[HavenSession, Actor]]]
#: Planted in sealed fields: must never appear in a page, a row or the audit log.
SECRET = "Zoryana Secretovna, Rue des Lilas 7"


class World:
    """North and south. North has two caseworkers (``worker`` and ``colleague``), a
    supervisor and an admin; south has a caseworker and a supervisor."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.north: Organisation = factory.organisation("north")
        self.south: Organisation = factory.organisation("south")

    @cached_property
    def worker(self) -> Person:
        return self.factory.person("cw@north.org", {self.north: {Role.caseworker}})

    @cached_property
    def colleague(self) -> Person:
        return self.factory.person("cw2@north.org", {self.north: {Role.caseworker}})

    @cached_property
    def supervisor(self) -> Person:
        return self.factory.person("sup@north.org", {self.north: {Role.supervisor}}, totp=True)

    @cached_property
    def admin(self) -> Person:
        return self.factory.person("admin@north.org", {self.north: {Role.org_admin}}, totp=True)

    @cached_property
    def stranger(self) -> Person:
        return self.factory.person("cw@south.org", {self.south: {Role.caseworker}})

    @cached_property
    def stranger_supervisor(self) -> Person:
        return self.factory.person("sup@south.org", {self.south: {Role.supervisor}}, totp=True)


@pytest.fixture
def world(factory: Factory) -> World:
    return World(factory)


@pytest.fixture
def work(app: Flask) -> Work:
    """``with work(org, person=None, roles=("caseworker",)) as (session, ctx)``: one
    committed unit of work acting in ``org`` (rolled back if the block raises)."""

    @contextmanager
    def _work(
        org: Organisation, person: Person | None = None, roles: tuple[str, ...] = ("caseworker",)
    ) -> Iterator[tuple[HavenSession, Actor]]:
        user_id = person.user.id if person else uuid.uuid5(org.id, ",".join(roles))
        with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
            attach_keyring(session, app.extensions["haven.master"])
            bind_actor(session, org.id, user_id)
            try:
                yield session, Actor(user_id, org.id, frozenset(Role(r) for r in roles))
            finally:
                drop_keyring(session)

    return _work


@pytest.fixture
def new_client(work: Work) -> Callable[..., uuid.UUID]:
    """Register a client in ``org`` (a minor with ``minor=True``) with a sealed name."""

    def _new(org: Organisation, minor: bool = False, **facts: Any) -> uuid.UUID:
        values = {"gender": "female", "age_band": "12_17" if minor else "25_34", **facts}
        with work(org) as (session, ctx):
            return register_client(session, ctx, intake(values, {"name": SECRET})).id

    return _new


@pytest.fixture
def new_case(work: Work) -> Callable[..., uuid.UUID]:
    """Open a case for a client, as ``person`` (assigned to it) or an anonymous caseworker."""

    def _open(
        org: Organisation,
        client_id: uuid.UUID,
        person: Person | None = None,
        opened_on: date = date(2025, 3, 1),
    ) -> uuid.UUID:
        with work(org, person) as (session, ctx):
            return service.open_case(session, ctx, client_id, CaseOpening(opened_on)).id

    return _open


def count(work: Work, org: Organisation, model: type, *where: Any) -> int:
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
