"""The verifier as auditors run it: one copied file, a clean interpreter, no Haven."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.audit import verifier
from tests.audit.logs import ENTRIES, Log, forged, lines, with_lines

VERIFIER = Path(verifier.__file__)
#: Runs the copied file as __main__ with Haven's packages made unimportable, so that an
#: import of them fails even where the virtualenv has Haven installed.
NO_HAVEN = (
    "import runpy, sys; sys.modules.update(app=None, crypto=None, policies=None);"
    " sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    imported = set()
    for node in ast.walk(ast.parse(VERIFIER.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module
            imported.add(node.module.partition(".")[0])
    assert imported - sys.stdlib_module_names == {"cryptography"}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    shutil.copy(VERIFIER, tmp_path / "haven_verify.py")
    log = Log(ENTRIES[:20])
    (tmp_path / "bundle.zip").write_bytes(log.bundle())
    edited = lines(log.bundle())
    edited[7] = forged(edited[7])
    (tmp_path / "tampered.zip").write_bytes(with_lines(log.bundle(), edited))
    (tmp_path / "kept.txt").write_text(log.checkpoint(8))
    (tmp_path / "auditor.vkey").write_text(f"# given by the organisation\n{log.vkey}\n")
    fork = list(log.entries)
    fork[3] = forged(fork[3])
    (tmp_path / "fork.zip").write_bytes(Log(fork).bundle())
    (tmp_path / "kept-full.txt").write_text(log.checkpoint())
    return tmp_path


def run(
    workdir: Path, *args: str, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [python, "-I", "-c", NO_HAVEN, "haven_verify.py", *args],
        cwd=workdir, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_a_good_bundle_verifies_with_the_auditors_key(workdir: Path) -> None:
    done = run(workdir, "bundle.zip", "--key", "auditor.vkey", "--since", "kept.txt")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK: every check passed" in done.stdout
    assert "consistent with your earlier checkpoint of 8 entries" in done.stdout
    assert done.stderr == ""


def test_a_tampered_bundle_fails_and_names_the_entry(workdir: Path) -> None:
    done = run(workdir, "tampered.zip", "--key", "auditor.vkey")
    assert done.returncode == 1
    assert "FAILED: 1 problem(s)" in done.stdout
    assert "entry 7 (from line 8) is not what the checkpoint holds" in done.stdout


def test_a_forked_history_fails(workdir: Path) -> None:
    done = run(workdir, "fork.zip", "--key", "auditor.vkey", "--since", "kept-full.txt")
    assert done.returncode == 1
    assert "same size 20 with different roots" in done.stdout


def test_a_bundle_it_cannot_read_exits_2(workdir: Path) -> None:
    (workdir / "junk.zip").write_bytes(b"junk")
    done = run(workdir, "junk.zip")
    assert done.returncode == 2
    assert "cannot verify" in done.stderr


def test_the_plain_command_line_of_the_docs(workdir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-I", "haven_verify.py", "bundle.zip", "--since", "kept.txt"],
        cwd=workdir, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "trusting the bundle's own key.vkey" in done.stdout


def test_debians_own_python_runs_it_too(workdir: Path) -> None:
    system = Path("/usr/bin/python3")
    probe = subprocess.run([system, "-I", "-c", "import cryptography"], capture_output=True,
                           check=False) if system.exists() else None  # fmt: skip
    if probe is None or probe.returncode != 0:
        pytest.skip("no /usr/bin/python3 with cryptography (apt-get install python3-cryptography)")
    done = run(workdir, "tampered.zip", "--key", "auditor.vkey", python=str(system))
    assert done.returncode == 1, done.stderr
    assert "entry 7 (from line 8)" in done.stdout
