"""A process killed while making a checkpoint leaves the log verifiable.

A real ``haven audit checkpoint`` runs in a child process; just after it has written the
new leaves and before it signs, the child reports and waits, and the test kills it with
SIGKILL (no clean-up, no rollback of its own). The database must then hold exactly what
the last checkpoint held: the next checkpoint takes the same events in, and bundles from
before and after verify and are consistent.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from app.audit import verifier
from app.audit.models import AuditLeaf
from app.auth.models import Role
from app.db import bind_actor

CHILD = """
import sys, time
import app.audit.log as log
from app import create_app
from app.settings import Settings

def stop_before_signing(*args, **kwargs):
    with open(sys.argv[1], "w") as marker:
        marker.write("leaves written, not signed")
    time.sleep(300)

log.sign_checkpoint = stop_before_signing
haven = create_app(Settings.from_env())
haven.test_cli_runner().invoke(args=["audit", "checkpoint", "--org", "lyon"])
"""


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _child_env(app) -> dict[str, str]:
    conf = app.extensions["haven.settings"]
    return {
        **os.environ,
        "HAVEN_ENV": "development",
        "HAVEN_DATABASE_URL": conf.database_url,
        "HAVEN_MIGRATION_DATABASE_URL": conf.migration_database_url,
        "HAVEN_INSTANCE_PATH": str(conf.instance_path),
        "HAVEN_MASTER_KEY_FILE": str(conf.master_key_file),
        "HAVEN_SECRET_KEY": conf.secret_key,
    }


def _leaves(db, org) -> int:
    bind_actor(db, org.id, None)
    count = db.scalar(select(func.count()).select_from(AuditLeaf))
    db.rollback()
    return count


def test_killed_checkpoint_leaves_the_log_verifiable(app, db, factory, tmp_path: Path):
    lyon = factory.organisation("lyon")
    assert run(app, "audit", "checkpoint").exit_code == 0
    before = tmp_path / "before.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(before)).exit_code == 0
    kept = tmp_path / "kept.txt"
    kept.write_bytes(zipfile.ZipFile(before).read("checkpoint.txt"))
    covered = _leaves(db, lyon)
    factory.person("ana@lyon.org", {lyon: {Role.caseworker}})
    factory.person("bo@lyon.org", {lyon: {Role.supervisor}})

    marker = tmp_path / "paused"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker)],
        env=_child_env(app),
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        for _ in range(600):
            if marker.exists() or child.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "the child never reached the point before signing"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()

    assert _leaves(db, lyon) == covered, "leaves of an unsigned checkpoint survived"
    report = verifier.verify_bundle(str(before), since=kept.read_bytes())
    assert report.ok, verifier.format_report(report)

    result = run(app, "audit", "checkpoint", "--org", "lyon")
    assert result.exit_code == 0, result.output
    assert _leaves(db, lyon) > covered
    after = tmp_path / "after.zip"
    assert run(app, "audit", "export", "--org", "lyon", str(after)).exit_code == 0
    report = verifier.verify_bundle(str(after), since=kept.read_bytes())
    assert report.ok, verifier.format_report(report)
