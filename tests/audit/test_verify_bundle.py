"""Verifying bundles: every way of tampering is caught and named by its index."""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.audit.bundle import write_bundle
from app.audit.notes import new_signing_key, sign_checkpoint
from app.audit.verifier import (
    BundleError,
    Checkpoint,
    Report,
    format_report,
    verify_bundle,
)
from tests.audit.logs import (
    ENTRIES,
    Log,
    files,
    forged,
    lines,
    make_entry,
    rewrite,
    with_lines,
)


def verify(bundle: bytes, **kwargs: object) -> Report:
    return verify_bundle(io.BytesIO(bundle), **kwargs)  # type: ignore[arg-type]


def failures(report: Report) -> list[tuple[str, int | None, int | None]]:
    return [(f.kind, f.first, f.last) for f in report.failures]


def edit(entries: list[bytes], p: int) -> None:
    entries[p] = forged(entries[p])


def delete(entries: list[bytes], p: int) -> None:
    del entries[p]


def reorder(entries: list[bytes], p: int) -> None:
    entries[p], entries[p + 1] = entries[p + 1], entries[p]


def insert(entries: list[bytes], p: int) -> None:
    entries.insert(p, forged(entries[p], id=uuid.UUID(int=999_999)))


def truncate(entries: list[bytes], p: int) -> None:
    del entries[p:]


TAMPERS: dict[str, Callable[[list[bytes], int], None]] = {
    "edit": edit, "delete": delete, "reorder": reorder, "insert": insert, "truncate": truncate,
}  # fmt: skip


@pytest.mark.parametrize("as_zip", [True, False])
@pytest.mark.parametrize(("start", "end"), [(0, 20), (4, 16), (0, 5), (19, 20)])
def test_untouched_bundles_verify(tmp_path: Path, as_zip: bool, start: int, end: int) -> None:
    log = Log(ENTRIES[:20])
    target = tmp_path / ("bundle.zip" if as_zip else "bundle")
    write_bundle(target, entries=log.entries[start:end], start=start, tree=log.tree,
                 signed_checkpoint=log.checkpoint(), verifier_keys=[str(log.vkey)],
                 as_zip=as_zip)  # fmt: skip
    report = verify_bundle(target, keys=[log.vkey])
    assert report.ok, format_report(report)
    assert (report.start, report.end, report.checkpoint) == (
        start, end, Checkpoint(log.origin, 20, log.tree.root())
    )  # fmt: skip
    assert report.key == log.vkey


@pytest.mark.parametrize(
    ("tamper", "whole", "range_"),
    [
        ("edit", [("altered", 7, 7)], [("altered", 7, 7)]),
        ("delete", [("missing", 7, 7), ("out_of_order", 7, 18)],
         [("missing", 7, 7), ("out_of_order", 7, 14)]),
        ("reorder", [("out_of_order", 7, 7), ("out_of_order", 8, 8)],
         [("out_of_order", 7, 7), ("out_of_order", 8, 8)]),
        ("insert", [("inserted", 7, 7), ("out_of_order", 8, 20)],
         [("inserted", 7, 7), ("out_of_order", 8, 16)]),
        ("truncate", [("missing", 7, 19)], [("missing", 7, 15)]),
    ],
)  # fmt: skip
def test_each_tampering_fails_and_names_entry_7(tamper: str, whole: list, range_: list) -> None:
    log = Log(ENTRIES[:20])
    for start, end, expected in ((0, 20, whole), (4, 16, range_)):
        bundle = log.bundle(start, end)
        tampered = lines(bundle)
        TAMPERS[tamper](tampered, 7 - start)
        report = verify(with_lines(bundle, tampered), keys=[log.vkey])
        assert failures(report) == expected, format_report(report)
        assert re.search(r"entr(y|ies) 7\b", format_report(report).split("FAILED")[1])


