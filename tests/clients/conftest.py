"""Fixtures for client tests: two organisations, their people, and service-level work."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import cached_property

import pytest
from flask import Flask

from app.auth.models import Role
from app.clients.validation import ClientFacts, ClientIdentity, ClientIntake
from app.context import Actor
from app.db import HavenSession, bind_actor, unit_of_work
from app.keys.service import attach_keyring, drop_keyring
from app.tenants.models import Organisation
from tests.conftest import Factory, Person

Work = Callable[..., AbstractContextManager[tuple[HavenSession, Actor]]]


def intake(
    facts: Mapping[str, object] | None = None, identity: Mapping[str, object] | None = None
) -> ClientIntake:
    """The intake input object from the plain values tests write (the service checks them)."""
    return ClientIntake(ClientFacts(**(facts or {})), ClientIdentity(**(identity or {})))


class Casework:
    """Organisations north and south; people are created on first use (hashing a password
    is slow, and most service tests need none)."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self.north: Organisation = factory.organisation("north")
        self.south: Organisation = factory.organisation("south")

    @cached_property
    def worker(self) -> Person:
        return self.factory.person("cw@north.org", {self.north: {Role.caseworker}})

    @cached_property
    def supervisor(self) -> Person:
        return self.factory.person("sup@north.org", {self.north: {Role.supervisor}}, totp=True)

    @cached_property
    def stranger(self) -> Person:
        return self.factory.person("cw@south.org", {self.south: {Role.caseworker}})

    @cached_property
    def stranger_supervisor(self) -> Person:
        return self.factory.person("sup@south.org", {self.south: {Role.supervisor}}, totp=True)


@pytest.fixture
def casework(factory: Factory) -> Casework:
    return Casework(factory)


@pytest.fixture
def work(app: Flask) -> Work:
    """``with work(org, person=None, roles=("caseworker",)) as (session, ctx)``: one
    committed unit of work acting in ``org``."""

    @contextmanager
    def _work(
        org: Organisation, person: Person | None = None, roles: tuple[str, ...] = ("caseworker",)
    ) -> Iterator[tuple[HavenSession, Actor]]:
        user_id = person.user.id if person else None
        with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
            attach_keyring(session, app.extensions["haven.master"])
            bind_actor(session, org.id, user_id)
            try:
                yield session, Actor(user_id, org.id, frozenset(Role(r) for r in roles))
            finally:
                drop_keyring(session)

    return _work
