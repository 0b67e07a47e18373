"""The database wall: PostgreSQL row-level security, checked from the catalog and by
reading as the app role with the ORM guard out of the way."""

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError

from app.audit.models import AuditEvent
from app.db import bind_actor
from app.db.tenancy import SKIP_GUARD
from tests.conftest import PG_OWNER_URL, PG_URL

pytestmark = pytest.mark.postgres


def test_every_tenant_table_forces_row_level_security(app):
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                          AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        """)
        ).all()
    assert len(rows) >= 4
    weak = [
        r.relname for r in rows if not (r.relrowsecurity and r.relforcerowsecurity and r.policies)
    ]
    assert weak == [], f"tenant-owned tables without forced RLS: {weak}"


def test_app_role_cannot_bypass_row_level_security(app):
    engine = create_engine(PG_URL)
    with engine.connect() as conn:
        role = conn.execute(
            text(
                "SELECT rolname, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
            )
        ).one()
        owned = conn.execute(
            text(
                "SELECT count(*) FROM pg_tables"
                " WHERE schemaname = 'public' AND tableowner = current_user"
            )
        ).scalar()
        can_update_audit = conn.execute(
            text(
                "SELECT has_table_privilege(current_user, 'audit_events', 'UPDATE')"
                " OR has_table_privilege(current_user, 'audit_events', 'DELETE')"
            )
        ).scalar()
    assert not role.rolsuper and not role.rolbypassrls
    assert owned == 0, "the app role must not own tables (owners can disable RLS)"
    assert not can_update_audit


def _two_tenants_with_events(factory):
    north = factory.organisation("north")
    south = factory.organisation("south")
    factory.person("a@example.org", {north: {"caseworker"}})
    factory.person("b@example.org", {south: {"caseworker"}})
    return north, south


def test_without_the_orm_guard_postgres_alone_hides_other_tenants(db, factory):
    north, south = _two_tenants_with_events(factory)
    bind_actor(db, north.id, None)
    # The guard is switched off for this statement: only RLS stands between the tenants.
    rows = db.scalars(select(AuditEvent), execution_options={SKIP_GUARD: True}).all()
    assert rows and {r.tenant_id for r in rows} == {north.id}
    raw = db.execute(text("SELECT DISTINCT tenant_id FROM audit_events")).scalars().all()
    assert [str(t) for t in raw] == [str(north.id)]


def test_without_any_tenant_setting_postgres_shows_nothing(app, factory):
    _two_tenants_with_events(factory)
    with create_engine(PG_URL).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 0


def test_pooled_connection_used_by_a_then_b_leaks_nothing(app, factory):
    north, south = _two_tenants_with_events(factory)
    engine = create_engine(PG_URL, pool_size=1, max_overflow=0)
    factory_ = app.extensions["haven.sessionmaker"]
    pids = []
    for tenant in (north, south, None):
        session = factory_(bind=engine)
        bind_actor(session, tenant.id if tenant else None, None)
        pids.append(session.execute(text("SELECT pg_backend_pid()")).scalar())
        seen = session.execute(text("SELECT DISTINCT tenant_id FROM audit_events")).scalars().all()
        session.commit()
        session.close()
        assert [str(t) for t in seen] == ([str(tenant.id)] if tenant else [])
    assert len(set(pids)) == 1, "the test must reuse one pooled connection"


def test_writing_into_another_tenant_is_rejected_by_postgres(db, factory):
    north, south = _two_tenants_with_events(factory)
    bind_actor(db, north.id, None)
    with pytest.raises(DBAPIError, match="row-level security"):
        db.execute(
            text(
                "INSERT INTO audit_events (tenant_id, id, occurred_at, action, details) "
                "VALUES (:t, gen_random_uuid(), now(), 'x', '{}')"
            ),
            {"t": south.id},
        )


def test_audit_log_is_append_only_even_for_the_owner(app, factory):
    north, _ = _two_tenants_with_events(factory)
    with create_engine(PG_OWNER_URL).connect() as conn:
        conn.execute(text("SELECT set_config('app.tenant_id', :t, false)"), {"t": str(north.id)})
        with pytest.raises(DBAPIError, match="append-only"):
            conn.execute(text("UPDATE audit_events SET action = 'tampered'"))


def test_the_audit_log_cannot_be_truncated_by_the_owner_or_the_app(app, factory):
    _two_tenants_with_events(factory)
    owner, app_role = create_engine(PG_OWNER_URL), create_engine(PG_URL)
    with owner.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("TRUNCATE audit_events"))
    with app_role.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
        conn.execute(text("TRUNCATE audit_events"))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET is_platform_admin = true",
        "UPDATE users SET email = 'attacker@example.org'",
        "INSERT INTO users (id, email, display_name, password_hash, must_change_password,"
        " is_platform_admin, created_at) VALUES (gen_random_uuid(), 'x@example.org', 'X',"
        " 'x', false, true, now())",
        "UPDATE user_sessions SET user_id = gen_random_uuid()",
        "UPDATE organisations SET name = 'renamed'",
        "DELETE FROM organisations",
        "DELETE FROM platform_keys",
        "UPDATE platform_keys SET key_id = 'p9'",
    ],
)
def test_an_injection_in_a_request_cannot_rewrite_the_platform_tables(app, factory, statement):
    """The app role, with no tenant set (as an injected statement would run), is refused
    every platform-table change the app itself never makes."""
    factory.person("admin@example.org", {}, platform_admin=True)
    app_role = create_engine(PG_URL)
    with app_role.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
        conn.execute(text(statement))
