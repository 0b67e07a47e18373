"""Clients, services, claims and referrals inserted directly (as intake and recording do),
for the tests that run the app's reports over real rows."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask import Flask

from app.assistance.models import AssistanceRecord, Grant
from app.claims.models import Claim, ClaimRoute, ClaimStatus, DefendantType
from app.clients.models import Client
from app.db import HavenSession, unit_of_work
from app.db.tenancy import acting_in
from app.regions import region_of
from app.reports.models import GrantFunder
from app.taxonomy import AgeBand, Gender, ServiceCategory, ServiceUnit
from app.tenants.models import Organisation

START, END = date(2026, 1, 1), date(2026, 6, 30)
NATIONALITIES = ("RO", "MD", "NG", "VN", "FR", "UA")
FORMS = ("sexual", "labour", "domestic_servitude")


@contextmanager
def in_org(app: Flask, org: Organisation) -> Iterator[HavenSession]:
    """A committed unit of work acting in ``org``."""
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session, acting_in(session, org.id):
        yield session


@dataclass
class Seeded:
    grant_id: uuid.UUID
    client_ids: list[uuid.UUID] = field(default_factory=list)


def add_grant(app: Flask, org: Organisation, code: str = "AMIF-1") -> uuid.UUID:
    with in_org(app, org) as session:
        grant = Grant(
            tenant_id=org.id,
            code=code,
            name="Shelter programme",
            funder="AMIF",
            starts_on=START,
            ends_on=END,
            budget=Decimal("50000.00"),
            currency="EUR",
        )
        session.add(grant)
        session.flush()
        return grant.id


def link(app: Flask, org: Organisation, grant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    with in_org(app, org) as session:
        session.add(GrantFunder(tenant_id=org.id, grant_id=grant_id, user_id=user_id))


def attributes(rng: random.Random) -> dict[str, object]:
    nationality = rng.choices(NATIONALITIES, weights=[5, 1, 3, 2, 1, 2])[0]
    return {
        "gender": rng.choices([Gender.female, Gender.male, Gender.non_binary], [6, 3, 1])[0],
        "age_band": rng.choices(
            [AgeBand.age_12_17, AgeBand.age_18_24, AgeBand.age_25_34, AgeBand.age_35_49],
            [1, 3, 5, 2],
        )[0],
        "nationality": nationality,
        "nationality_region": region_of(nationality),
        "forms_of_exploitation": [rng.choice(FORMS)],
    }


def add_clients(
    app: Flask,
    org: Organisation,
    grant_id: uuid.UUID | None,
    count: int,
    seed: int = 1,
    attrs: dict[str, object] | None = None,
    day: date | None = None,
) -> list[uuid.UUID]:
    """``count`` clients, each with a shelter stay, counselling and legal help charged to the
    grant inside the period (or on ``day``); every third with a claim."""
    rng = random.Random(seed)
    ids = []
    with in_org(app, org) as session:
        for i in range(count):
            client = Client(tenant_id=org.id, code=f"T{seed}-{i:04d}", **(attrs or attributes(rng)))
            session.add(client)
            session.flush()
            ids.append(client.id)
            first = day or START + timedelta(days=rng.randrange(0, 170))
            _services(session, org, client.id, grant_id, first, rng)
            if i % 3 == 0:
                session.add(
                    Claim(
                        tenant_id=org.id,
                        client_id=client.id,
                        route=ClaimRoute.civil,
                        defendant_type=DefendantType.employer,
                        currency="EUR",
                        amount_claimed=Decimal("1000.00"),
                        status=ClaimStatus.filed,
                    )
                )
    return ids


def _services(session, org, client_id, grant_id, first, rng) -> None:  # type: ignore[no-untyped-def]
    def record(category, quantity, unit, **extra):  # type: ignore[no-untyped-def]
        session.add(
            AssistanceRecord(
                tenant_id=org.id,
                client_id=client_id,
                category=category,
                started_on=first,
                quantity=Decimal(quantity),
                unit=unit,
                grant_id=grant_id,
                **extra,
            )
        )

    record(
        ServiceCategory.accommodation,
        rng.randint(1, 20),
        ServiceUnit.nights,
        cost=Decimal("30.00"),
        currency="EUR",
    )
    record(
        ServiceCategory.counselling,
        "1.5",
        ServiceUnit.hours,
        language=rng.choice(["ro", "ru", "en", "vi"]),
        interpreter_used=rng.random() < 0.4,
    )
    if rng.random() < 0.5:
        record(ServiceCategory.legal, 1, ServiceUnit.sessions)
