"""Settings: no default secrets; production refuses to start without what it needs."""

import dataclasses
import stat

import argon2
import pytest

from app.auth import passwords
from app.settings import Settings, SettingsError


def test_production_without_secrets_names_what_is_missing(tmp_path):
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"HAVEN_ENV": "production", "HAVEN_INSTANCE_PATH": str(tmp_path)})
    message = str(error.value)
    assert "HAVEN_SECRET_KEY" in message and "HAVEN_DATABASE_URL" in message
    assert "HAVEN_MASTER_KEY" in message


def test_production_refuses_a_short_secret(tmp_path):
    with pytest.raises(SettingsError, match="at least 32"):
        Settings.from_env(
            {
                "HAVEN_ENV": "production",
                "HAVEN_SECRET_KEY": "short",
                "HAVEN_DATABASE_URL": "postgresql+psycopg://x@y/z",
                "HAVEN_MASTER_KEY": "m1:abc",
            }
        )


def test_production_with_everything_set(tmp_path):
    settings = Settings.from_env(
        {
            "HAVEN_ENV": "production",
            "HAVEN_SECRET_KEY": "s" * 40,
            "HAVEN_DATABASE_URL": "postgresql+psycopg://haven_app@db/haven",
            "HAVEN_MIGRATION_DATABASE_URL": "postgresql+psycopg://haven_owner@db/haven",
            "HAVEN_MASTER_KEY_FILE": str(tmp_path / "master.key"),
            "HAVEN_REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert settings.production
    assert settings.rate_limit_storage == "redis://127.0.0.1:6379/0"
    assert "s" * 40 not in repr(settings)


def test_embedded_default_creates_its_secret_once_and_private(tmp_path):
    first = Settings.from_env({"HAVEN_INSTANCE_PATH": str(tmp_path)})
    second = Settings.from_env({"HAVEN_INSTANCE_PATH": str(tmp_path)})
    assert first.secret_key == second.secret_key and len(first.secret_key) >= 48
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert first.database_url.startswith("sqlite:///") and first.rate_limit_storage == "memory://"


def test_unknown_mode_is_refused():
    with pytest.raises(SettingsError, match="HAVEN_ENV"):
        Settings.from_env({"HAVEN_ENV": "staging"})


def test_cheap_hashing_profile_is_refused_in_production_and_outside_tests(tmp_path):
    production = Settings.from_env(
        {
            "HAVEN_ENV": "production",
            "HAVEN_SECRET_KEY": "s" * 40,
            "HAVEN_DATABASE_URL": "postgresql+psycopg://haven_app@db/haven",
            "HAVEN_MASTER_KEY_FILE": str(tmp_path / "master.key"),
        }
    )
    assert production.hashing_profile == "rfc9106"
    embedded = Settings.from_env({"HAVEN_INSTANCE_PATH": str(tmp_path)})
    for settings in (production, embedded):
        with pytest.raises(SettingsError, match="test suite only"):
            dataclasses.replace(settings, hashing_profile="tests-only")
    with pytest.raises(SettingsError, match="test suite only"):
        dataclasses.replace(production, hashing_profile="tests-only", testing=True)
    # The environment cannot ask for it: it is not read from there at all.
    sneaky = Settings.from_env(
        {"HAVEN_INSTANCE_PATH": str(tmp_path), "HAVEN_HASHING_PROFILE": "tests-only"}
    )
    assert sneaky.hashing_profile == "rfc9106"


def test_an_app_built_from_production_settings_hashes_at_full_cost(tmp_path):
    """RFC 9106's parameters (64 MiB, t=3, p=4) are what a production app writes."""
    settings = Settings.from_env({"HAVEN_INSTANCE_PATH": str(tmp_path)})
    passwords.use_profile(passwords.HashingProfile.TESTS_ONLY)
    try:
        passwords.use_profile(passwords.HashingProfile(settings.hashing_profile))
        parameters = argon2.extract_parameters(passwords.hash_password("x" * 16))
        assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (
            65536,
            3,
            4,
        )
    finally:
        passwords.use_profile(passwords.HashingProfile.TESTS_ONLY)
