"""Key wrapping, the tenant/client hierarchy, rotation by re-wrapping, crypto-shredding."""

from __future__ import annotations

import uuid

import pytest

from crypto import (
    DataKey,
    FieldBinding,
    MalformedSeal,
    SealBroken,
    UnknownKey,
    UnsupportedVersion,
    client_context,
    new_data_key,
    open_sealed,
    rewrap,
    seal,
    tenant_context,
    unwrap_key,
    wrap_key,
    wrapped_by,
)


def same_key(a: DataKey, b: DataKey) -> bool:
    return a.key_id == b.key_id and a.material == b.material


def test_wrap_unwrap_round_trip(tenant_id: str) -> None:
    tenant_key, client_key = new_data_key("t1"), new_data_key("c1")
    context = client_context(tenant_id, "client-a")
    wrapped = wrap_key(tenant_key, client_key, context)
    assert wrapped_by(wrapped) == "t1"
    assert client_key.material not in wrapped
    assert same_key(unwrap_key(tenant_key, wrapped, context, "c1"), client_key)


def test_new_data_keys_are_random() -> None:
    assert new_data_key("c1").material != new_data_key("c1").material


@pytest.mark.parametrize(
    "other_context",
    [
        client_context("tenant-a", "client-b"),  # another client
        client_context("tenant-b", "client-a"),  # same client id, another tenant
        tenant_context("tenant-a"),  # promoted to a tenant key
        b"",
    ],
)
def test_wrapped_key_moved_to_another_owner_fails(other_context: bytes) -> None:
    tenant_key, client_key = new_data_key("t1"), new_data_key("c1")
    wrapped = wrap_key(tenant_key, client_key, client_context("tenant-a", "client-a"))
    with pytest.raises(SealBroken) as caught:
        unwrap_key(tenant_key, wrapped, other_context, "c1")
    assert caught.value.__context__ is None


def test_contexts_are_unambiguous() -> None:
    assert client_context("ab", "c") != client_context("a", "bc")
    assert tenant_context("a") != client_context("a", "")


def test_relabelled_dek_id_fails() -> None:
    tenant_key, client_key = new_data_key("t1"), new_data_key("c1")
    wrapped = wrap_key(tenant_key, client_key, tenant_context("x"))
    with pytest.raises(SealBroken):
        unwrap_key(tenant_key, wrapped, tenant_context("x"), "c2")


def test_wrong_kek() -> None:
    wrapped = wrap_key(new_data_key("t1"), new_data_key("c1"), tenant_context("x"))
    with pytest.raises(UnknownKey):
        unwrap_key(new_data_key("t2"), wrapped, tenant_context("x"), "c1")
    with pytest.raises(SealBroken):
        unwrap_key(new_data_key("t1"), wrapped, tenant_context("x"), "c1")


def test_tampered_or_truncated_wrapped_key_fails() -> None:
    kek = new_data_key("t1")
    wrapped = wrap_key(kek, new_data_key("c1"), tenant_context("x"))
    for position in range(len(wrapped)):
        tampered = bytearray(wrapped)
        tampered[position] ^= 0x01
        with pytest.raises((SealBroken, UnknownKey, UnsupportedVersion)):
            unwrap_key(kek, bytes(tampered), tenant_context("x"), "c1")
    for length in range(len(wrapped)):
        with pytest.raises(MalformedSeal):
            unwrap_key(kek, wrapped[:length], tenant_context("x"), "c1")


def test_sealed_value_and_wrapped_key_cannot_be_confused(binding: FieldBinding) -> None:
    key = new_data_key("c1")
    wrapped = wrap_key(key, new_data_key("c2"), tenant_context("x"))
    with pytest.raises(UnsupportedVersion):
        open_sealed(key, wrapped, binding)
    with pytest.raises(UnsupportedVersion):
        unwrap_key(key, seal(key, "x", binding), tenant_context("x"), "c2")


def test_rewrap_moves_key_under_new_kek_and_fields_still_open(binding: FieldBinding) -> None:
    old, new = new_data_key("t1"), new_data_key("t2")
    client_key = new_data_key("c1")
    context = client_context(binding.tenant_id, "client-a")
    sealed = seal(client_key, "Fatima", binding)
    rewrapped = rewrap(old, new, wrap_key(old, client_key, context), context, "c1")
    assert wrapped_by(rewrapped) == "t2"
    assert open_sealed(unwrap_key(new, rewrapped, context, "c1"), sealed, binding) == "Fatima"


