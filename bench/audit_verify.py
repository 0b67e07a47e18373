"""Benchmark of offline bundle verification (not a test). Run: ``python bench/audit_verify.py``.

Makes a log of 1,000,000 canonical audit entries (``--entries N`` for another size),
signs a checkpoint, writes a whole-log bundle (a directory, or ``--zip`` for the zip an
auditor downloads), then times, in the same run and on the same bytes:

- the baseline: reading ``entries.jsonl`` and SHA-256 over it in one stream, and the
  per-entry floor (split into lines, one SHA-256 call per entry, as any per-leaf check
  must do in Python);
- ``verify_bundle`` on the whole log: signature, every leaf hash, the root, each entry's
  index, and consistency with a checkpoint kept at half the size;
- a range bundle of ``--range`` entries (default 10,000) from the middle of the log, each
  entry checked by its RFC 9162 inclusion proof.

Target (issue 12): the whole-log verification under 10 s on this machine.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.audit.bundle import write_bundle  # noqa: E402
from app.audit.entries import read_entry  # noqa: E402
from app.audit.merkle import MerkleTree  # noqa: E402
from app.audit.notes import new_signing_key, origin_for, sign_checkpoint, verifier_key  # noqa: E402
from app.audit.verifier import (  # noqa: E402
    Checkpoint,
    Report,
    format_report,
    parse_vkey,
    verify_bundle,
)

TENANT = uuid.UUID("3f1c7a2e-0000-4000-8000-000000000001")
ACTIONS = ("client.revealed", "case.opened", "client.searched", "member.added", "referral.sent")
#: An entry in the canonical form entries.entry_bytes gives (checked on a sample below):
#: members sorted, no spaces, ASCII only. Formatting a template keeps generation quick.
TEMPLATE = (
    '{"action":"%s","actor":{"id":"%s","roles":["caseworker"],"type":"user"},'
    '"consent":null,"context_hash":"sha256:%064x","details":{"count":%d,"field":"name"},'
    '"id":"00000000-0000-4000-8000-%012x","index":%d,"objects":[{"code":"K7-MORA-%02d","id":"%s","type":"client"}],'
    '"policy":null,"tenant":"%s","time":"2026-11-%02dT%02d:%02d:%02d.%06dZ","v":1}'
)


def make_entries(count: int) -> list[bytes]:
    users = [str(uuid.UUID(int=0xA0000 + i)) for i in range(40)]
    clients = [str(uuid.UUID(int=0xC0000 + i)) for i in range(5000)]
    tenant, out = str(TENANT), []
    for i in range(count):
        second = i * 2
        out.append((TEMPLATE % (
            ACTIONS[i % 5], users[i % 40], i * 2654435761, i % 7, i + 1, i,
            i % 100, clients[i % 5000], tenant, 1 + second // 86400 % 28,
            second // 3600 % 24, second // 60 % 60, second % 60, i % 1000000,
        )).encode())  # fmt: skip
    for entry in out[:: max(1, count // 200)]:
        read_entry(entry)  # raises unless the template's output is exactly canonical
    return out


def timed(label: str, run: object) -> tuple[tuple[float, float], object]:
    """Wall and CPU time of ``run()``, and its result. On a shared machine the CPU time
    is what the work costs when the cores are not busy with someone else's."""
    gc.collect()
    start, cpu = time.perf_counter(), time.process_time()
    result = run()  # type: ignore[operator]
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"  {label:<46} {elapsed:7.2f} s  (CPU {cpu:6.2f} s)")
    return (elapsed, cpu), result


def sha256_stream(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 23):
            digest.update(chunk)
    return digest.digest()


def sha256_per_entry(path: Path) -> int:
    sha, count = hashlib.sha256, 0
    with path.open("rb") as stream:
        tail = b""
        while chunk := stream.read(1 << 23):
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            count += len([sha(line).digest() for line in lines])
    return count


