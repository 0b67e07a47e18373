"""Disclosure tests: organisations north and south (tests.clients.conftest), a second
supervisor and an auditor in north, clients with sealed identity (address and statement
included) and consent recorded through the ledger's own service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import cached_property
from typing import Any

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.clients.service import register_client
from app.consent.inputs import ConsentInput
from app.consent.models import ConsentNotice
from app.consent.notices import ensure_example_notices
from app.consent.service import record_consent
from app.db.base import utcnow
from app.disclosure.inputs import DisclosureInput
from app.tenants.models import Organisation
from tests.clients.conftest import Casework, Work, intake, work
from tests.conftest import Factory, Person

__all__ = ["work"]

SECRET_NAME = "Zoryana Secretovna"
SECRET_ADDRESS = "Shelter Rue Cachee 9"
SECRET_STATEMENT = "Recruited at the bus station by Ivan."
SUPERVISOR = ("supervisor",)


class Disclosing(Casework):
    @cached_property
    def second_supervisor(self) -> Person:
        return self.factory.person("sup2@north.org", {self.north: {Role.supervisor}}, totp=True)

    @cached_property
    def auditor(self) -> Person:
        return self.factory.person("audit@north.org", {self.north: {Role.auditor}}, totp=True)

    @cached_property
    def admin(self) -> Person:
        return self.factory.person("admin@north.org", {self.north: {Role.org_admin}}, totp=True)


@pytest.fixture
def casework(factory: Factory) -> Disclosing:
    return Disclosing(factory)


@pytest.fixture
def new_client(work: Work) -> Callable[..., uuid.UUID]:
    def _new(org: Organisation, **facts: Any) -> uuid.UUID:
        values = {"gender": "female", "age_band": "25_34", "nationality": "MD", **facts}
        identity = {"name": SECRET_NAME, "address": SECRET_ADDRESS, "narrative": SECRET_STATEMENT}
        with work(org) as (session, ctx):
            return register_client(session, ctx, intake(values, identity)).id

    return _new


@pytest.fixture
def give(work: Work) -> Callable[..., uuid.UUID]:
    """``give(org, client_id, **overrides)``: the client consents (by default to the police,
    for support in criminal proceedings, identity and their account)."""

    def _give(org: Organisation, client_id: uuid.UUID, **overrides: Any) -> uuid.UUID:
        with work(org) as (session, ctx):
            ensure_example_notices(session, ctx)
            notice = session.scalar(select(ConsentNotice.id).where(ConsentNotice.key == "sharing"))
            values: dict[str, Any] = {
                "decision": "given",
                "purposes": ["criminal_proceedings_support"],
                "field_groups": ["identity", "narrative"],
                "recipient_types": ["police"],
                "notice_id": notice,
                "notice_language": "en",
                "notice_version": 1,
                "language": "en",
                "method": "verbal",
                "expires_on": (utcnow().date() + timedelta(days=90)).isoformat(),
                **overrides,
            }
            return record_consent(session, ctx, client_id, ConsentInput(**values)).id

    return _give


def to_police(**overrides: Any) -> DisclosureInput:
    values: dict[str, Any] = {
        "recipient_type": "police",
        "recipient_name": "Police nationale, Lyon",
        "purpose": "criminal_proceedings_support",
        "legal_basis": "consent",
        "field_groups": ["narrative", "location"],
        **overrides,
    }
    return DisclosureInput(**values)
