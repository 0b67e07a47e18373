"""Network reports: people served by several members counted once through keyed linkage
tokens computed at intake; tokens never in any output; members' identities never pooled;
a member that leaves takes its tokens with it; only a network's coordinators ask."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.assistance.models import AssistanceRecord
from app.clients.service import register_client, update_identity
from app.clients.validation import ClientFacts, ClientIdentity, ClientIntake
from app.context import Actor, Role
from app.db import unit_of_work
from app.networks.linkage import join_network, leave_network
from app.networks.models import LinkageToken
from app.reports.service import run_network_report
from app.taxonomy import AgeBand, Gender, ServiceCategory, ServiceUnit
from app.tenants.models import Organisation
from tests.conftest import Factory, sign_in

from .app_data import in_org

PERIOD = {"start": "2026-01-01", "end": "2026-06-30", "threshold": "5"}


def owner_work(app: Flask):
    from sqlalchemy import create_engine

    from app.db import make_sessionmaker

    owner = app.extensions["haven.settings"].migration_database_url
    return unit_of_work(make_sessionmaker(create_engine(owner)))


def join(app: Flask, network: Organisation, member: Organisation) -> None:
    with owner_work(app) as session:
        join_network(session, network, member)


def intake(app: Flask, org: Organisation, name: str, born: str, n: int) -> uuid.UUID:
    """A client registered through the real intake, with a service in the period."""
    ctx = Actor(user_id=None, tenant_id=org.id, roles=frozenset({Role.caseworker}), country="FR")
    facts = ClientFacts(gender=Gender.female, age_band=AgeBand.age_25_34, nationality="RO")
    with in_org(app, org) as session:
        from app.keys.service import attach_keyring

        attach_keyring(session, app.extensions["haven.master"])
        client = register_client(
            session, ctx, ClientIntake(facts, ClientIdentity(name=name, date_of_birth=born))
        )
        session.add(
            AssistanceRecord(
                tenant_id=org.id,
                client_id=client.id,
                category=ServiceCategory.counselling,
                started_on=date(2026, 2, 1 + n % 20),
                quantity=Decimal(1),
                unit=ServiceUnit.hours,
            )
        )
        return client.id


@pytest.fixture
def network(app: Flask, factory: Factory) -> tuple[Organisation, Organisation, Organisation]:
    coalition = factory.organisation("coalition", kind="network")
    north, south = factory.organisation("north"), factory.organisation("south")
    join(app, coalition, north)
    join(app, coalition, south)
    for n in range(12):
        intake(app, north, f"Person North {n}", "1990-01-01", n)
        intake(app, south, f"Person South {n}", "1991-01-01", n)
    # Eight people were served by both: the same name and date of birth, typed differently.
    for n in range(8):
        intake(app, north, f"Ana Shared {n}", "1995-05-05", n)
        intake(app, south, f"  ANA  shared {n} ", "1995-05-05", n)
    return coalition, north, south


def pooled(app: Flask, coalition: Organisation):
    ctx = Actor(user_id=None, tenant_id=coalition.id, roles=frozenset({Role.supervisor}))
    with in_org(app, coalition) as session:
        from app.keys.service import attach_keyring

        attach_keyring(session, app.extensions["haven.master"])
        return run_network_report(session, ctx, PERIOD).released


def test_people_served_by_several_members_are_counted_once(app: Flask, network) -> None:
    coalition, north, south = network
    released = pooled(app, coalition)
    served = released.table("served_by")
    assert served.cell((None,)).value == 12 + 12 + 8  # not 40
    assert released.table("gender_by_age").cell((None, None)).value == 32
    assert released.footer.pooled


def test_a_member_that_leaves_takes_its_tokens_with_it(app: Flask, network) -> None:
    coalition, north, south = network
    with owner_work(app) as session:
        assert leave_network(session, coalition, south) == 20
    with in_org(app, south) as session:
        assert session.scalar(select(func.count()).select_from(LinkageToken)) == 0
    assert pooled(app, coalition).table("served_by").cell((None,)).value == 20


def test_a_changed_name_alone_drops_the_token_rather_than_guess(app: Flask, network) -> None:
    coalition, north, south = network
    client_id = intake(app, north, "Solo Person", "1980-01-01", 1)
    ctx = Actor(user_id=None, tenant_id=north.id, roles=frozenset({Role.caseworker}), country="FR")
    with in_org(app, north) as session:
        from app.keys.service import attach_keyring

        attach_keyring(session, app.extensions["haven.master"])
        update_identity(session, ctx, client_id, ClientIdentity(name="Solo Renamed"))
        left = session.scalar(
            select(func.count())
            .select_from(LinkageToken)
            .where(LinkageToken.client_id == client_id)
        )
    assert left == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_tokens_and_members_appear_in_no_output(
    app: Flask,
    network,
    factory: Factory,
    client: FlaskClient,
    fmt: str,
) -> None:
    coalition, north, south = network
    coordinator = factory.person("lead@coalition.org", {coalition: {Role.supervisor}}, totp=True)
    sign_in(client, coordinator)
    page = client.get("/reports/network?" + "&".join(f"{k}={v}" for k, v in PERIOD.items()))
    assert page.status_code == 200
    export = client.get(
        f"/reports/network/export.{fmt}?" + "&".join(f"{k}={v}" for k, v in PERIOD.items())
    )
    assert export.status_code == 200
    with in_org(app, north) as session:
        tokens = list(session.scalars(select(LinkageToken.token)))
    assert tokens
    for output in (page.data, export.data):
        for token in tokens[:5]:
            assert token not in output and token.hex().encode() not in output
        for member in (north, south):
            assert str(member.id).encode() not in output and member.slug.encode() not in output


def test_a_non_member_organisation_cannot_ask_for_a_network_report(
    app: Flask,
    network,
    factory: Factory,
    client: FlaskClient,
) -> None:
    coalition, north, south = network
    sign_in(client, factory.person("sup@north.org", {north: {Role.supervisor}}, totp=True))
    query = "&".join(f"{k}={v}" for k, v in PERIOD.items())
    assert client.get(f"/reports/network?{query}").status_code == 403
    assert client.get(f"/reports/network/export.csv?{query}").status_code == 403
