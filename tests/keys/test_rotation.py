"""Key rotation, retirement, status and verification through the app's storage."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.clients import service
from app.clients.models import Client
from app.key_admin import maintenance, verify
from app.key_admin.maintenance import KeyMaintenanceError
from app.keys.models import ClientKey, TenantKey
from app.keys.service import master
from tests.clients.conftest import intake

IDENTITY = {"name": "Olga Mazur", "phone": "+380 44 123 4567", "date_of_birth": "1988-02-29"}


def _register(work, org, n=1, name=None):
    ids = []
    with work(org) as (session, ctx):
        for i in range(n):
            identity = {**IDENTITY, "name": name or f"Olga Mazur {i}"}
            ids.append(service.register_client(session, ctx, intake({}, identity)).id)
    return ids


def _read_all(work, org, ids):
    """Reveal and search every client in a fresh session (no cached keys)."""
    with work(org) as (session, ctx):
        for i, client_id in enumerate(ids):
            assert service.reveal_field(session, ctx, client_id, "phone") == IDENTITY["phone"]
            found = service.search_identity(session, ctx, "name", f"olga mazur {i}")
            assert [c.id for c in found] == [client_id]


def _wrapping_versions(work, org):
    with work(org) as (session, _ctx):
        return sorted(session.scalars(select(ClientKey.tenant_key_id)).all())


def test_rotate_tenant_then_read(work, casework):
    north = _register(work, casework.north, 3)
    south = _register(work, casework.south, 1)
    for _ in range(2):  # south's versions are its own: north still goes from t1 to t2
        with work(casework.south) as (session, _ctx):
            maintenance.rotate_tenant(session, casework.south.id)
    with work(casework.north) as (session, _ctx):
        result = maintenance.rotate_tenant(session, casework.north.id)
    assert (result.target, result.rewrapped, result.remaining) == ("t2", 3, 0)
    assert result.retired == ["t1"]
    assert _wrapping_versions(work, casework.north) == ["t2"] * 3
    assert _wrapping_versions(work, casework.south) == ["t3"]
    _read_all(work, casework.north, north)
    _read_all(work, casework.south, south)
    newcomer = _register(work, casework.north, 1, name="Olga Mazur 0")
    assert _wrapping_versions(work, casework.north) == ["t2"] * 4
    with work(casework.north) as (session, ctx):
        found = service.search_identity(session, ctx, "name", "Olga Mazur 0")
        assert {c.id for c in found} == {north[0], newcomer[0]}
        # Nothing sealed was re-encrypted: the values still name the client key c1.
        assert all(c.sealed_name[2:4] == b"c1" for c in session.scalars(select(Client)))


def test_interrupted_tenant_rotation_then_read_then_resume(work, casework):
    ids = _register(work, casework.north, 4)
    with work(casework.north) as (session, _ctx):
        half = maintenance.rotate_tenant(session, casework.north.id, batch_size=2)
    assert (half.rewrapped, half.remaining, half.retired) == (2, 2, [])
    assert _wrapping_versions(work, casework.north) == ["t1", "t1", "t2", "t2"]
    _read_all(work, casework.north, ids)  # half-way: every value readable and searchable
    # A crash inside a step rolls that step back and leaves the earlier steps in place.
    with pytest.raises(RuntimeError), work(casework.north) as (session, _ctx):
        maintenance.rotate_tenant(session, casework.north.id, batch_size=1)
        raise RuntimeError("power cut")
    assert _wrapping_versions(work, casework.north) == ["t1", "t1", "t2", "t2"]
    with work(casework.north) as (session, _ctx):
        rest = maintenance.rotate_tenant(session, casework.north.id)
    assert (rest.target, rest.rewrapped, rest.remaining, rest.retired) == ("t2", 2, 0, ["t1"])
    _read_all(work, casework.north, ids)
    with work(casework.north) as (session, _ctx):
        again = maintenance.rotate_tenant(session, casework.north.id)
    assert (again.target, again.retired) == ("t3", ["t2"])
    _read_all(work, casework.north, ids)


def test_erased_clients_do_not_hold_back_retirement(work, casework):
    ids = _register(work, casework.north, 2)
    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        service.erase_client(session, ctx, ids[0])
    with work(casework.north) as (session, _ctx):
        result = maintenance.rotate_tenant(session, casework.north.id)
    assert (result.rewrapped, result.retired) == (1, ["t1"])
    with work(casework.north) as (session, ctx):
        assert service.reveal_field(session, ctx, ids[1], "phone") == IDENTITY["phone"]
        with pytest.raises(service.ClientErased):
            service.reveal_field(session, ctx, ids[0], "phone")


def test_rotate_master_then_retire_the_old_version(work, casework, app):
    north = _register(work, casework.north, 2)
    south = _register(work, casework.south, 1)
    with work(casework.north) as (session, _ctx):
        old = master(session).active_key_id()
        result = maintenance.rotate_master(session)
    assert result.added == result.active != old
    assert result.rewrapped >= 2  # both tenant keys (and any platform key)
    with work(casework.north) as (session, _ctx):
        status = maintenance.key_status(session)
        assert status.keys_under(old) == 0 and status.keys_under(result.active) >= 2
        with pytest.raises(KeyMaintenanceError):
            maintenance.retire_master(session, result.active)
        maintenance.retire_master(session, old)
        assert old not in master(session).key_ids()
    _read_all(work, casework.north, north)
    _read_all(work, casework.south, south)


def test_interrupted_master_rotation_resumes_without_a_new_version(work, casework):
    ids = _register(work, casework.north, 1)
    with work(casework.north) as (session, _ctx):
        provider = master(session)
        old = provider.active_key_id()
        crashed = provider.add_version()  # the key file changed, then the process died
    _read_all(work, casework.north, ids)  # tenant keys still under the old version: readable
    with work(casework.north) as (session, _ctx):
        with pytest.raises(KeyMaintenanceError):
            maintenance.retire_master(session, old)  # still in use: refused
        result = maintenance.rotate_master(session)
    assert result.added is None and result.active == crashed and result.rewrapped >= 2
    with work(casework.north) as (session, _ctx):
        again = maintenance.rotate_master(session)  # nothing left: a real new rotation
        assert again.added is not None and again.added != crashed
    _read_all(work, casework.north, ids)


def test_status_counts_keys_and_values(work, casework):
    _register(work, casework.north, 2)
    with work(casework.north) as (session, _ctx):
        status = maintenance.key_status(session)
    north = next(t for t in status.tenants if t.slug == "north")
    [key] = north.keys
    assert (key.key_id, key.retired, key.client_keys, key.sealed_values) == ("t1", False, 2, 6)
    assert key.master_key_id == status.active_master


def test_verify_reports_a_damaged_value_without_its_content(work, casework):
    ids = _register(work, casework.north, 2)
    _register(work, casework.south, 1)
    with work(casework.north) as (session, _ctx):
        checks = verify.verify_sample(session, sample=10)
    assert all(not c.failures for c in checks)
    assert {c.slug: c.values_checked for c in checks if c.slug != "(platform)"} == {
        "north": 6,
        "south": 3,
    }
    with work(casework.north) as (session, _ctx):
        client = session.get(Client, (casework.north.id, ids[0]))
        damaged = bytearray(client.sealed_name)
        damaged[-1] ^= 1
        client.sealed_name = bytes(damaged)
    with work(casework.north) as (session, _ctx):
        checks = verify.verify_sample(session, sample=10)
    [failure] = [f for c in checks for f in c.failures]
    assert (failure.client_id, failure.what, failure.error) == (
        ids[0],
        "clients.sealed_name",
        "SealBroken",
    )
    assert "Olga" not in repr(checks)


def test_tenant_rotation_of_an_unknown_organisation(work, casework):
    import uuid

    with pytest.raises(maintenance.NotFound), work(casework.north) as (session, _ctx):
        maintenance.rotate_tenant(session, uuid.uuid4())
    with work(casework.north) as (session, _ctx):
        assert session.scalar(select(TenantKey.key_id)) == "t1"
