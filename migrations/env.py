"""Alembic environment. Migrations run as the schema owner; afterwards the app role is
granted DML on every table (never ownership), INSERT-only where a table is append-only."""

from __future__ import annotations

import logging

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool, text

import app.models  # noqa: F401 - fills Base.metadata
from app.db.base import Base

config = context.config
target_metadata = Base.metadata
log = logging.getLogger("alembic.env")

#: Append-only tables: the app may read and insert, never update or delete.
INSERT_ONLY = {
    "audit_events",
    # The log's leaves and signed checkpoints (app/audit/models.py): added, never changed.
    "audit_leaves",
    "audit_checkpoints",
    # The consent ledger: history is added to, never rewritten (app/consent/models.py).
    "consent_records",
    "consent_events",
    "consent_notice_texts",
    "consent_shares",
    # The disclosure register (app/disclosure/models.py).
    "disclosure_events",
}
#: Platform tables (no tenant, so no row-level security): the app role gets only the
#: columns it writes, so that an injection in a tenant's request cannot make anyone a
#: platform admin, take over an account's e-mail or move a session to another user.
#: Platform admins are made by the operator with the owner's connection (``haven user
#: create --platform-admin``).
PLATFORM_GRANTS = {
    "organisations": "SELECT, INSERT",
    # INSERT of a platform admin is refused by a trigger (migration 0004) for any role but
    # the owner: the ORM lists every column in an INSERT, so a column grant cannot do it.
    "users": (
        "SELECT, INSERT, UPDATE (password_hash, must_change_password, totp_secret_sealed, "
        "totp_enrolled_at, totp_last_step, locale, disabled_at)"
    ),
    "user_sessions": (
        "SELECT, INSERT, DELETE, UPDATE (last_seen_at, revoked_at, organisation_id, mfa_verified)"
    ),
    "platform_keys": "SELECT, INSERT, UPDATE (wrapped, master_key_id)",
    # Network membership is set by the operator (``haven network join``, owner's connection):
    # an injection in a member's request must not join it to a network, nor the reverse.
    "network_members": "SELECT",
}


def grant_app_role(connection: Connection, role: str) -> None:
    if connection.dialect.name != "postgresql":
        return
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if not exists:
        log.warning("app role %s does not exist; create it, then migrate again", role)
        return
    quoted = connection.dialect.identifier_preparer.quote(role)
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quoted}"))
    tables = connection.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ).all()
    for table in tables:
        name = connection.dialect.identifier_preparer.quote(table)
        if table == "alembic_version":
            connection.execute(text(f"REVOKE ALL ON {name} FROM {quoted}"))
            continue
        privileges = PLATFORM_GRANTS.get(table) or (
            "SELECT, INSERT" if table in INSERT_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        )
        connection.execute(text(f"REVOKE ALL ON {name} FROM {quoted}"))
        connection.execute(text(f"GRANT {privileges} ON {name} TO {quoted}"))
    connection.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}"))


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with engine.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        grant_app_role(connection, config.attributes.get("app_role", "haven_app"))


run_migrations_online()
