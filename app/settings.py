"""Settings: one frozen object built from the environment, passed into ``create_app``.

Two shapes (DESIGN.md "Shapes it runs in"):
- embedded default (``HAVEN_ENV`` unset or ``development``): SQLite and a local master-key
  file under ``instance/``; the Flask secret is generated once into ``instance/`` (0600).
- production (``HAVEN_ENV=production``): every secret and the database URL must come from
  the environment, and start-up fails with a message naming what is missing.

XXX: there is no default secret anywhere; do not add one "for convenience".
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The interface languages, each named in itself (the switcher shows these names). The one
#: list: the locale choice, the language forms, the CLI and the page header all read it.
UI_LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "uk": "Українська",
    "ar": "العربية",
}
SUPPORTED_LOCALES = tuple(UI_LANGUAGES)


class SettingsError(RuntimeError):
    """The environment does not describe a runnable Haven; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str = field(repr=False)
    database_url: str
    #: Owner connection used for migrations; the app itself connects as a non-owner role.
    migration_database_url: str
    instance_path: Path
    master_key_file: Path | None
    #: Name of the environment variable holding master keys, when no key file is used.
    master_key_env: str | None
    redis_url: str | None = None
    #: Where sign-in sessions live: "database" (rows, the embedded default) or "redis"
    #: (production, at ``redis_url``). Apart from the rate limits on purpose: a rate-limit
    #: store that is down falls back to local counting, a session store cannot.
    session_store: str = "database"
    #: Database role the app connects as; migrations grant it DML (never ownership).
    app_db_role: str = "haven_app"
    idle_timeout_minutes: int = 30
    session_max_hours: int = 12
    login_rate_limit: str = "10 per minute;100 per hour"
    #: How many proxies in front of Haven set X-Forwarded-For/-Proto/-Host (0: none);
    #: the client's address is then the one the outermost trusted proxy saw.
    trusted_proxies: int = 0
    #: Public host name that names each organisation's audit log (checkpoint origin
    #: ``<host>/audit/<organisation id>``). XXX: never change it once checkpoints exist:
    #: auditors' kept checkpoints and keys carry it.
    audit_host: str = "localhost"
    testing: bool = False
    #: Password-hashing cost (``app.auth.passwords.HashingProfile`` value). Never read from
    #: the environment: only a test suite sets the cheap one, and only with ``testing``.
    hashing_profile: str = "rfc9106"

    def __post_init__(self) -> None:
        if self.hashing_profile != "rfc9106" and (self.production or not self.testing):
            raise SettingsError(
                "cheap password hashing is for the test suite only; "
                "it is refused in production and outside testing"
            )

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def rate_limit_storage(self) -> str:
        return self.redis_url or "memory://"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        mode = env.get("HAVEN_ENV", "development")
        if mode not in ("development", "production"):
            raise SettingsError(f"HAVEN_ENV must be 'development' or 'production', not {mode!r}")
        instance = Path(env.get("HAVEN_INSTANCE_PATH", "instance")).resolve()
        if mode == "production":
            return cls._production(env, instance)
        return cls._embedded(env, instance)

    @classmethod
    def _production(cls, env: dict[str, str], instance: Path) -> Settings:
        missing = [name for name in ("HAVEN_SECRET_KEY", "HAVEN_DATABASE_URL") if not env.get(name)]
        if not env.get("HAVEN_MASTER_KEY_FILE") and not env.get("HAVEN_MASTER_KEY"):
            missing.append("HAVEN_MASTER_KEY_FILE or HAVEN_MASTER_KEY")
        if missing:
            raise SettingsError("Haven will not start in production without: " + ", ".join(missing))
        if len(env["HAVEN_SECRET_KEY"]) < 32:
            raise SettingsError("HAVEN_SECRET_KEY must be at least 32 characters")
        url = env["HAVEN_DATABASE_URL"]
        return cls(
            env="production",
            secret_key=env["HAVEN_SECRET_KEY"],
            database_url=url,
            migration_database_url=env.get("HAVEN_MIGRATION_DATABASE_URL", url),
            instance_path=instance,
            master_key_file=_opt_path(env.get("HAVEN_MASTER_KEY_FILE")),
            master_key_env=None if env.get("HAVEN_MASTER_KEY_FILE") else "HAVEN_MASTER_KEY",
            redis_url=env.get("HAVEN_REDIS_URL") or None,
            session_store=_session_store(env),
            app_db_role=env.get("HAVEN_APP_DB_ROLE", "haven_app"),
            idle_timeout_minutes=_int(env, "HAVEN_IDLE_TIMEOUT_MINUTES", 30),
            trusted_proxies=_int(env, "HAVEN_TRUSTED_PROXIES", 0, minimum=0),
            audit_host=env.get("HAVEN_AUDIT_HOST", "localhost").lower(),
        )

    @classmethod
    def _embedded(cls, env: dict[str, str], instance: Path) -> Settings:
        instance.mkdir(parents=True, exist_ok=True, mode=0o700)
        url = env.get("HAVEN_DATABASE_URL") or f"sqlite:///{instance / 'haven.sqlite3'}"
        return cls(
            env="development",
            secret_key=env.get("HAVEN_SECRET_KEY") or _instance_secret(instance / "secret_key"),
            database_url=url,
            migration_database_url=env.get("HAVEN_MIGRATION_DATABASE_URL", url),
            instance_path=instance,
            master_key_file=_opt_path(env.get("HAVEN_MASTER_KEY_FILE")) or instance / "master.key",
            master_key_env=None,
            redis_url=env.get("HAVEN_REDIS_URL") or None,
            session_store=_session_store(env),
            app_db_role=env.get("HAVEN_APP_DB_ROLE", "haven_app"),
            idle_timeout_minutes=_int(env, "HAVEN_IDLE_TIMEOUT_MINUTES", 30),
            trusted_proxies=_int(env, "HAVEN_TRUSTED_PROXIES", 0, minimum=0),
            audit_host=env.get("HAVEN_AUDIT_HOST", "localhost").lower(),
        )


def _session_store(env: dict[str, str]) -> str:
    store = env.get("HAVEN_SESSION_STORE", "database")
    if store not in ("database", "redis"):
        raise SettingsError(f"HAVEN_SESSION_STORE must be 'database' or 'redis', not {store!r}")
    if store == "redis" and not env.get("HAVEN_REDIS_URL"):
        raise SettingsError("HAVEN_SESSION_STORE=redis needs HAVEN_REDIS_URL")
    return store


def _opt_path(value: str | None) -> Path | None:
    return Path(value).resolve() if value else None


def _int(env: dict[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}")
    return value


def _instance_secret(path: Path) -> str:
    """The embedded default's Flask secret: random, created once, readable by its owner only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
