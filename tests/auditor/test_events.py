"""Every security-relevant action is an event, and no event carries client plaintext.

The actions are done the way people do them (the sign-in screens, the command line, the
services); the events are then read back, taken into a checkpoint and exported, and the
exported entries and the stored rows go through the canary scan of tests/clients.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pyotp
from sqlalchemy import select

from app.audit.export import export_bundle
from app.audit.log import make_checkpoint
from app.audit.models import AuditEvent
from app.clients.service import reveal_field
from app.db import bind_actor
from app.keys.service import attach_keyring
from tests.clients.test_canary import CANARY_NAME, CANARY_NOTE, CANARY_PHONE, _needles
from tests.conftest import PASSWORD, csrf_from, sign_in


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def _events(app, org) -> list[AuditEvent]:
    with app.extensions["haven.sessionmaker"]() as session:
        bind_actor(session, org.id, None)
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.occurred_at)))


def _actions(app, org) -> list[str]:
    return [e.action for e in _events(app, org)]


def test_sign_in_and_its_failures_are_events_of_the_account_organisations(
    app, client, world, people, overseers
):
    auditor = overseers.auditor
    sign_in(client, auditor, world.north)
    assert _actions(app, world.north).count("auth.signed_in") == 1
    client.post("/sign-out")
    token = csrf_from(client, "/sign-in")
    wrong = {"email": auditor.email, "password": "not the password", "csrf_token": token}
    assert client.post("/sign-in", data=wrong).status_code == 401
    nobody = {**wrong, "email": "nobody@nowhere.org"}
    assert client.post("/sign-in", data=nobody).status_code == 401
    right = {**wrong, "password": PASSWORD}
    assert client.post("/sign-in", data=right).status_code == 302
    code = str((int(pyotp.TOTP(auditor.totp_secret).now()) + 1) % 1_000_000).zfill(6)
    token = csrf_from(client, "/sign-in/code")
    assert client.post("/sign-in/code", data={"code": code, "csrf_token": token}).status_code == 401
    failures = [e for e in _events(app, world.north) if e.action == "auth.sign_in_failed"]
    assert [e.details["step"] for e in failures] == ["password", "second_factor"]
    assert all(e.target_id == str(auditor.user.id) and e.actor_id is None for e in failures)
    assert "auth.sign_in_failed" not in _actions(app, world.south)


def test_session_revocation_roles_tokens_and_key_rotations_are_events(
    app, client, world, people, overseers
):
    sign_in(client, people.north_cw, world.north)
    client.post("/sign-out-everywhere", data={"csrf_token": csrf_from(client, "/account")})
    run(app, "user", "revoke-sessions", "--email", overseers.funder.email)
    run(app, "user", "assign-role", "--org", "north", "--email", overseers.funder.email,
        "--role", "funder", "--role", "auditor")  # fmt: skip
    created = run(app, "token", "create", "--org", "north", "--name", "ci", "--role", "auditor")
    token_id = created.output.split()[1]
    run(app, "token", "revoke", "--org", "north", "--id", token_id)
    run(app, "keys", "rotate-tenant", "--org", "north")
    run(app, "keys", "rotate-master")
    actions = _actions(app, world.north)
    for expected in (
        "member.sessions_revoked",
        "member.roles_assigned",
        "api_token.created",
        "api_token.revoked",
        "key.tenant_rotated",
        "key.master_rotated",
    ):
        assert expected in actions, expected
    revoked = [e for e in _events(app, world.north) if e.action == "member.sessions_revoked"]
    assert {e.target_id for e in revoked} == {
        str(people.north_cw.user.id),
        str(overseers.funder.user.id),
    }
    assert "key.tenant_rotated" not in _actions(app, world.south)


def test_no_event_holds_client_plaintext(app, client, world, people, work, tmp_path: Path):
    sign_in(client, people.north_cw, world.north)
    data = {
        "gender": "female",
        "age_band": "25_34",
        "nationality": "MD",
        "name": CANARY_NAME,
        "phone": CANARY_PHONE,
        "narrative": CANARY_NOTE,
        "csrf_token": csrf_from(client, "/clients/new"),
    }
    response = client.post("/clients/new", data=data)
    assert response.status_code == 302
    url = response.headers["Location"]
    token = csrf_from(client, "/clients")
    assert CANARY_NAME in client.post(
        f"{url}/reveal", data={"field": "name", "csrf_token": token}
    ).get_data(as_text=True)
    client.post("/clients/search", data={"kind": "name", "value": CANARY_NAME, "csrf_token": token})
    with work(world.north, people.north_cw) as (session, ctx):
        client_id = uuid.UUID(url.rsplit("/", 1)[1])
        assert reveal_field(session, ctx, client_id, "phone") == CANARY_PHONE

    stored = repr(
        [(e.action, e.target_type, e.target_id, e.details) for e in _events(app, world.north)]
    )
    assert [n for n in _needles() if n in stored.encode()] == []

    with app.extensions["haven.sessionmaker"]() as session:
        attach_keyring(session, app.extensions["haven.master"])
        bind_actor(session, world.north.id, None)
        make_checkpoint(session, "localhost")
        session.commit()
        bind_actor(session, world.north.id, None)
        export_bundle(session, "localhost", tmp_path / "bundle", as_zip=False)
        session.rollback()
    entries = (tmp_path / "bundle" / "entries.jsonl").read_bytes()
    code = client.get(url).get_data(as_text=True).split("<title>")[1].split(" ")[0]
    assert code.encode() in entries  # positive control: pseudonyms are there, in clear
    assert b'"client.revealed"' in entries and b'"client.searched"' in entries
    assert [n for n in _needles() if n in entries] == []
