"""Master key providers: the key file, the environment variable, master key rotation."""

from __future__ import annotations

import base64
import json
import os
import stat
from pathlib import Path

import pytest

from crypto import (
    EnvKeyProvider,
    KeyConfigError,
    KeyDestroyed,
    KeyFileInsecure,
    LocalKeyFileProvider,
    MasterKeyProvider,
    RotationNotSupported,
    UnknownKey,
    new_data_key,
    rewrap_to_active,
    tenant_context,
)


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    return tmp_path / "master-keys.json"


@pytest.fixture
def provider(key_path: Path) -> LocalKeyFileProvider:
    return LocalKeyFileProvider.create_if_missing(key_path)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_owner_only_with_one_active_version(
    provider: LocalKeyFileProvider, key_path: Path
) -> None:
    assert mode(key_path) == 0o600
    assert provider.active_key_id() == "m1"
    assert provider.key_ids() == ["m1"]
    assert [p.name for p in key_path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_created_0600_even_under_a_permissive_umask(key_path: Path) -> None:
    previous = os.umask(0)
    try:
        LocalKeyFileProvider.create_if_missing(key_path)
    finally:
        os.umask(previous)
    assert mode(key_path) == 0o600


def test_create_if_missing_keeps_an_existing_file(
    provider: LocalKeyFileProvider, key_path: Path
) -> None:
    before = key_path.read_bytes()
    again = LocalKeyFileProvider.create_if_missing(key_path)
    assert key_path.read_bytes() == before
    wrapped = provider.wrap(new_data_key("t1"), tenant_context("a"))
    assert again.unwrap(wrapped, tenant_context("a"), "t1").key_id == "t1"


@pytest.mark.parametrize("insecure_mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660])
def test_group_or_world_access_is_refused(key_path: Path, insecure_mode: int) -> None:
    LocalKeyFileProvider.create_if_missing(key_path)
    key_path.chmod(insecure_mode)
    with pytest.raises(KeyFileInsecure, match="chmod 600"):
        LocalKeyFileProvider(key_path)


def test_chmod_after_start_is_noticed(provider: LocalKeyFileProvider, key_path: Path) -> None:
    key_path.chmod(0o644)
    with pytest.raises(KeyFileInsecure):
        provider.wrap(new_data_key("t1"), tenant_context("a"))


def test_missing_or_invalid_file(key_path: Path) -> None:
    with pytest.raises(KeyConfigError, match="does not exist"):
        LocalKeyFileProvider(key_path)
    key_path.write_text("{not json")
    key_path.chmod(0o600)
    with pytest.raises(KeyConfigError):
        LocalKeyFileProvider(key_path)


def test_wrap_unwrap_and_wrong_context(provider: LocalKeyFileProvider) -> None:
    tenant_key = new_data_key("t1")
    wrapped = provider.wrap(tenant_key, tenant_context("tenant-a"))
    assert provider.wrapped_by(wrapped) == "m1"
    assert provider.unwrap(wrapped, tenant_context("tenant-a"), "t1").material == (
        tenant_key.material
    )
    with pytest.raises(Exception, match="failed authentication"):
        provider.unwrap(wrapped, tenant_context("tenant-b"), "t1")


def test_master_rotation_end_to_end(provider: LocalKeyFileProvider, key_path: Path) -> None:
    tenants = {f"tenant-{n}": new_data_key("t1") for n in range(6)}
    store = {t: provider.wrap(k, tenant_context(t)) for t, k in tenants.items()}

    assert provider.add_version() == "m2"
    assert provider.active_key_id() == "m2"
    assert provider.key_ids() == ["m1", "m2"]
    assert mode(key_path) == 0o600

    for n, tenant in enumerate(store):  # interrupted half way...
        if n == 3:
            break
        store[tenant] = rewrap_to_active(provider, store[tenant], tenant_context(tenant), "t1")
    for tenant, wrapped in store.items():  # ...everything is still readable...
        assert provider.unwrap(wrapped, tenant_context(tenant), "t1").material == (
            tenants[tenant].material
        )
    for tenant in store:  # ...and running again finishes the job
        store[tenant] = rewrap_to_active(provider, store[tenant], tenant_context(tenant), "t1")
    assert {provider.wrapped_by(w) for w in store.values()} == {"m2"}

    provider.retire("m1")
    assert provider.key_ids() == ["m2"]
    for tenant, wrapped in store.items():
        assert provider.unwrap(wrapped, tenant_context(tenant), "t1").material == (
            tenants[tenant].material
        )


def test_retire_refuses_the_active_version(provider: LocalKeyFileProvider) -> None:
    with pytest.raises(KeyConfigError, match="active"):
        provider.retire("m1")
    provider.add_version()
    with pytest.raises(KeyConfigError, match="active"):
        provider.retire("m2")


def test_keys_under_a_retired_version_are_unknown(provider: LocalKeyFileProvider) -> None:
    wrapped = provider.wrap(new_data_key("t1"), tenant_context("a"))
    provider.add_version()
    provider.retire("m1")
    provider.retire("m1")  # idempotent
    with pytest.raises(UnknownKey):
        provider.unwrap(wrapped, tenant_context("a"), "t1")
    with pytest.raises(KeyDestroyed):
        provider.unwrap(wrapped, tenant_context("a"), "t1")
    with pytest.raises(UnknownKey):
        provider.retire("m9")


def test_retired_version_numbers_are_never_reused(provider: LocalKeyFileProvider) -> None:
    provider.add_version()
    provider.retire("m1")
    assert provider.add_version() == "m3"


def test_retired_material_is_gone_from_the_file(
    provider: LocalKeyFileProvider, key_path: Path
) -> None:
    old_material = json.loads(key_path.read_text())["keys"]["m1"]
    provider.add_version()
    provider.retire("m1")
    assert old_material not in key_path.read_text()
    assert json.loads(key_path.read_text())["retired"] == ["m1"]


def test_other_processes_see_a_rotation(provider: LocalKeyFileProvider, key_path: Path) -> None:
    worker = LocalKeyFileProvider(key_path)  # e.g. a gunicorn worker started earlier
    provider.add_version()
    assert worker.active_key_id() == "m2"
    assert worker.wrapped_by(worker.wrap(new_data_key("t1"), b"x")) == "m2"


def test_rotation_write_is_atomic_and_leaves_no_temp_files(
    provider: LocalKeyFileProvider, key_path: Path
) -> None:
    inode = key_path.stat().st_ino
    provider.add_version()
    assert key_path.stat().st_ino != inode  # replaced, not rewritten in place
    leftovers = [p.name for p in key_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert mode(key_path) == 0o600


def test_providers_satisfy_the_protocol(provider: LocalKeyFileProvider) -> None:
    env = EnvKeyProvider(environ={"HAVEN_MASTER_KEY": EnvKeyProvider.generate_entry("m1")})
    providers: list[MasterKeyProvider] = [provider, env]
    assert [p.active_key_id() for p in providers] == ["m1", "m1"]


# Environment variable provider -------------------------------------------------------

M1 = EnvKeyProvider.generate_entry("m1")
M2 = EnvKeyProvider.generate_entry("m2")


def env(value: str) -> EnvKeyProvider:
    return EnvKeyProvider(environ={"HAVEN_MASTER_KEY": value})


def test_env_last_entry_is_active() -> None:
    provider = env(f"{M1},{M2}")
    assert provider.active_key_id() == "m2"
    assert provider.key_ids() == ["m1", "m2"]


def test_env_marked_entry_is_active_and_both_unwrap() -> None:
    before = env(f"{M1}")
    wrapped = before.wrap(new_data_key("t1"), tenant_context("a"))
    staged = env(f" *{M1} , {M2} ")  # m2 deployed everywhere, not yet used
    assert staged.active_key_id() == "m1"
    assert staged.unwrap(wrapped, tenant_context("a"), "t1").key_id == "t1"
    rotated = env(f"{M1},{M2}")
    assert rotated.wrapped_by(rewrap_to_active(rotated, wrapped, tenant_context("a"), "t1")) == (
        "m2"
    )


def test_env_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_TEST_MASTER", M1)
    assert EnvKeyProvider("HAVEN_TEST_MASTER").active_key_id() == "m1"


def test_env_rotation_is_the_operators_job() -> None:
    provider = env(M1)
    with pytest.raises(RotationNotSupported, match="generate_entry"):
        provider.add_version()
    with pytest.raises(RotationNotSupported):
        provider.retire("m1")


def test_env_key_removed_by_operator_is_unknown() -> None:
    wrapped = env(f"{M1},{M2}").wrap(new_data_key("t1"), b"x")
    with pytest.raises(UnknownKey):
        env(M1).unwrap(wrapped, b"x", "t1")


SHORT = base64.b64encode(b"\x01" * 16).decode()
SECRETISH = base64.b64encode(b"\x02" * 32).decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "not set"),
        ("   ", "not set"),
        ("m1", "id:base64"),
        (f"m1:{SECRETISH}x", "base64"),
        ("m1:!!!!", "base64"),
        (f"m1:{SHORT}", "32 bytes"),
        (f"k1:{SECRETISH}", "m<number>"),
        (f"m0:{SECRETISH}", "m<number>"),
        (f"{M1},{M1}", "twice"),
        (f"*{M1},*{M2}", "more than one"),
        (f"{M1},", "id:base64"),
    ],
)
def test_env_bad_input(value: str, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message) as caught:
        env(value)
    assert SECRETISH not in str(caught.value)
    assert M1.split(":")[1] not in str(caught.value)


def test_env_missing_variable() -> None:
    with pytest.raises(KeyConfigError, match="HAVEN_MASTER_KEY"):
        EnvKeyProvider(environ={})
