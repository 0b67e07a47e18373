"""``haven demo``: two demo organisations and one account per role, for a first look.

Run again, it changes nothing and says so: the data (and the passwords printed the first
time) are reused. ``haven user reset-password`` issues a new one-time password.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.models import Grant
from app.auth import service as auth
from app.context import Actor, Role
from app.db.tenancy import acting_in
from app.keys.work import work
from app.reports.models import GrantFunder
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
    click.echo("Demo accounts (one-time passwords: you choose a new one at first sign-in):")
    for email, one_time, summary in lines:
        click.echo(f"  {email:34} {one_time}   {summary}")
    click.echo(
        "Supervisors, admins, auditors and the platform admin enrol a second factor at first\n"
        "sign-in: scan the QR code shown with an authenticator app (e.g. Aegis, FreeOTP,\n"
        "Google Authenticator), then type the six-digit code it shows."
    )


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
