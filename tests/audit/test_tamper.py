"""Tampering with the log in the database, as its owner, is caught by the offline verifier,
which names the place; the app role cannot tamper at all (PostgreSQL).

The owner is the strongest attacker short of holding the master key: on PostgreSQL it may
lift the append-only triggers of its own tables (the app role may not), and it must still
set the organisation for row-level security, which is forced on owners too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from app.audit import verifier
from app.audit.actions import AuditAction
from app.audit.export import Period, export_bundle
from app.audit.models import AuditEvent, AuditLeaf
from app.audit.service import record_event
from app.context import Actor
from app.db import bind_actor, unit_of_work
from app.keys.service import attach_keyring
from tests.conftest import ON_POSTGRES

TRIGGERS = {
    "audit_events": ("audit_events_append_only", "audit_events_no_truncate"),
    "audit_leaves": ("audit_leaves_append_only",),
    "audit_checkpoints": ("audit_checkpoints_append_only",),
}


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result


def as_owner(app, org, statements: list[tuple[str, dict]]) -> None:
    """Run SQL as the schema owner, append-only triggers lifted for the transaction."""
    engine = create_engine(app.extensions["haven.settings"].migration_database_url)
    with engine.begin() as conn:
        if ON_POSTGRES:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(org.id)})
            for table, names in TRIGGERS.items():
                for name in names:
                    conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {name}"))
        for sql, params in statements:
            conn.execute(text(sql), {k: _stored(v) for k, v in params.items()})
        if ON_POSTGRES:
            for table, names in TRIGGERS.items():
                for name in names:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {name}"))
    engine.dispose()


def _stored(value: object) -> object:
    """A UUID as the engine stores it (SQLite: 32 hex digits, no hyphens)."""
    return uuid.UUID(value).hex if isinstance(value, str) and not ON_POSTGRES else value


@pytest.fixture
def log(app, db, factory):
    """An organisation whose log of at least 10 entries is covered by a checkpoint."""
    lyon = factory.organisation("lyon")
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        bind_actor(session, lyon.id, None)
        for n in range(11):
            record_event(session, Actor.system(lyon.id), AuditAction.client_searched,
                         field="code", matches=n)  # fmt: skip
    run(app, "audit", "checkpoint", "--org", "lyon")
    bind_actor(db, lyon.id, None)
    ids = [str(i) for i in db.scalars(select(AuditLeaf.event_id).order_by(AuditLeaf.log_index))]
    db.rollback()
    assert len(ids) >= 10
    return lyon, ids


def bundle(app, db, org, tmp_path: Path, period: Period | None = None) -> verifier.Report:
    target = tmp_path / f"{uuid.uuid4().hex}.zip"
    bind_actor(db, org.id, None)
    attach_keyring(db, app.extensions["haven.master"])
    export_bundle(db, "localhost", target, period or Period())
    db.rollback()
    return verifier.verify_bundle(str(target))


def edit(ids):
    return [("UPDATE audit_events SET action = 'client.revealed' WHERE id = :e", {"e": ids[3]})]


def delete(ids):
    return [("DELETE FROM audit_events WHERE id = :e", {"e": ids[3]})]


def reorder(ids):
    swap = str(uuid.uuid4())
    move = "UPDATE audit_leaves SET event_id = :e WHERE log_index = :i"
    return [
        (move, {"e": swap, "i": 3}),
        (move, {"e": ids[3], "i": 6}),
        (move, {"e": ids[6], "i": 3}),
    ]


def insert(ids):
    """A forged event slipped in at index 3; everything after moves down one place."""
    forged = str(uuid.uuid4())
    copy = (
        "INSERT INTO audit_events (tenant_id, id, occurred_at, actor_id, api_token_id, action,"
        " target_type, target_id, details) SELECT tenant_id, :f, occurred_at, actor_id,"
        " api_token_id, 'client.erased', target_type, target_id, details FROM audit_events"
        " WHERE id = :e"
    )
    move = "UPDATE audit_leaves SET event_id = :e WHERE log_index = :i"
    shifted = [forged, *ids[3:-1]]
    steps = [(copy, {"f": forged, "e": ids[3]})]
    steps += [(move, {"e": str(uuid.uuid4()), "i": i}) for i in range(3, len(ids))]
    steps += [(move, {"e": e, "i": 3 + k}) for k, e in enumerate(shifted)]
    return steps


def truncate(ids):
    return [("DELETE FROM audit_events WHERE id = :e", {"e": e}) for e in ids[5:]]


CASES: dict[str, tuple[Callable, str, int]] = {
    "edit": (edit, "altered", 3),
    "delete": (delete, "missing", 3),
    "reorder": (reorder, "altered", 3),
    "insert": (insert, "altered", 3),
    "truncate": (truncate, "missing", 5),
}


@pytest.mark.parametrize("case", CASES)
def test_tampering_as_the_owner_fails_verification_and_names_the_place(
    app, db, log, tmp_path, case
):
    org, ids = log
    assert bundle(app, db, org, tmp_path).ok
    tamper, kind, first = CASES[case]
    as_owner(app, org, tamper(ids))
    report = bundle(app, db, org, tmp_path)
    assert not report.ok
    found = [f for f in report.failures if f.kind == kind]
    assert found and found[0].first == first, verifier.format_report(report)
    assert re.search(rf"entr(y|ies) {first}\b", found[0].message), found[0].message
    if case == "reorder":
        assert any(f.first == 6 or (f.first or 0) <= 6 <= (f.last or -1) for f in found)
    if case == "truncate":
        assert found[0].last == len(ids) - 1


def test_a_range_bundle_names_an_edited_entry_by_its_inclusion_proof(app, db, log, tmp_path):
    org, ids = log
    bind_actor(db, org.id, None)
    since = db.scalar(select(AuditEvent.occurred_at).where(AuditEvent.id == uuid.UUID(ids[2])))
    db.rollback()
    as_owner(app, org, edit(ids))
    report = bundle(app, db, org, tmp_path, Period(since=since))
    assert 0 < report.start <= 3 and report.end == len(ids)
    (failure,) = report.failures
    assert failure.kind == "altered" and failure.first == 3


def test_a_rewritten_and_resigned_history_is_a_fork(app, db, log, tmp_path):
    """Even with the signing key (a fully compromised server), rewriting the log and
    signing it again shows against the checkpoint the auditor kept."""
    org, ids = log
    target = tmp_path / "kept.zip"
    run(app, "audit", "export", "--org", "lyon", str(target))
    kept = verifier.Bundle(str(target))
    with kept:
        old_note = kept.read("checkpoint.txt")
    as_owner(
        app,
        org,
        [
            *edit(ids),
            ("DELETE FROM audit_leaves WHERE tenant_id = :t", {"t": str(org.id)}),
            ("DELETE FROM audit_checkpoints WHERE tenant_id = :t", {"t": str(org.id)}),
        ],
    )
    run(app, "audit", "checkpoint", "--org", "lyon")
    rewritten = tmp_path / "new.zip"
    run(app, "audit", "export", "--org", "lyon", str(rewritten))
    alone = verifier.verify_bundle(str(rewritten))
    assert alone.ok  # consistent in itself: only the kept checkpoint shows the rewrite
    report = verifier.verify_bundle(str(rewritten), since=old_note)
    assert [f.kind for f in report.failures] == ["fork"]
    assert "forked" in report.failures[0].message


APP_ROLE_STATEMENTS = {
    "audit_events": "UPDATE audit_events SET action = 'x.y'",
    "audit_leaves": "UPDATE audit_leaves SET log_index = log_index + 1000",
    "audit_checkpoints": "UPDATE audit_checkpoints SET size = size + 1",
}


@pytest.mark.postgres
@pytest.mark.parametrize("table", sorted(TRIGGERS))
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE", "TRUNCATE"])
def test_the_app_role_cannot_change_the_log(app, log, table, verb):
    org, _ = log
    statement = {
        "UPDATE": APP_ROLE_STATEMENTS[table],
        "DELETE": f"DELETE FROM {table}",
        "TRUNCATE": f"TRUNCATE {table}",
    }[verb]
    engine = create_engine(app.extensions["haven.settings"].database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(org.id)})
            assert conn.scalar(text(f"SELECT count(*) FROM {table}")) > 0
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("table", sorted(TRIGGERS))
def test_even_the_owner_cannot_change_the_log_without_lifting_the_triggers(app, log, table):
    org, _ = log
    engine = create_engine(app.extensions["haven.settings"].migration_database_url)
    try:
        for statement in (APP_ROLE_STATEMENTS[table], f"DELETE FROM {table}"):
            with engine.begin() as conn:
                conn.execute(
                    text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(org.id)}
                )
                with pytest.raises(DBAPIError, match="append-only"):
                    conn.execute(text(statement))
    finally:
        engine.dispose()
