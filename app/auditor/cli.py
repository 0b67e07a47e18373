"""``haven audit``: checkpoints (run from cron or a systemd timer), bundles, verification.

Each organisation's checkpoint is its own unit of work: a failure in one (reported, exit
status 1) leaves the others signed, and a run killed half-way changes nothing of the
organisation it was working on.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from app.audit import verifier
from app.audit.actions import AuditAction
from app.audit.export import Period, export_bundle
from app.audit.log import make_checkpoint, verifier_keys
from app.audit.service import record_event
from app.context import Actor
from app.db.tenancy import acting_in
from app.errors import HavenError
from app.keys.signing import SigningPurpose, rotate
from app.keys.work import work
from app.tenants import service as tenants


@click.group("audit", cls=AppGroup, help="The tamper-evident audit log.")
def audit_group() -> None: ...


def _host() -> str:
    return str(current_app.extensions["haven.settings"].audit_host)


@audit_group.command("checkpoint", help="Sign a checkpoint of each organisation's log.")
@click.option("--org", "slug", help="only this organisation (default: every one)")
def checkpoint(slug: str | None) -> None:
    with work() as session:
        slugs = [slug] if slug else [o.slug for o in tenants.list_organisations(session)]
    failed = 0
    for each in slugs:
        try:
            with work() as session:
                org = tenants.get_organisation_by_slug(session, each)
                with acting_in(session, org.id):
                    made = make_checkpoint(session, _host())
                size = made.checkpoint.size
        except (HavenError, click.ClickException) as error:
            failed += 1
            click.echo(f"{each}: no checkpoint: {getattr(error, 'message', error)}", err=True)
            continue
        news = f"{made.added} new entries" if made.added else "nothing new"
        click.echo(f"{each}: checkpoint of {size} entries ({news})")
    if failed:
        sys.exit(1)


@audit_group.command("rotate-key", help="A new signing key for an organisation's log.")
@click.option("--org", "slug", required=True)
def rotate_key(slug: str) -> None:
    """The old key is retired, not deleted: checkpoints it signed still verify, and bundles
    list it after the new one."""
    with work() as session:
        org = tenants.get_organisation_by_slug(session, slug)
        with acting_in(session, org.id):
            row = rotate(session, SigningPurpose.audit_log)
            record_event(
                session, Actor.system(org.id), AuditAction.key_signing_rotated, "signing_key",
                f"audit_log:{row.version}",
            )  # fmt: skip
            session.flush()
            key = verifier_keys(session, _host())[0]
    click.echo(f"{slug}: new audit key, version {row.version}:\n{key}")


@audit_group.command("export", help="Write a bundle of an organisation's log.")
@click.option("--org", "slug", required=True)
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), help="first day (UTC)")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), help="last day (UTC)")
@click.option("--since-size", type=int, help="size of a checkpoint you kept")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
def export(
    slug: str, since: datetime | None, until: datetime | None, since_size: int | None, target: str
) -> None:
    period = Period(
        _day(since.date()) if since else None,
        _day(until.date(), next_day=True) if until else None,
    )
    with work() as session:
        org = tenants.get_organisation_by_slug(session, slug)
        with acting_in(session, org.id):
            done = export_bundle(session, _host(), target, period, since_size=since_size)
    click.echo(
        f"{target}: entries {done.start}-{done.end - 1} of a checkpoint of"
        f" {done.checkpoint.size} ({done.written} written)"
    )


def _day(day: date, *, next_day: bool = False) -> datetime:
    """Midnight UTC at the start of ``day`` (of the day after, for an inclusive end)."""
    return datetime.combine(day, time(), tzinfo=UTC) + timedelta(days=1 if next_day else 0)


@audit_group.command(
    "verify",
    help="Verify a bundle offline (the same checks as haven_verify.py).",
    context_settings={"ignore_unknown_options": True},
)
@click.argument("bundle", type=click.Path(exists=True))
@click.option("--since", "old", type=click.Path(exists=True, dir_okay=False),
              help="checkpoint.txt kept from an earlier bundle")  # fmt: skip
@click.option("--key", "keys", multiple=True, help="trusted verifier key, or a file of them")
@click.option("--check-json", is_flag=True, help="also parse every entry as JSON")
def verify(bundle: str, old: str | None, keys: tuple[str, ...], check_json: bool) -> None:
    argv = [bundle]
    if old:
        argv += ["--since", old]
    for key in keys:
        argv += ["--key", key]
    if check_json:
        argv.append("--check-json")
    sys.exit(verifier.main(argv))
