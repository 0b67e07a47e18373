"""Test set-up: one suite, two engines.

Without ``HAVEN_TEST_DATABASE_URL`` the suite runs on a SQLite file; with it, on a real
PostgreSQL as the non-owner app role (``HAVEN_TEST_OWNER_DATABASE_URL`` migrates). Tests
marked ``postgres`` run only there; when ``HAVEN_REQUIRE_POSTGRES`` is set (CI) a missing
or unreachable PostgreSQL fails the run instead of skipping anything.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine, create_engine, text, update

from app import create_app
from app.auth import passwords
from app.auth import service as auth
from app.auth.models import Role, User
from app.auth.permissions import needs_second_factor
from app.context import Actor
from app.db import Base, HavenSession, make_sessionmaker, unit_of_work
from app.db.tenancy import acting_in
from app.keys.service import attach_keyring, drop_keyring
from app.migrate import downgrade, upgrade
from app.settings import Settings
from app.tenants import service as tenants
from app.tenants.models import Organisation

pytest_plugins = ["tests.browser"]
PG_URL = os.environ.get("HAVEN_TEST_DATABASE_URL")
PG_OWNER_URL = os.environ.get("HAVEN_TEST_OWNER_DATABASE_URL", PG_URL)
ON_POSTGRES = bool(PG_URL)
PASSWORD = "correct horse battery staple"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "app" / "translations"

# Property tests run on a busy shared machine: no deadline anywhere, and in CI the examples
# are derived from the test (no flakiness between runs, nothing kept between runs).
hypothesis_settings.register_profile("haven-dev", deadline=None)
hypothesis_settings.register_profile("haven-ci", deadline=None, derandomize=True, database=None)
hypothesis_settings.load_profile("haven-ci" if os.environ.get("CI") else "haven-dev")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogues that are missing or older than their .po, so
    ``pytest`` alone works on a fresh clone (the app reads only the .mo files)."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po:
            catalog = read_po(po, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo:
            write_mo(mo, catalog)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        return
    selected = [i for i in items if "postgres" not in i.keywords]
    deselected = [i for i in items if "postgres" in i.keywords]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    instance = tmp_path_factory.mktemp("instance")
    if ON_POSTGRES:
        assert PG_URL and PG_OWNER_URL
        app_url, owner_url = PG_URL, PG_OWNER_URL
        _check_reachable(owner_url)
    else:
        app_url = owner_url = f"sqlite:///{instance / 'haven.sqlite3'}"
    return Settings(
        env="development",
        secret_key="test-secret-" + uuid.uuid4().hex,
        database_url=app_url,
        migration_database_url=owner_url,
        instance_path=instance,
        master_key_file=instance / "master.key",
        master_key_env=None,
        testing=True,
        # Hundreds of people sign in during a run: hash their passwords cheaply (the
        # production profile is proved in tests/test_settings.py and tests/auth).
        hashing_profile="tests-only",
    )


def _check_reachable(url: str) -> None:
    try:
        with create_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means the run cannot go on
        pytest.exit(f"PostgreSQL at HAVEN_TEST_DATABASE_URL is unreachable: {error}", 3)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    if ON_POSTGRES:
        downgrade(settings.migration_database_url, "base")
    upgrade(settings.migration_database_url)
    return create_app(settings)


@pytest.fixture(scope="session")
def owner_engine(settings: Settings) -> Iterator[Engine]:
    """One owner connection pool for the whole run (cleaning up, platform admins)."""
    engine = create_engine(settings.migration_database_url)
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def _clean(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the tables a test wrote to, after it (the data a test leaves is its own)."""
    engine = request.getfixturevalue("owner_engine") if "app" in request.fixturenames else None
    yield
    if engine is None:
        return
    from app.web.extensions import limiter

    limiter.reset()
    _empty_tables(engine)


