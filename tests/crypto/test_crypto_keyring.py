"""The per-request key cache."""

from __future__ import annotations

import pytest

from crypto import (
    DataKey,
    FieldBinding,
    KeyDestroyed,
    Keyring,
    UnknownKey,
    client_context,
    new_data_key,
    seal,
    unwrap_key,
    wrap_key,
)


class CountingLoader:
    """Unwraps client keys from an in-memory 'table', counting every unwrap."""

    def __init__(self, tenant_id: str) -> None:
        self.tenant_id = tenant_id
        self.tenant_key = new_data_key("t1")
        self.wrapped: dict[str, bytes] = {}
        self.calls: list[tuple[str, str]] = []

    def add_client(self, client_id: str) -> DataKey:
        key = new_data_key("c1")
        context = client_context(self.tenant_id, client_id)
        self.wrapped[client_id] = wrap_key(self.tenant_key, key, context)
        return key

    def __call__(self, owner: str, key_id: str) -> DataKey:
        self.calls.append((owner, key_id))
        if owner not in self.wrapped:
            raise KeyDestroyed(f"key {key_id} of {owner} was destroyed")
        context = client_context(self.tenant_id, owner)
        return unwrap_key(self.tenant_key, self.wrapped[owner], context, key_id)


def test_each_key_is_unwrapped_once_per_request(tenant_id: str) -> None:
    loader = CountingLoader(tenant_id)
    key = loader.add_client("alice")
    binding = FieldBinding(tenant_id, "clients", "name", "alice")
    sealed = seal(key, "Alice", binding)
    keyring = Keyring(loader)
    assert [keyring.open("alice", sealed, binding) for _ in range(5)] == ["Alice"] * 5
    assert loader.calls == [("alice", "c1")]
    assert ("alice", "c1") in keyring


def test_clear_drops_cached_keys(tenant_id: str) -> None:
    loader = CountingLoader(tenant_id)
    loader.add_client("alice")
    loader.add_client("bob")
    keyring = Keyring(loader)
    first = keyring.get("alice", "c1")
    keyring.get("bob", "c1")
    assert len(keyring) == 2
    keyring.clear()
    assert len(keyring) == 0
    assert ("alice", "c1") not in keyring
    assert keyring.get("alice", "c1") is not first  # loaded afresh
    assert len(loader.calls) == 3


def test_context_manager_clears_on_exit_even_on_error(tenant_id: str) -> None:
    loader = CountingLoader(tenant_id)
    loader.add_client("alice")
    with pytest.raises(RuntimeError), Keyring(loader) as keyring:
        keyring.get("alice", "c1")
        raise RuntimeError("request failed")
    assert len(keyring) == 0


def test_discard_forgets_one_owner_after_shredding(tenant_id: str) -> None:
    loader = CountingLoader(tenant_id)
    key = loader.add_client("alice")
    loader.add_client("bob")
    binding = FieldBinding(tenant_id, "clients", "name", "alice")
    sealed = seal(key, "Alice", binding)
    keyring = Keyring(loader)
    keyring.open("alice", sealed, binding)
    keyring.get("bob", "c1")

    del loader.wrapped["alice"]  # shred
    keyring.discard("alice")
    assert len(keyring) == 1
    with pytest.raises(KeyDestroyed):
        keyring.open("alice", sealed, binding)
    with pytest.raises(UnknownKey):  # KeyDestroyed is an UnknownKey
        keyring.get("alice", "c1")


def test_loader_returning_the_wrong_key_is_refused() -> None:
    keyring = Keyring(lambda owner, key_id: new_data_key("c9"))
    with pytest.raises(UnknownKey):
        keyring.get("alice", "c1")
    assert len(keyring) == 0