def write_bundles(tmp: Path, n: int, range_size: int, as_zip: bool) -> tuple[Path, Path, str]:
    """The whole-log and range bundles, and the auditor's key; the log is freed after."""
    _, entries = timed("generate canonical entries", lambda: make_entries(n))
    _, tree = timed("build the tree (server side)", lambda: MerkleTree.from_entries(entries))
    assert isinstance(tree, MerkleTree) and isinstance(entries, list)
    key = new_signing_key()
    origin = origin_for("haven.example.org", TENANT)
    vkey = str(verifier_key(origin, key))
    signed = sign_checkpoint(Checkpoint(origin, n, tree.root()), key)
    (tmp / "kept.txt").write_text(
        sign_checkpoint(Checkpoint(origin, n // 2, tree.root(n // 2)), key)
    )
    suffix = ".zip" if as_zip else ""
    whole, part = tmp / f"whole{suffix}", tmp / f"range{suffix}"
    lo = n // 2 - range_size // 2

    def write() -> None:
        write_bundle(whole, entries=entries, start=0, tree=tree, signed_checkpoint=signed,
                     verifier_keys=[vkey], as_zip=as_zip)  # fmt: skip
        write_bundle(part, entries=entries[lo : lo + range_size], start=lo, tree=tree,
                     signed_checkpoint=signed, verifier_keys=[vkey],
                     consistency_from=[n // 2], as_zip=as_zip)  # fmt: skip

    timed("write the bundles", write)
    return whole, part, vkey


def entries_file(tmp: Path, whole: Path) -> Path:
    if whole.is_dir():
        return whole / "entries.jsonl"
    data = tmp / "entries.jsonl"
    with zipfile.ZipFile(whole) as archive:
        data.write_bytes(archive.read("entries.jsonl"))
    return data


#: Runs the copied verifier as __main__ and reports its own peak memory on exit: VmHWM
#: of its address space, which starts afresh at exec (rusage would count the pages the
#: fork shared with this process).
PEAK_WRAPPER = (
    "import atexit, runpy, sys; atexit.register(lambda: print([line for line in"
    " open('/proc/self/status') if line.startswith('VmHWM')][0], file=sys.stderr));"
    " sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def run_standalone(tmp: Path, whole: Path, vkey: str) -> tuple[tuple[float, float], float]:
    """``python -I haven_verify.py`` on a copy of the verifier: wall and CPU s, peak MB."""
    script = tmp / "haven_verify.py"
    shutil.copy(ROOT / "app" / "audit" / "verifier.py", script)
    command = [sys.executable, "-I", "-c", PEAK_WRAPPER, str(script), str(whole), "--key", vkey]
    start = time.perf_counter()
    done = subprocess.run([*command, "--since", str(tmp / "kept.txt")], capture_output=True,
                          text=True, check=False)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"haven_verify.py failed:\n{done.stdout}{done.stderr}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_kb = int(done.stderr.split("VmHWM:")[-1].split()[0])
    return (elapsed, usage.ru_utime + usage.ru_stime), peak_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--range", type=int, default=10_000, dest="range_size")
    parser.add_argument("--zip", action="store_true", help="write and verify zip bundles")
    args = parser.parse_args()
    n, range_size = args.entries, args.range_size
    print(f"audit bundle verification, {n:,} entries ({'zip' if args.zip else 'directory'}),"
          f" load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print("set-up (not measured against the target):")
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as name:
        tmp = Path(name)
        whole, part, vkey = write_bundles(tmp, n, range_size, args.zip)
        keys, kept = [parse_vkey(vkey)], (tmp / "kept.txt").read_bytes()
        data = entries_file(tmp, whole)
        size_mb = data.stat().st_size / 1e6
        sha256_stream(data)  # warm the page cache for every contender alike
        print(f"measured ({size_mb:,.0f} MB of entries, {size_mb * 1e6 / n:.0f} bytes each):")
        bare, _ = timed("baseline: SHA-256 of the bytes, one stream", lambda: sha256_stream(data))
        floor, _ = timed("baseline: one SHA-256 per entry", lambda: sha256_per_entry(data))
        spent, report = timed("verify the whole log (+ consistency)",
                              lambda: verify_bundle(whole, keys, kept))  # fmt: skip
        ranged, range_report = timed(f"verify a range of {range_size:,} (inclusion proofs)",
                                     lambda: verify_bundle(part, keys, kept))  # fmt: skip
        command, peak_command = run_standalone(tmp, whole, vkey)
    for result in (report, range_report):
        assert isinstance(result, Report)
        if not result.ok:
            sys.exit(f"a bundle failed to verify:\n{format_report(result)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    label = "the command an auditor runs, whole log"
    print(f"  {label:<46} {command[0]:7.2f} s  (CPU {command[1]:6.2f} s)")
    print(f"results (wall; CPU), load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores:")
    for label, baseline in (("one-stream", bare), ("per-entry", floor)):
        wall, cpu = spent[0] / baseline[0], spent[1] / baseline[1]
        print(f"  whole log / {label + ' SHA-256':<21} {wall:5.1f}x; {cpu:5.1f}x")
    per_entry = [t / range_size * 1e6 for t in ranged]
    print(f"  range, per entry                 {per_entry[0]:5.0f} us; {per_entry[1]:5.0f} us")
    print(
        f"  peak memory: haven_verify.py     {peak_command:,.0f} MB (this process {peak:,.0f} MB)"
    )
    for kind, seconds in zip(("wall", "CPU"), spent, strict=True):
        verdict = "met" if seconds < 10 else "missed"
        print(f"  target: whole log under 10 s, {kind} time: {verdict} ({seconds:.2f} s)")


if __name__ == "__main__":
    main()
