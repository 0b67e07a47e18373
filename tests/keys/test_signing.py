"""Signing keys: one per organisation and purpose, wrapped by the master key; signatures
verify with the public half, old ones after rotation too; master rotation re-wraps them."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from app.key_admin import maintenance
from app.keys import signing
from app.keys.models import SigningKey
from app.keys.service import master
from app.keys.signing import SigningPurpose

EXPORTS, LOG = SigningPurpose.exports, SigningPurpose.audit_log


def _verify(row: SigningKey, signature: bytes, data: bytes) -> None:
    Ed25519PublicKey.from_public_bytes(row.public_key).verify(signature, data)


def test_each_organisation_and_purpose_has_its_own_key(work, casework):
    with work(casework.north) as (session, _ctx):
        north_row, north_sig = signing.sign(session, EXPORTS, b"report")
        log_row, _ = signing.sign(session, LOG, b"checkpoint")
    with work(casework.south) as (session, _ctx):
        south_row, _ = signing.sign(session, EXPORTS, b"report")
        assert [r.tenant_id for r in session.scalars(select(SigningKey))] == [casework.south.id]
    assert len({north_row.public_key, log_row.public_key, south_row.public_key}) == 3
    _verify(north_row, north_sig, b"report")
    with pytest.raises(InvalidSignature):
        _verify(south_row, north_sig, b"report")
    with pytest.raises(InvalidSignature):
        _verify(north_row, north_sig, b"report, altered")


def test_the_seed_is_never_stored_in_clear(work, casework):
    with work(casework.north) as (session, _ctx):
        row, key = signing.private_key(session, EXPORTS)
        seed = key.private_bytes_raw()
        assert seed not in row.wrapped and len(row.public_key) == 32


def test_rotation_keeps_old_signatures_checkable(work, casework):
    with work(casework.north) as (session, _ctx):
        first, old_signature = signing.sign(session, EXPORTS, b"2026 report")
        signing.rotate(session, EXPORTS)
        second, _ = signing.sign(session, EXPORTS, b"2027 report")
        versions = [(r.version, r.retired_at is None) for r in signing.all_keys(session, EXPORTS)]
    assert versions == [(2, True), (1, False)]
    assert second.public_key != first.public_key
    _verify(first, old_signature, b"2026 report")


def test_master_rotation_rewraps_signing_keys_and_they_still_sign(work, casework):
    with work(casework.north) as (session, _ctx):
        row, _ = signing.sign(session, LOG, b"before")
        old = master(session).active_key_id()
        maintenance.rotate_master(session)
    with work(casework.north) as (session, _ctx):
        row = session.scalars(select(SigningKey)).one()
        assert row.master_key_id != old
        maintenance.retire_master(session, old)
    with work(casework.north) as (session, _ctx):
        row, signature = signing.sign(session, LOG, b"after")
    _verify(row, signature, b"after")
