"""``haven`` command line: database, organisations, users, roles, sessions, demo data.

Each command is one unit of work: it commits once at the end or writes nothing. Bad input
ends with a one-line message and exit status 2, never a traceback.
"""

from __future__ import annotations

from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth import service as auth
from app.auth import sessions
from app.auth.inputs import Invitation
from app.auth.models import User
from app.auth.tokens import create_api_token, revoke_api_token
from app.context import Actor, Role
from app.db import HavenSession
from app.db.tenancy import acting_in
from app.keys.work import work
from app.migrate import upgrade
from app.settings import SUPPORTED_LOCALES
from app.tenants import service as tenants
from app.tenants.models import Organisation, OrganisationKind


@click.group("db", cls=AppGroup, help="Database schema.")
def db_group() -> None: ...


@db_group.command("upgrade", help="Migrate the database to the newest schema.")
def db_upgrade() -> None:
    conf = current_app.extensions["haven.settings"]
    upgrade(conf.migration_database_url, app_role=conf.app_db_role)
    click.echo("database is at the newest schema")


@click.group("org", cls=AppGroup, help="Organisations (tenants).")
def org_group() -> None: ...


@org_group.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True, help="short handle, e.g. lyon-shelter")
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrganisationKind]))
@click.option("--country", required=True, help="ISO 3166 code, e.g. FR")
@click.option("--locale", default="en", type=click.Choice(SUPPORTED_LOCALES))
def org_create(name: str, slug: str, kind: str, country: str, locale: str) -> None:
    with work() as session:
        org = tenants.create_organisation(
            session, Actor.system(), name=name, slug=slug, kind=kind, country=country, locale=locale
        )
        click.echo(f"created organisation {org.slug} ({org.id})")


@click.group("user", cls=AppGroup, help="People, memberships, roles and sessions.")
def user_group() -> None: ...


def _in_org(session: HavenSession, slug: str) -> Organisation:
    return tenants.get_organisation_by_slug(session, slug)


@user_group.command("create", help="Create an account (prints a one-time password).")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--platform-admin", is_flag=True, help="may manage organisations")
def user_create(email: str, name: str, platform_admin: bool) -> None:
    with work(as_owner=platform_admin) as session:
        user, one_time = auth.create_user(session, email, name, is_platform_admin=platform_admin)
        click.echo(f"created {user.email}; one-time password: {one_time}")


ROLE_OPTION = click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)


@user_group.command("invite", help="Add a person to an organisation with roles.")
@click.option("--org", "slug", required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@ROLE_OPTION
def user_invite(slug: str, email: str, name: str, roles: tuple[str, ...]) -> None:
    with work() as session:
        org = _in_org(session, slug)
        with acting_in(session, org.id):
            invitation = Invitation(email, name, list(roles))
            membership, one_time = auth.invite_member(session, Actor.system(org.id), invitation)
        extra = f"; one-time password: {one_time}" if one_time else " (existing account)"
        click.echo(f"{membership.user.email} is a member of {org.slug}{extra}")


@user_group.command("assign-role", help="Replace a member's roles in an organisation.")
@click.option("--org", "slug", required=True)
@click.option("--email", required=True)
@ROLE_OPTION
def user_assign_role(slug: str, email: str, roles: tuple[str, ...]) -> None:
    with work() as session:
        org = _in_org(session, slug)
        user = _user(session, email)
        with acting_in(session, org.id):
            auth.assign_roles(session, Actor.system(org.id), user.id, list(roles))
        click.echo(f"{user.email} in {org.slug}: {', '.join(sorted(roles))}")


@user_group.command("revoke-sessions", help="Sign a person out everywhere, at once.")
@click.option("--email", required=True)
def user_revoke_sessions(email: str) -> None:
    with work() as session:
        count = sessions.revoke_everywhere(session, _user(session, email).id, by=None)
        click.echo(f"{count} sessions ended")


@user_group.command("reset-password", help="Issue a new one-time password.")
@click.option("--email", required=True)
def user_reset_password(email: str) -> None:
    with work() as session:
        user = _user(session, email)
        one_time = auth.reset_password(session, user)
        sessions.revoke_everywhere(session, user.id, by=None)
        click.echo(f"{user.email}: one-time password {one_time}")


@click.group("token", cls=AppGroup, help="API tokens for integrations.")
def token_group() -> None: ...


@token_group.command("create", help="Create a token for one organisation and role.")
@click.option("--org", "slug", required=True)
@click.option("--name", required=True, help="what the integration is")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
def token_create(slug: str, name: str, role: str) -> None:
    with work() as session:
        org = _in_org(session, slug)
        with acting_in(session, org.id):
            raw, token = create_api_token(session, Actor.system(org.id), name, Role(role))
        click.echo(f"token {token.id} for {org.slug} as {role} (shown once):\n{raw}")


@token_group.command("revoke", help="Revoke a token at once.")
@click.option("--org", "slug", required=True)
@click.option("--id", "token_id", required=True, type=click.UUID)
def token_revoke(slug: str, token_id: Any) -> None:
    with work() as session:
        org = _in_org(session, slug)
        with acting_in(session, org.id):
            revoke_api_token(session, Actor.system(org.id), token_id)
        click.echo(f"token {token_id} revoked")


def _user(session: HavenSession, email: str) -> User:
    user = auth.find_user_by_email(session, email)
    if user is None:
        raise click.UsageError(f"no account with e-mail {email}")
    return user