def _empty_tables(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if ON_POSTGRES:
            # TRUNCATE is not subject to row-level security (which binds even the owner
            # here), so the owner empties everything; it may lift its own trigger for a test
            # database, the app role never can.
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_truncate"))
            conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_truncate"))
            return
        # SQLite: one query finds the tables holding rows; most tests touch a handful.
        probe = " UNION ALL ".join(
            f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM {name})" for name in tables
        )
        used = set(conn.scalars(text(probe)))
        for name in tables:
            if name in used:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def db(app: Flask) -> Iterator[HavenSession]:
    """A committed unit of work per use: ``with db_work() as s`` in factories."""
    session: HavenSession = app.extensions["haven.sessionmaker"]()
    attach_keyring(session, app.extensions["haven.master"])
    yield session
    drop_keyring(session)
    session.rollback()
    session.close()


@dataclass
class Person:
    user: User
    email: str
    password: str
    totp_secret: str | None


class Factory:
    """Builds organisations and people through the real services, committed."""

    def __init__(self, app: Flask, owner_engine: Engine) -> None:
        self.app = app
        self.owner_engine = owner_engine

    def _work(self, *, as_owner: bool = False) -> AbstractContextManager[HavenSession]:
        if as_owner:  # platform admins are made on the owner's connection, as the CLI does
            return unit_of_work(make_sessionmaker(self.owner_engine))
        return unit_of_work(self.app.extensions["haven.sessionmaker"])

    def organisation(self, slug: str, locale: str = "en", kind: str = "shelter") -> Organisation:
        with self._work() as session:
            attach_keyring(session, self.app.extensions["haven.master"])
            return tenants.create_organisation(
                session,
                Actor.system(),
                name=slug.title(),
                slug=slug,
                kind=kind,
                country="FR",
                locale=locale,
            )

    def person(
        self,
        email: str,
        grants: dict[Organisation, set[Role]],
        *,
        totp: bool | None = None,
        platform_admin: bool = False,
    ) -> Person:
        """``totp``: enrol a second factor; by default when the roles need one (anyone who
        can reveal sealed data), as sign-in would insist."""
        if totp is None:
            roles = frozenset(Role(r) for found in grants.values() for r in found)
            totp = platform_admin or needs_second_factor(roles)
        with self._work(as_owner=platform_admin) as session:
            attach_keyring(session, self.app.extensions["haven.master"])
            user, _ = auth.create_user(
                session, email, email.split("@")[0].title(), is_platform_admin=platform_admin
            )
            user.password_hash = passwords.hash_password(PASSWORD)
            user.must_change_password = False
            secret = None
            if totp:
                secret = pyotp.random_base32()
                auth.enrol_totp(session, user, secret, pyotp.TOTP(secret).now())
                # Enrolment used the current step; let the test's first sign-in use it again.
                user.totp_last_step = None
            for org, roles in grants.items():
                with acting_in(session, org.id):
                    auth.add_member(session, Actor.system(org.id), user, frozenset(roles))
            session.flush()
            return Person(user, email, PASSWORD, secret)


@pytest.fixture
def factory(app: Flask, owner_engine: Engine) -> Factory:
    return Factory(app, owner_engine)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(client: FlaskClient, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    match = CSRF.search(page)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


def sign_in(client: FlaskClient, person: Person, organisation: Organisation | None = None) -> None:
    token = csrf_from(client, "/sign-in")
    response = client.post(
        "/sign-in", data={"email": person.email, "password": person.password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    if response.headers["Location"].endswith("/sign-in/code"):
        assert person.totp_secret
        _forget_used_code(client, person)
        token = csrf_from(client, "/sign-in/code")
        code = pyotp.TOTP(person.totp_secret).now()
        response = client.post("/sign-in/code", data={"code": code, "csrf_token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    if organisation is not None:
        token = csrf_from(client, "/account")
        response = client.post(
            "/organisations/switch",
            data={"organisation_id": str(organisation.id), "csrf_token": token},
        )
        assert response.status_code == 302


def _forget_used_code(client: FlaskClient, person: Person) -> None:
    """Tests sign one person in several times within a 30-second step, where a real
    authenticator would show a new code: forget the step last used, as time would."""
    with unit_of_work(client.application.extensions["haven.sessionmaker"]) as session:
        session.execute(
            update(User).where(User.id == person.user.id).values(totp_last_step=None)
        )


@pytest.fixture
def output_dir(request: pytest.FixtureRequest) -> Path:
    """Per-test folder for artefacts such as screenshots (kept after the run)."""
    path = Path("test-output") / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    return path