@settings(max_examples=60)
@given(st.data(), st.integers(2, 40), st.sampled_from(sorted(TAMPERS)), st.booleans())
def test_any_tampering_anywhere_is_named_at_its_index(
    data: st.DataObject, size: int, tamper: str, whole: bool
) -> None:
    log = Log(ENTRIES[:size])
    start, end = (0, size) if whole else sorted(data.draw(st.lists(
        st.integers(0, size), min_size=2, max_size=2, unique=True)))  # fmt: skip
    if tamper == "reorder" and end - start < 2:
        return
    p = data.draw(st.integers(0, end - start - (2 if tamper == "reorder" else 1)))
    bundle = log.bundle(start, end)
    tampered = lines(bundle)
    TAMPERS[tamper](tampered, p)
    report = verify(with_lines(bundle, tampered), keys=[log.vkey])
    kind = {"edit": "altered", "delete": "missing", "reorder": "out_of_order",
            "insert": "inserted", "truncate": "missing"}[tamper]  # fmt: skip
    assert failures(report)[0][:2] == (kind, start + p), format_report(report)
    if tamper == "edit":
        assert len(report.failures) == 1


def test_without_leaf_hashes_a_changed_whole_log_is_located_as_far_as_possible() -> None:
    log = Log(ENTRIES[:20])
    bundle = rewrite(log.bundle(), {"leaf-hashes.bin": None})
    edited = lines(bundle)
    edit(edited, 12)
    report = verify(with_lines(bundle, edited), keys=[log.vkey])
    assert failures(report) == [("unlocated", 0, 19)]
    # The checkpoint the auditor kept vouches for the entries before it.
    report = verify(with_lines(bundle, edited), keys=[log.vkey],
                    since=log.checkpoint(10).encode())  # fmt: skip
    assert failures(report) == [("unlocated", 10, 19)]
    assert "entries 0\u20139 match your earlier checkpoint" in report.notes
    # Dropped entries show as such, even where what is left cannot be checked.
    cut = lines(bundle)[:15]
    assert failures(verify(with_lines(bundle, cut), keys=[log.vkey])) == [
        ("unlocated", 0, 19), ("missing", 15, 19)
    ]  # fmt: skip


def test_leaf_hashes_forged_along_with_an_entry_are_not_believed() -> None:
    log = Log(ENTRIES[:20])
    bundle = log.bundle()
    edited = lines(bundle)
    edit(edited, 3)
    forged_hashes = b"".join(Log(edited).tree.leaf_hashes)
    report = verify(rewrite(with_lines(bundle, edited), {"leaf-hashes.bin": forged_hashes}),
                    keys=[log.vkey])  # fmt: skip
    assert failures(report) == [("unlocated", 0, 19)]
    assert "leaf-hashes.bin does not match the checkpoint; ignored" in report.notes


def test_a_bundle_resigned_with_another_key_fails_against_the_real_key() -> None:
    log = Log(ENTRIES[:20])
    edited = list(log.entries)
    edit(edited, 5)
    fake = Log(edited, key=new_signing_key())
    bundle = fake.bundle()
    # Trusting the bundle's own key.vkey, the forgery passes: hence the note and --key.
    trusting = verify(bundle)
    assert trusting.ok and "trusting the bundle's own key.vkey" in trusting.notes[0]
    report = verify(bundle, keys=[log.vkey])
    assert failures(report) == [("signature", None, None)]
    assert "no signature by a trusted key" in report.failures[0].message


def test_an_edited_checkpoint_fails_its_signature() -> None:
    log = Log(ENTRIES[:20])
    bundle = log.bundle()
    checkpoint = files(bundle)["checkpoint.txt"].replace(b"\n20\n", b"\n19\n")
    report = verify(rewrite(bundle, {"checkpoint.txt": checkpoint}), keys=[log.vkey])
    assert failures(report) == [("signature", None, None)]
    assert "does not verify" in report.failures[0].message


