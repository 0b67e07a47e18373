"""Signed notes and checkpoints, against the C2SP specs and Go's sumdb/note vector."""

from __future__ import annotations

import base64
import hashlib
import uuid

import pytest

from app.audit.notes import (
    new_signing_key,
    origin_for,
    parse_signer_key,
    sign_checkpoint,
    sign_note,
    signer_key_text,
    verifier_key,
)
from app.audit.verifier import (
    Checkpoint,
    NoteError,
    VerifierKey,
    note_key_id,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_vkey,
)

# golang.org/x/mod/sumdb/note's documented example (note.go, note_test.go).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZS"
    "NXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
ORIGIN = origin_for("haven.example.org", uuid.UUID("3f1c7a2e-0000-4000-8000-000000000001"))


def test_go_sumdb_note_vector_verifies_and_is_reproduced_byte_for_byte() -> None:
    key = parse_vkey(GO_VKEY)
    assert (key.name, key.key_id.hex()) == ("PeterNeumann", "c74f20a3")
    assert str(key) == GO_VKEY
    assert open_note(GO_NOTE.encode(), [key]) == (GO_TEXT, key)
    name, private = parse_signer_key(GO_SKEY)
    assert sign_note(GO_TEXT, name, private) == GO_NOTE  # Ed25519 is deterministic
    assert signer_key_text(name, private) == GO_SKEY
    assert str(verifier_key(name, private)) == GO_VKEY


def test_the_key_id_is_the_c2sp_one() -> None:
    key = parse_vkey(GO_VKEY)
    expected = hashlib.sha256(b"PeterNeumann\n\x01" + key.public_key).digest()[:4]
    assert note_key_id("PeterNeumann", key.public_key) == expected == key.key_id


def test_a_checkpoint_round_trips_through_signing_and_opening() -> None:
    key = new_signing_key()
    checkpoint = Checkpoint(ORIGIN, 20852163, bytes(range(32)))
    signed = sign_checkpoint(checkpoint, key)
    root = base64.b64encode(bytes(range(32))).decode()
    assert signed.startswith(f"{ORIGIN}\n20852163\n{root}\n\n\u2014 {ORIGIN} ")
    vkey = parse_vkey(str(verifier_key(ORIGIN, key)))
    assert open_checkpoint(signed.encode(), [vkey]) == (checkpoint, vkey)


def test_a_signature_by_another_key_is_refused() -> None:
    ours, theirs = new_signing_key(), new_signing_key()
    signed = sign_checkpoint(Checkpoint(ORIGIN, 3, b"\x00" * 32), theirs)
    with pytest.raises(NoteError, match="no signature by a trusted key"):
        open_checkpoint(signed.encode(), [verifier_key(ORIGIN, ours)])
    # A key claiming the signer's name and id but holding another public key: verified,
    # and refused (signed-note: a known key's failing signature rejects the note).
    impostor = verifier_key(ORIGIN, theirs)
    wrong = VerifierKey(ORIGIN, impostor.key_id, verifier_key(ORIGIN, ours).public_key)
    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(signed.encode(), [wrong])


def test_a_changed_text_fails_and_unknown_signatures_are_ignored() -> None:
    key = new_signing_key()
    vkey = verifier_key(ORIGIN, key)
    signed = sign_checkpoint(Checkpoint(ORIGIN, 3, b"\x00" * 32), key)
    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(signed.replace("\n3\n", "\n4\n").encode(), [vkey])
    other = sign_note(
        Checkpoint(ORIGIN, 3, b"\x00" * 32).text(), "witness.example", new_signing_key()
    )
    cosigned = signed + other.split("\n\n")[1]  # a witness's line after the log's
    assert open_checkpoint(cosigned.encode(), [vkey])[1] == vkey


def test_a_checkpoint_must_be_signed_under_its_own_origin() -> None:
    key = new_signing_key()
    signed = sign_note(Checkpoint(ORIGIN, 1, b"\x00" * 32).text(), "other.example/log", key)
    with pytest.raises(NoteError, match="not by the log"):
        open_checkpoint(signed.encode(), [verifier_key("other.example/log", key)])


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        (GO_TEXT + "\u2014 PeterNeumann AAAA\n", "no blank line"),
        (GO_NOTE[:-1], "no blank line"),
        (GO_NOTE.replace("\u2014", "-"), "malformed signature line"),
        (GO_NOTE.replace("x08go", "x08g!"), "not standard base64"),
        (GO_NOTE.replace("problem,", "problem,\r"), "control characters"),
        (GO_TEXT + "\n\u2014 PeterNeumann AAAA\n", "too short"),
        (GO_TEXT + "\n" + "\u2014 X AAAAAAA=\n" * 65, "more than 64"),
    ],
)
def test_malformed_notes_are_refused(note: str, problem: str) -> None:
    with pytest.raises(NoteError, match=problem):
        open_note(note.encode(), [parse_vkey(GO_VKEY)])
    with pytest.raises(NoteError, match="not UTF-8"):
        open_note(b"\xff\n\n", [parse_vkey(GO_VKEY)])


def test_the_tlog_checkpoint_example_parses() -> None:
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = parse_checkpoint(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.text() == text
    assert parse_checkpoint(text + "an extension\n").extensions == ("an extension",)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("o\n1\n" + "A" * 43 + "=", "three lines"),
        ("o\n1\n", "three lines"),
        ("\n1\n" + "A" * 43 + "=\n", "origin line is empty"),
        ("o\n01\n" + "A" * 43 + "=\n", "not a decimal"),
        ("o\n-1\n" + "A" * 43 + "=\n", "not a decimal"),
        ("o\n\u0661\n" + "A" * 43 + "=\n", "not a decimal"),  # an Arabic-Indic digit
        ("o\n1\nAAAA\n", "not 32 bytes"),
        ("o\n1\n" + "A" * 43 + "=\n\n", "empty extension"),
    ],
)
def test_malformed_checkpoints_are_refused(text: str, problem: str) -> None:
    with pytest.raises(NoteError, match=problem):
        parse_checkpoint(text)


@pytest.mark.parametrize(
    ("vkey", "problem"),
    [
        (GO_VKEY.replace("c74f20a3", "c74f20a4"), "does not match"),
        (GO_VKEY.replace("c74f20a3", "C74F20A3"), "8 lowercase hex"),
        (GO_VKEY.replace("+ARpc", "+AhpC"), "not an Ed25519"),
        ("Peter Neumann" + GO_VKEY[12:], "not a valid key name"),
        ("PeterNeumann+c74f20a3+", "not an Ed25519"),
    ],
)
def test_malformed_verifier_keys_are_refused(vkey: str, problem: str) -> None:
    with pytest.raises(NoteError, match=problem):
        parse_vkey(vkey)


def test_origins_name_the_organisation_by_its_id_under_the_host() -> None:
    tenant = uuid.uuid4()
    assert origin_for("haven.example.org", tenant) == f"haven.example.org/audit/{tenant}"
    assert origin_for("localhost:8000", tenant).startswith("localhost:8000/audit/")
    for host in ("", "Haven.example", "haven example", "a+b", "haven.example/x"):
        with pytest.raises(ValueError, match="host name"):
            origin_for(host, tenant)


def test_a_note_text_must_end_with_a_newline_and_hold_no_controls() -> None:
    key = new_signing_key()
    for text in ("no newline", "tab\there\n"):
        with pytest.raises(ValueError, match="newline"):
            sign_note(text, "name", key)
    with pytest.raises(NoteError, match="id does not match its key"):
        parse_signer_key(GO_SKEY.replace("c74f20a3", "00000000"))
