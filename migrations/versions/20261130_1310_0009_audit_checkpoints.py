"""audit checkpoints: leaves fix each event's place in its organisation's log, signed
checkpoints commit to them; events gain the actor's roles, the deciding policies, the
consent relied on and the request context's hash

``audit_leaves`` and ``audit_checkpoints`` are append-only like ``audit_events``: the app
role may SELECT and INSERT only (``migrations/env.py``), and a row trigger rejects UPDATE
and DELETE from every role. Both are tenant-owned with forced RLS.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
TABLES = ("audit_leaves", "audit_checkpoints")


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("actor_roles", sa.JSON(), nullable=True))
    op.add_column("audit_events", sa.Column("policy", sa.JSON(), nullable=True))
    op.add_column("audit_events", sa.Column("consent_id", sa.Uuid(), nullable=True))
    op.add_column("audit_events", sa.Column("context_hash", sa.String(length=71), nullable=True))
    op.create_index("ix_audit_events_tenant_time", "audit_events", ["tenant_id", "occurred_at"])
    op.create_table(
        "audit_leaves",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("log_index", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_audit_leaves_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "log_index", name=op.f("pk_audit_leaves")),
        sa.UniqueConstraint("tenant_id", "event_id", name=op.f("uq_audit_leaves_tenant_id")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("border", sa.LargeBinary(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_audit_checkpoints_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "size", name=op.f("pk_audit_checkpoints")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION haven_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END $$
        """
    )
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION haven_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS haven_append_only()")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_leaves")
    op.drop_index("ix_audit_events_tenant_time", table_name="audit_events")
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("context_hash")
        batch_op.drop_column("consent_id")
        batch_op.drop_column("policy")
        batch_op.drop_column("actor_roles")