def test_two_checkpoints_of_the_same_size_with_different_roots_are_a_fork() -> None:
    log = Log(ENTRIES[:20])
    rewritten = list(log.entries)
    edit(rewritten, 3)
    fork = Log(rewritten)  # the same key signed another history
    for bundle in (fork.bundle(), fork.bundle(5, 9)):
        report = verify(bundle, keys=[log.vkey], since=log.checkpoint().encode())
        assert failures(report) == [("fork", None, None)]
        assert "same size 20 with different roots" in report.failures[0].message


def test_a_history_rewritten_before_an_older_checkpoint_is_a_fork() -> None:
    log = Log(ENTRIES[:20])
    rewritten = list(log.entries)
    edit(rewritten, 2)
    fork = Log(rewritten)
    kept = log.checkpoint(8).encode()
    assert failures(verify(fork.bundle(), keys=[log.vkey], since=kept)) == [("fork", 0, 7)]
    report = verify(fork.bundle(10, 15, consistency_from=(8,)), keys=[log.vkey], since=kept)
    assert failures(report) == [("fork", None, None)]
    assert "does not extend your earlier one" in report.failures[0].message


def test_consistency_with_the_checkpoint_kept_last_time() -> None:
    log = Log(ENTRIES[:20])
    kept = log.checkpoint(8).encode()
    for bundle in (log.bundle(), log.bundle(10, 15, consistency_from=(3, 8))):
        report = verify(bundle, keys=[log.vkey], since=kept)
        assert report.ok, format_report(report)
        assert "consistent with your earlier checkpoint of 8 entries" in report.notes
    report = verify(log.bundle(10, 15), keys=[log.vkey], since=kept)
    assert failures(report) == [("inconsistent", None, None)]
    assert "no consistency proof from your earlier checkpoint's size 8" in format_report(report)


def test_a_log_that_shrank_is_a_rollback() -> None:
    log = Log(ENTRIES[:20])
    report = verify(log.bundle(size=12), keys=[log.vkey], since=log.checkpoint().encode())
    assert failures(report) == [("rollback", None, None)]


def test_an_earlier_checkpoint_of_another_log_or_key_is_refused() -> None:
    log = Log(ENTRIES[:20])
    other = Log(ENTRIES[:20], origin="haven.example.org/audit/" + str(uuid.UUID(int=2)))
    report = verify(log.bundle(), keys=[log.vkey, other.vkey], since=other.checkpoint(4).encode())
    assert failures(report) == [("inconsistent", None, None)]
    report = verify(log.bundle(), keys=[log.vkey], since=other.checkpoint(4).encode())
    assert failures(report) == [("signature", None, None)]
    assert "your earlier checkpoint" in report.failures[0].message


def test_a_range_beyond_the_checkpoint_or_without_its_proofs_fails() -> None:
    log = Log(ENTRIES[:20])
    bundle = log.bundle(4, 8)
    manifest = json.loads(files(bundle)["manifest.json"])
    too_far = rewrite(bundle, {"manifest.json": json.dumps({**manifest, "end": 21}).encode()})
    assert failures(verify(too_far, keys=[log.vkey])) == [("range", None, None)]
    short = rewrite(bundle, {"manifest.json": json.dumps({**manifest, "end": 7}).encode()})
    assert failures(verify(short, keys=[log.vkey])) == [("bundle", None, None)]


def test_check_json_parses_every_entry() -> None:
    log = Log(ENTRIES[:20])
    assert verify(log.bundle(), keys=[log.vkey], check_json=True).ok
    broken = lines(log.bundle())
    broken[4] = broken[4].replace(b'{"action"', b'{"action"', 1)[:-1]  # cut the closing brace
    report = verify(with_lines(log.bundle(), broken), keys=[log.vkey], check_json=True)
    assert failures(report) == [("malformed", 4, 4)]