def test_rewrap_is_idempotent() -> None:
    old, new = new_data_key("t1"), new_data_key("t2")
    wrapped = wrap_key(old, new_data_key("c1"), tenant_context("x"))
    once = rewrap(old, new, wrapped, tenant_context("x"), "c1")
    assert rewrap(old, new, once, tenant_context("x"), "c1") is once


def test_rewrap_checks_a_key_already_under_the_new_kek() -> None:
    old, new = new_data_key("t1"), new_data_key("t2")
    under_new = wrap_key(new, new_data_key("c1"), tenant_context("x"))
    with pytest.raises(SealBroken):  # wrong context: not silently accepted as done
        rewrap(old, new, under_new, tenant_context("y"), "c1")


def test_rewrap_refuses_a_key_under_a_third_kek() -> None:
    wrapped = wrap_key(new_data_key("t0"), new_data_key("c1"), tenant_context("x"))
    with pytest.raises(UnknownKey):
        rewrap(new_data_key("t1"), new_data_key("t2"), wrapped, tenant_context("x"), "c1")


def test_interrupted_tenant_key_rotation_resumes(tenant_id: str) -> None:
    old, new = new_data_key("t1"), new_data_key("t2")
    store: dict[str, bytes] = {}  # client id -> wrapped client key, as the database holds
    sealed: dict[str, tuple[bytes, FieldBinding]] = {}
    for n in range(10):
        client_id = f"client-{n}"
        key = new_data_key("c1")
        store[client_id] = wrap_key(old, key, client_context(tenant_id, client_id))
        binding = FieldBinding(tenant_id, "clients", "name", client_id)
        sealed[client_id] = (seal(key, f"name {n}", binding), binding)

    def rotate(limit: int | None = None) -> None:
        for client_id in list(store)[:limit]:
            context = client_context(tenant_id, client_id)
            store[client_id] = rewrap(old, new, store[client_id], context, "c1")

    def open_all() -> list[str]:
        keks = {"t1": old, "t2": new}
        opened = []
        for client_id, wrapped in store.items():
            context = client_context(tenant_id, client_id)
            key = unwrap_key(keks[wrapped_by(wrapped)], wrapped, context, "c1")
            opened.append(open_sealed(key, *sealed[client_id]))
        return opened

    expected = [f"name {n}" for n in range(10)]
    rotate(limit=5)  # crash half way
    assert {wrapped_by(w) for w in store.values()} == {"t1", "t2"}
    assert open_all() == expected
    rotate()  # run again to the end
    assert {wrapped_by(w) for w in store.values()} == {"t2"}
    assert open_all() == expected


def test_shredded_client_cannot_be_opened_with_any_other_key(tenant_id: str) -> None:
    tenant_key = new_data_key("t1")
    keys = {c: new_data_key("c1") for c in ("victim", "neighbour")}
    store = {c: wrap_key(tenant_key, k, client_context(tenant_id, c)) for c, k in keys.items()}
    binding = FieldBinding(tenant_id, "clients", "name", "victim")
    sealed = seal(keys["victim"], "Olena Petrenko", binding)

    del store["victim"], keys["victim"]  # crypto-shredding: the wrapped key is gone

    neighbour = unwrap_key(
        tenant_key, store["neighbour"], client_context(tenant_id, "neighbour"), "c1"
    )
    with pytest.raises(SealBroken):
        open_sealed(neighbour, sealed, binding)  # same key id, other material
    with pytest.raises(UnknownKey):
        open_sealed(tenant_key, sealed, binding)
    with pytest.raises(SealBroken):  # even a tenant key relabelled as c1
        open_sealed(DataKey("c1", tenant_key.material), sealed, binding)
    with pytest.raises(SealBroken):  # or the neighbour's wrapped key under the victim's name
        unwrap_key(tenant_key, store["neighbour"], client_context(tenant_id, "victim"), "c1")


def test_ids_appear_in_errors_but_never_material() -> None:
    kek = new_data_key("t1")
    dek = new_data_key("c1")
    wrapped = wrap_key(kek, dek, tenant_context(str(uuid.uuid4())))
    with pytest.raises(SealBroken) as caught:
        unwrap_key(kek, wrapped, b"other", "c1")
    assert "c1" in str(caught.value)
    assert dek.material.hex() not in str(caught.value)
    assert kek.material.hex() not in str(caught.value)
