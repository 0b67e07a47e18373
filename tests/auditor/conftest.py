"""The auditor workspace's tests use the consent tests' organisations (north, south,
east), people and clients, and add an auditor and a funder."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.auth.models import Role
from tests.conftest import Factory, Person
from tests.consent.conftest import (
    SECRET_NAME,
    SECRET_PHONE,
    give,
    new_client,
    people,
    work,
    world,
)

__all__ = ["SECRET_NAME", "SECRET_PHONE", "give", "new_client", "people", "work", "world"]


@dataclass
class Overseers:
    auditor: Person
    funder: Person
    south_auditor: Person


@pytest.fixture
def overseers(factory: Factory, world) -> Overseers:
    return Overseers(
        factory.person("audit@north.org", {world.north: {Role.auditor}}),
        factory.person("funder@north.org", {world.north: {Role.funder}}),
        factory.person("audit@south.org", {world.south: {Role.auditor}}),
    )