def test_the_empty_log_verifies() -> None:
    log = Log([])
    assert verify(log.bundle(), keys=[log.vkey]).ok


def test_a_bundle_that_cannot_be_read_raises() -> None:
    log = Log(ENTRIES[:4])
    bundle = log.bundle()
    with pytest.raises(BundleError, match="neither a directory nor a zip"):
        verify(b"not a zip")
    with pytest.raises(BundleError, match="no manifest.json"):
        verify(rewrite(bundle, {"manifest.json": None}))
    with pytest.raises(BundleError, match="format is not"):
        verify(rewrite(bundle, {"manifest.json": b'{"format": "other", "start": 0, "end": 4}'}))
    with pytest.raises(BundleError, match="consistency.0. has no old_size"):
        verify(rewrite(bundle, {"proofs.json": b'{"consistency": [{"path": []}]}'}))


def test_a_damaged_inclusion_proof_fails_its_entry() -> None:
    log = Log(ENTRIES[:20])
    bundle = log.bundle(4, 12)
    proofs = json.loads(files(bundle)["proofs.json"])
    proofs["inclusion"][3][1] = "!" + proofs["inclusion"][3][1][1:]
    report = verify(rewrite(bundle, {"proofs.json": json.dumps(proofs).encode()}), keys=[log.vkey])
    assert failures(report) == [("altered", 7, 7)]
    proofs["consistency"] = [{"old_size": 2, "path": ["A"]}]
    damaged = rewrite(bundle, {"proofs.json": json.dumps(proofs).encode()})
    report = verify(damaged, keys=[log.vkey], since=log.checkpoint(2).encode())
    assert failures(report)[-1] == ("inconsistent", None, None)
    assert "from size 2 is damaged" in report.failures[-1].message


def test_signed_checkpoints_made_by_the_app_match_its_trees() -> None:
    log = Log(ENTRIES[:6])
    wrong = sign_checkpoint(Checkpoint(log.origin, 6, b"\x00" * 32), log.key)
    with pytest.raises(ValueError, match="not the one the checkpoint signed"):
        write_bundle(io.BytesIO(), entries=log.entries, start=0, tree=log.tree,
                     signed_checkpoint=wrong, verifier_keys=[str(log.vkey)])  # fmt: skip
    with pytest.raises(ValueError, match="holds a newline"):
        Log([make_entry(0) + b"\n" + make_entry(1)]).bundle()


def test_the_empty_checkpoint_and_an_empty_range_are_trivially_fine() -> None:
    log = Log(ENTRIES[:20])
    empty = log.checkpoint(0).encode()
    for bundle in (log.bundle(), log.bundle(5, 5)):
        report = verify(bundle, keys=[log.vkey], since=empty)
        assert report.ok, format_report(report)
        assert "consistent with your earlier checkpoint of 0 entries" in report.notes
    assert "entries     none of the log" in format_report(verify(log.bundle(5, 5)))


def test_entries_swapped_far_apart_are_both_named() -> None:
    log = Log(ENTRIES[:20])
    for start, end in ((0, 20), (2, 15)):
        swapped = lines(log.bundle(start, end))
        swapped[3 - start], swapped[9 - start] = swapped[9 - start], swapped[3 - start]
        report = verify(with_lines(log.bundle(start, end), swapped), keys=[log.vkey])
        assert failures(report) == [("out_of_order", 3, 3), ("out_of_order", 9, 9)]
        line = 3 - start + 1
        assert f"line {line}, where entry 3 belongs, holds entry 9 instead" in format_report(report)


def test_a_damaged_zip_is_a_bundle_error() -> None:
    log = Log(ENTRIES[:20])
    bundle = bytearray(log.bundle())
    at = bytes(bundle).index(b"entries.jsonl") + 200  # inside the deflated entries
    bundle[at] ^= 0xFF
    with pytest.raises(BundleError, match="damaged"):
        verify(bytes(bundle), keys=[log.vkey])
