"""Sessions in Redis (the production shape), against the real Redis on 127.0.0.1:6379 under
a key prefix of each test's own: revocation refused on the very next request, idle
time-out, nothing but a hash of the token stored, and the statements a request costs."""

import dataclasses
import time
import uuid
from datetime import timedelta

import pytest
from redis import Redis
from sqlalchemy import func, select

from app.auth import sessions
from app.auth.models import UserSession
from app.auth.session_store import RedisSessions, use_session_store
from app.db import unit_of_work
from tests.auth.test_signed_in_cost import counted
from tests.conftest import ON_POSTGRES, csrf_from, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def store(app):
    client = Redis.from_url(REDIS_URL)
    prefix = f"haven-test:{uuid.uuid4().hex}:"
    conf = app.extensions["haven.settings"]
    redis_store = RedisSessions(
        client,
        prefix,
        timedelta(minutes=conf.idle_timeout_minutes),
        timedelta(hours=conf.session_max_hours),
    )
    factory = app.extensions["haven.sessionmaker"]
    use_session_store(factory, redis_store)
    try:
        yield redis_store
    finally:
        use_session_store(factory, None)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def _keys(store):
    return sorted(k.decode() for k in store.client.scan_iter(f"{store.prefix}*"))


def test_a_session_lives_in_redis_and_holds_no_token(app, client, factory, db, store):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    assert client.get("/clients").status_code == 200
    assert db.scalar(select(func.count()).select_from(UserSession)) == 0
    keys = _keys(store)
    assert len(keys) == 2  # the session and the user's set of sessions
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]  # what Flask-Login keeps: the session token
    stored = store.client.hgetall(next(k for k in keys if ":s:" in k))
    for text in [*keys, *(v.decode() for v in stored.values())]:
        assert token not in text
    assert stored[b"org"].decode() == org.id.hex
    assert stored[b"user"].decode() == person.user.id.hex


def test_a_session_revoked_in_redis_is_refused_on_the_next_request(app, client, factory, store):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    assert client.get("/clients").status_code == 200
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        assert sessions.revoke_all_sessions(session, person.user.id) == 1
    response = client.get("/clients")
    assert response.status_code == 401
    assert "Your session has ended" in response.get_data(as_text=True)


def test_signing_out_everywhere_ends_the_other_browsers_redis_sessions(app, factory, store):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, person)
    sign_in(phone, person)
    phone.post("/sign-out-everywhere", data={"csrf_token": csrf_from(phone, "/account")})
    assert laptop.get("/clients").status_code == 401


def test_an_idle_redis_session_times_out(app, client, factory, store):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    (key,) = [k for k in _keys(store) if ":s:" in k]
    idle = app.extensions["haven.settings"].idle_timeout_minutes
    store.client.hset(key, "seen", time.time() - 60 * idle - 1)
    assert client.get("/clients").status_code == 401


def test_with_redis_the_database_sees_one_statement_per_signed_in_page(app, client, factory, store):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    client.get("/account")
    with counted(app) as statements:
        assert client.get("/account").status_code == 200
    # PostgreSQL: haven_actor (person, organisation, roles, RLS settings); SQLite: the
    # person with the organisation, then the roles.
    assert len(statements) == (1 if ON_POSTGRES else 2), statements


def test_the_app_keeps_sessions_in_redis_when_its_settings_say_so(app, settings):
    from app import create_app
    from app.auth.session_store import store_of
    from app.web.extensions import limiter

    with_redis = create_app(
        dataclasses.replace(settings, redis_url=REDIS_URL, session_store="redis")
    )
    try:
        assert isinstance(store_of(with_redis.extensions["haven.sessionmaker"]()), RedisSessions)
        assert store_of(app.extensions["haven.sessionmaker"]()) is None
    finally:
        limiter.init_app(app)  # the limiter is one object: give it back its test store
