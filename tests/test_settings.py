"""Settings: no default secrets; production refuses to start without what it needs."""

import stat

import pytest

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


def test_sessions_go_to_redis_only_when_asked_and_with_a_redis_url(tmp_path):
    base = {"HAVEN_INSTANCE_PATH": str(tmp_path), "HAVEN_REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert Settings.from_env(base).session_store == "database"
    chosen = Settings.from_env({**base, "HAVEN_SESSION_STORE": "redis"})
    assert chosen.session_store == "redis"
    with pytest.raises(SettingsError, match="needs HAVEN_REDIS_URL"):
        Settings.from_env({"HAVEN_INSTANCE_PATH": str(tmp_path), "HAVEN_SESSION_STORE": "redis"})
    with pytest.raises(SettingsError, match="'database' or 'redis'"):
        Settings.from_env({**base, "HAVEN_SESSION_STORE": "memcached"})
