"""``haven keys``: status, rotations, retirement, verification; clean errors, no secrets."""

from __future__ import annotations

from sqlalchemy import select

from app.clients import service
from app.clients.models import Client
from app.key_admin.cli import keys_group
from app.keys.service import master
from tests.clients.conftest import intake


def run(app, *args):
    return app.test_cli_runner().invoke(keys_group, list(args))


def _register(work, org, n):
    with work(org) as (session, ctx):
        return [
            service.register_client(session, ctx, intake({}, {"name": f"Zora Kim {i}"})).id
            for i in range(n)
        ]


def test_status_rotate_and_verify(app, work, casework):
    _register(work, casework.north, 3)
    result = run(app, "status")
    assert result.exit_code == 0, result.output
    assert "organisation north" in result.output
    assert (
        "t1 (live, under m" in result.output and "3 client keys, 3 sealed values" in result.output
    )

    result = run(app, "rotate-tenant", "--org", "north", "--batch-size", "2")
    assert result.exit_code == 0, result.output
    assert "north: 2 client keys under t2, 1 to go" in result.output
    assert "north: 3 client keys under t2, 0 to go" in result.output
    assert "retired t1" in result.output

    result = run(app, "rotate-master")
    assert result.exit_code == 0, result.output
    with work(casework.north) as (session, _ctx):
        versions = master(session).key_ids()
    old, new = versions[-2], versions[-1]
    assert f"active {new}" in result.output

    result = run(app, "retire-master", "--version", new)
    assert result.exit_code != 0 and "active master key" in result.output
    result = run(app, "retire-master", "--version", old)
    assert result.exit_code == 0, result.output

    result = run(app, "verify", "--sample", "5")
    assert result.exit_code == 0, result.output
    assert "north: 1 keys, 3 values opened, 0 failures" in result.output
    assert "Zora" not in result.output


def test_verify_fails_on_a_damaged_value(app, work, casework):
    [client_id] = _register(work, casework.north, 1)
    with work(casework.north) as (session, _ctx):
        client = session.scalar(select(Client))
        client.sealed_name = client.sealed_name[:-1] + bytes([client.sealed_name[-1] ^ 1])
    result = run(app, "verify")
    assert result.exit_code == 1
    assert f"FAILED client {client_id} clients.sealed_name: SealBroken" in result.output
    assert "Zora" not in result.output


def test_clear_errors(app, casework):
    result = run(app, "rotate-tenant", "--org", "nowhere")
    assert result.exit_code == 1 and "no organisation with handle nowhere" in result.output
    assert "Traceback" not in result.output
    result = run(app, "retire-master", "--version", "m999")
    assert result.exit_code == 1 and "no master key m999" in result.output
    result = run(app, "verify", "--sample", "0")
    assert result.exit_code == 2
