"""database walls: audit_events cannot be truncated; only the owner makes platform admins

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 07:00:00

The append-only trigger of 0001 rejects UPDATE and DELETE row by row; TRUNCATE fires no
row trigger, so the owner could still empty the log. A statement trigger closes that.

The platform tables have no tenant and so no row-level security: the app role gets only
the columns it updates (``migrations/env.py`` sets those grants after every migration),
and a trigger refuses a new platform admin from any role but the table's owner, so that
an injection in a tenant's request cannot make itself one.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION haven_reject_change()"
    )
    op.execute(
        """
        CREATE FUNCTION haven_owner_makes_platform_admins() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.is_platform_admin AND current_user <> (
                SELECT tableowner FROM pg_tables
                WHERE schemaname = TG_TABLE_SCHEMA AND tablename = TG_TABLE_NAME
            ) THEN
                RAISE EXCEPTION 'permission denied: only the owner makes platform admins';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER users_platform_admin_by_owner BEFORE INSERT ON users "
        "FOR EACH ROW EXECUTE FUNCTION haven_owner_makes_platform_admins()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS users_platform_admin_by_owner ON users")
    op.execute("DROP FUNCTION IF EXISTS haven_owner_makes_platform_admins()")
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
