"""What a signed-in request costs the database, and what the cheap lookup must keep: the
statement count per request (so it cannot creep back up), revocation and removal taking
effect on the very next request, and a dead session binding no tenant."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from app.auth import sessions
from app.auth.service import assign_roles
from app.auth.signed_in import NotSignedIn, find_signed_in
from app.context import Actor
from app.db import bind_actor, current_tenant, unit_of_work, utcnow
from tests.conftest import ON_POSTGRES, sign_in

#: Statements the principal costs per request: one on PostgreSQL (session, user,
#: organisation, roles and the RLS settings in ``haven_session_principal``); on SQLite the
#: session with its user and organisation, then the roles.
PRINCIPAL = 1 if ON_POSTGRES else 2


@contextmanager
def counted(app):
    statements = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        statements.append(statement)

    engine = app.extensions["haven.engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_signed_in_page_costs_the_principal_statements_and_nothing_more(app, client, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    client.get("/account")  # warm: anything done once per process is done
    with counted(app) as statements:
        response = client.get("/account")
    assert response.status_code == 200
    assert len(statements) == PRINCIPAL, statements
    if ON_POSTGRES:
        assert "haven_session_principal" in statements[0]


def test_the_client_list_costs_one_statement_beyond_the_principal(app, client, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    client.get("/clients")
    with counted(app) as statements:
        response = client.get("/clients")
    assert response.status_code == 200
    assert len(statements) == PRINCIPAL + 1, statements


def test_a_session_revoked_elsewhere_is_refused_on_the_next_request(app, client, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    assert client.get("/clients").status_code == 200
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        assert sessions.revoke_all_sessions(session, person.user.id) == 1
    response = client.get("/clients")
    assert response.status_code == 401
    assert "Your session has ended" in response.get_data(as_text=True)


def test_a_role_taken_away_is_gone_on_the_next_request(app, client, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    sign_in(client, person)
    assert client.get("/clients").status_code == 200
    with unit_of_work(app.extensions["haven.sessionmaker"]) as session:
        bind_actor(session, org.id, None)
        assign_roles(session, Actor.system(org.id), person.user.id, ["auditor"])
    assert client.get("/clients").status_code == 403


@pytest.mark.postgres
def test_a_dead_session_sets_no_tenant_for_the_rest_of_the_request(app, factory):
    org = factory.organisation("north")
    person = factory.person("cw@example.org", {org: {"caseworker"}})
    factory_sessions = app.extensions["haven.sessionmaker"]
    conf = app.extensions["haven.settings"]
    with unit_of_work(factory_sessions) as session:
        session.info["user_id"] = person.user.id
        token, record = sessions.open_session(session, person.user.id, mfa_verified=True)
        sessions.choose_organisation(session, record, org.id)
    live = factory_sessions()
    try:
        found = find_signed_in(live, token, utcnow(), conf)
        assert found is not NotSignedIn.expired and found is not NotSignedIn.unknown
        assert current_tenant(live) == org.id
        assert live.scalar(text("SELECT current_setting('app.tenant_id', true)")) == str(org.id)
    finally:
        live.rollback()
        live.close()
    with unit_of_work(factory_sessions) as session:
        sessions.revoke_all_sessions(session, person.user.id)
    dead = factory_sessions()
    try:
        assert find_signed_in(dead, token, utcnow(), conf) is NotSignedIn.expired
        assert current_tenant(dead) is None
        assert not dead.scalar(text("SELECT current_setting('app.tenant_id', true)"))
    finally:
        dead.rollback()
        dead.close()
