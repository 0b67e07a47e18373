"""``haven demo``: two demo organisations and one account per role, for a first look.

Run again, it changes nothing and says so: the data (and the passwords printed the first
time) are reused. ``haven user reset-password`` issues a new one-time password.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.inputs import ServiceInput
from app.assistance.models import Grant
from app.assistance.service import record_service
from app.auth import service as auth
from app.cases.inputs import CaseOpening, RiskInput
from app.cases.risks import add_risk
from app.cases.service import open_case
from app.claims.service import ClaimFiling, file_claim
from app.clients.models import Client
from app.clients.service import register_client
from app.clients.validation import ClientFacts, ClientIdentity, ClientIntake
from app.context import Actor, Role
from app.db.tenancy import acting_in, bind_actor
from app.keys.work import work
from app.referrals.inputs import ExternalReferral
from app.referrals.service import refer_externally
from app.reports.models import GrantFunder
from app.taxonomy import AgeBand, Gender, Sector
from app.tenants import service as tenants
from app.tenants.models import Organisation

DEMO_ORGS = (
    ("Refuge Demo Lyon", "demo-shelter", "shelter", "FR", "fr"),
    ("Demo Legal Aid", "demo-legal", "legal_aid", "GB", "en"),
)
DEMO_PEOPLE = (
    (
        "admin@demo.haven.example",
        "Demo Admin",
        {"demo-shelter": [Role.org_admin], "demo-legal": [Role.org_admin]},
    ),
    (
        "caseworker@demo.haven.example",
        "Demo Caseworker",
        {"demo-shelter": [Role.caseworker], "demo-legal": [Role.caseworker]},
    ),
    (
        "supervisor@demo.haven.example",
        "Demo Supervisor",
        {"demo-shelter": [Role.supervisor, Role.caseworker]},
    ),
    ("auditor@demo.haven.example", "Demo Auditor", {"demo-shelter": [Role.auditor]}),
    ("funder@demo.haven.example", "Demo Funder", {"demo-shelter": [Role.funder]}),
)
#: The demo caseworker opens the demo clients' cases, so they are "my cases" on sign-in.
CASEWORKER = "caseworker@demo.haven.example"
PLATFORM_ADMIN = ("platform@demo.haven.example", "Demo Platform Admin")


@click.command("demo", help="Create demo organisations and users (idempotent).")
@with_appcontext
def demo_command() -> None:

    # As the schema owner: the demo makes a platform admin, which the app's role may not.
    with work(as_owner=True) as session:
        if session.scalar(select(Organisation).where(Organisation.slug == "demo-shelter")):
            click.echo(
                "Demo data already exists; reusing it. Passwords were printed the first "
                "time; `haven user reset-password --email …` issues new ones."
            )
            return
        orgs = {}
        for name, slug, kind, country, locale in DEMO_ORGS:
            orgs[slug] = tenants.create_organisation(
                session,
                Actor.system(),
                name=name,
                slug=slug,
                kind=kind,
                country=country,
                locale=locale,
            )
        lines = []
        funded = _demo_grant(session, orgs["demo-shelter"])
        user, one_time = auth.create_user(session, *PLATFORM_ADMIN, is_platform_admin=True)
        lines.append((user.email, one_time, "platform admin"))
        for email, display, grants in DEMO_PEOPLE:
            user, one_time = auth.create_user(session, email, display)
            for slug, roles in grants.items():
                with acting_in(session, orgs[slug].id):
                    auth.add_member(session, Actor.system(orgs[slug].id), user, frozenset(roles))
                    if Role.funder in roles and slug == "demo-shelter":
                        session.add(
                            GrantFunder(
                                tenant_id=funded.tenant_id, grant_id=funded.id, user_id=user.id
                            )
                        )
            summary = "; ".join(
                f"{s}: {', '.join(r.value for r in rs)}" for s, rs in grants.items()
            )
            lines.append((user.email, one_time, summary))
            if email == CASEWORKER:
                for slug in grants:
                    _seed_as(session, orgs[slug], user.id)
    click.echo("Demo accounts (one-time passwords: you choose a new one at first sign-in):")
    for email, one_time, summary in lines:
        click.echo(f"  {email:34} {one_time}   {summary}")
    click.echo(
        "Everyone but the funder enrols a second factor at first sign-in (anyone who can\n"
        "reveal or audit client data must): scan the QR code shown with an authenticator\n"
        "app (e.g. Aegis, FreeOTP, Google Authenticator), then type the code it shows."
    )


def _seed_as(session: Session, org: Organisation, user_id: uuid.UUID) -> None:
    ctx = Actor(user_id, org.id, frozenset({Role.caseworker}), country=org.country)
    with acting_in(session, org.id):
        bind_actor(session, org.id, user_id)
        seed_casework(session, ctx, "EUR" if org.country == "FR" else "GBP")


#: Coarse facts of the demo clients: nobody real, and no identity is recorded for them.
DEMO_CLIENTS = (
    ClientFacts(
        Gender.female,
        AgeBand.age_25_34,
        False,
        "MD",
        ["ro", "ru"],
        "ro",
        ["sexual"],
        Sector.sex_industry,
    ),
    ClientFacts(
        Gender.male,
        AgeBand.age_35_49,
        False,
        "UA",
        ["uk", "ru"],
        "uk",
        ["labour"],
        Sector.construction,
    ),
    ClientFacts(
        Gender.female,
        AgeBand.age_18_24,
        False,
        "NG",
        ["en"],
        "en",
        ["domestic_servitude"],
        Sector.domestic_work,
    ),
)


def seed_casework(session: Session, ctx: Actor, currency: str) -> list[Client]:
    """Pseudonymous demo clients of one organisation, with open cases assigned to
    ``ctx`` (a caseworker), services, a risk review due, a claim and a referral, so
    every role's screens have something to show. Only coarse facts: no identity."""
    today = ctx.today()
    clients = []
    for number, facts in enumerate(DEMO_CLIENTS):
        client = register_client(session, ctx, ClientIntake(facts, ClientIdentity()))
        opened = today - timedelta(days=30 - 7 * number)
        case = open_case(session, ctx, client.id, CaseOpening(opened))
        for day, category, unit, quantity in (
            (opened, "accommodation", "nights", Decimal(3)),
            (opened + timedelta(days=1), "counselling", "sessions", Decimal(1)),
        ):
            record_service(
                session,
                ctx,
                client.id,
                ServiceInput(
                    category=category,
                    unit=unit,
                    quantity=quantity,
                    started_on=day,
                    ended_on=day + timedelta(days=3) if unit == "nights" else None,
                    language=facts.preferred_language,
                    interpreter_used=False,
                ),
            )
        if number == 0:
            add_risk(
                session,
                ctx,
                client.id,
                case.id,
                RiskInput(kind="retaliation", level="high", review_on=today),
            )
            file_claim(
                session,
                ctx,
                client.id,
                ClaimFiling(
                    route="labour_court",
                    defendant_type="employer",
                    currency=currency,
                    amount_claimed=Decimal("4200"),
                ),
            )
            refer_externally(
                session,
                ctx,
                client.id,
                ExternalReferral(
                    partner_kind="external_organisation",
                    partner_name="Demo legal clinic",
                    services_requested=["legal"],
                    sent_on=today,
                ),
            )
        clients.append(client)
    return clients
def _demo_grant(session: Session, org: Organisation) -> Grant:
    """A grant whose report the demo funder reads (their home page)."""
    with acting_in(session, org.id):
        grant = Grant(
            tenant_id=org.id,
            code="DEMO-AMIF-2026",
            name="Shelter and counselling",
            funder="AMIF (demo)",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            budget=Decimal("120000.00"),
            currency="EUR",
        )
        session.add(grant)
        session.flush()
        return grant
