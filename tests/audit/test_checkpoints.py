"""Checkpoints in the database: the CLI signs each organisation's log, bundles verify."""

from __future__ import annotations

import zipfile

from sqlalchemy import select

from app.audit import verifier
from app.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from app.auth.models import Role
from app.db import bind_actor


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _checkpoints(db, org):
    bind_actor(db, org.id, None)
    rows = db.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size)).all()
    db.rollback()
    return rows


def test_checkpoint_signs_every_organisation_and_a_bundle_verifies(app, db, factory, tmp_path):
    lyon, nice = factory.organisation("lyon"), factory.organisation("nice")
    factory.person("ana@lyon.org", {lyon: {Role.caseworker}})
    factory.person("bo@nice.org", {nice: {Role.auditor}})

    result = run(app, "audit", "checkpoint")
    assert result.exit_code == 0, result.output
    assert "lyon: checkpoint of" in result.output and "nice: checkpoint of" in result.output
    (first,) = _checkpoints(db, lyon)
    assert first.size >= 1
    assert first.note.startswith(f"localhost/audit/{lyon.id}\n{first.size}\n")

    again = run(app, "audit", "checkpoint", "--org", "lyon")
    assert "nothing new" in again.output
    assert len(_checkpoints(db, lyon)) == 1

    old = tmp_path / "old.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(old)).exit_code == 0
    kept = tmp_path / "kept-checkpoint.txt"
    kept.write_bytes(zipfile.ZipFile(old).read("checkpoint.txt"))

    factory.person("cy@lyon.org", {lyon: {Role.supervisor}})
    assert run(app, "audit", "checkpoint", "--org", "lyon").exit_code == 0
    sizes = [c.size for c in _checkpoints(db, lyon)]
    assert sizes[0] < sizes[1]

    new = tmp_path / "new.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(new)).exit_code == 0
    verified = run(app, "audit", "verify", str(new), "--since", str(kept))
    assert verified.exit_code == 0, verified.output
    assert "OK: every check passed" in verified.output
    report = verifier.verify_bundle(str(new), since=kept.read_bytes())
    assert report.ok and report.checkpoint.size == sizes[1]
    # Nice's log is its own: its leaves are not Lyon's.
    bind_actor(db, nice.id, None)
    nice_leaves = db.scalars(select(AuditLeaf)).all()
    assert nice_leaves and all(leaf.tenant_id == nice.id for leaf in nice_leaves)
    db.rollback()


def test_old_checkpoints_verify_after_the_key_is_rotated(app, db, factory, tmp_path):
    lyon = factory.organisation("lyon")
    assert run(app, "audit", "checkpoint").exit_code == 0
    first = tmp_path / "first.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(first)).exit_code == 0
    kept = tmp_path / "kept.txt"
    kept.write_bytes(zipfile.ZipFile(first).read("checkpoint.txt"))

    rotated = run(app, "audit", "rotate-key", "--org", "lyon")
    assert rotated.exit_code == 0 and "version 2" in rotated.output, rotated.output
    factory.person("ana@lyon.org", {lyon: {Role.caseworker}})
    assert run(app, "audit", "checkpoint").exit_code == 0
    second = tmp_path / "second.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(second)).exit_code == 0
    keys = zipfile.ZipFile(second).read("key.vkey").decode().splitlines()
    assert len(keys) == 2 and keys[0] in rotated.output
    bind_actor(db, lyon.id, None)
    assert "key.signing_rotated" in db.scalars(select(AuditEvent.action)).all()
    db.rollback()
    verified = run(app, "audit", "verify", str(second), "--since", str(kept))
    assert verified.exit_code == 0, verified.output
