"""``haven keys``: status, rotation, retirement and verification of encryption keys.

Registered by :mod:`app.wiring` with the other commands.
Every command prints ids, versions and counts only: never a key, never a value.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from app.key_admin.maintenance import (
    KeyStatus,
    key_status,
    organisation_id,
    retire_master,
    rotate_master,
    rotate_tenant,
)
from app.key_admin.verify import verify_sample
from app.keys.work import work
from crypto import CryptoError


@contextmanager
def _clean_crypto_errors() -> Iterator[None]:
    """Crypto errors name keys and formats only, so their message is safe to print."""
    try:
        yield
    except CryptoError as error:
        raise click.ClickException(f"{type(error).__name__}: {error}") from None


@click.group("keys", cls=AppGroup, help="Encryption keys: status, rotation, verification.")
def keys_group() -> None: ...


@keys_group.command("status", help="Key ids, versions, and how many keys and values each holds.")
def status_command() -> None:

    with _clean_crypto_errors(), work() as session:
        _print_status(key_status(session))


def _print_status(status: KeyStatus) -> None:
    click.echo(f"master: active {status.active_master}")
    for version in status.master_versions:
        click.echo(f"  {version}: wraps {status.keys_under(version)} keys")
    for key_id, version in sorted(status.platform_keys.items()):
        click.echo(f"platform key {key_id}: under {version}")
    for tenant in status.tenants:
        click.echo(f"organisation {tenant.slug} ({tenant.tenant_id}):")
        for key in tenant.keys:
            state = "retired" if key.retired else "live"
            click.echo(
                f"  {key.key_id} ({state}, under {key.master_key_id}): "
                f"{key.client_keys} client keys, {key.sealed_values} sealed values"
            )
        click.echo(f"  erased clients: {tenant.erased_clients}")


@keys_group.command("rotate-master", help="New master version; re-wrap every tenant key.")
def rotate_master_command() -> None:

    with _clean_crypto_errors(), work() as session:
        result = rotate_master(session)
    started = f"created {result.added}" if result.added else "resumed"
    click.echo(
        f"master rotation {started}: {result.rewrapped} keys re-wrapped, active {result.active}"
    )


@keys_group.command("rotate-tenant", help="New key version for one organisation.")
@click.option("--org", "slug", required=True, help="organisation handle, e.g. lyon-shelter")
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(min=1),
    help="client keys moved per committed step (a crash loses at most one step)",
)
def rotate_tenant_command(slug: str, batch_size: int) -> None:

    moved = 0
    while True:
        with _clean_crypto_errors(), work() as session:
            step = rotate_tenant(session, organisation_id(session, slug), batch_size=batch_size)
        moved += step.rewrapped
        click.echo(f"{slug}: {moved} client keys under {step.target}, {step.remaining} to go")
        if step.remaining == 0:
            break
    if step.retired:
        click.echo(f"{slug}: retired {', '.join(step.retired)}")


@keys_group.command("retire-master", help="Destroy a master version nothing uses any more.")
@click.option("--version", "version", required=True, help="e.g. m1")
def retire_master_command(version: str) -> None:

    with _clean_crypto_errors(), work() as session:
        retire_master(session, version)
    click.echo(f"master key {version} retired")


@keys_group.command("verify", help="Open a sample of every organisation's sealed values.")
@click.option("--sample", default=20, show_default=True, type=click.IntRange(min=1))
def verify_command(sample: int) -> None:

    with _clean_crypto_errors(), work() as session:
        checks = verify_sample(session, sample)
    failed = 0
    for check in checks:
        click.echo(
            f"{check.slug}: {check.keys_checked} keys, {check.values_checked} values opened, "
            f"{len(check.failures)} failures"
        )
        for failure in check.failures:
            where = f"client {failure.client_id} " if failure.client_id else ""
            click.echo(f"  FAILED {where}{failure.what}: {failure.error}")
        failed += len(check.failures)
    if failed:
        raise click.exceptions.Exit(1)
