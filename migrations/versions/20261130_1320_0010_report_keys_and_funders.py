"""reports: a record key per client (ONS cell-key method), funders linked to grants,
network members and linkage tokens

Existing clients get a random record key in [0, 256) here; new ones get theirs at intake.
``grant_funders`` and ``linkage_tokens`` are tenant-owned with forced RLS;
``network_members`` is a platform table the app role may only read (``migrations/env.py``).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("record_key", sa.SmallInteger(), nullable=True))
    if postgres:
        # Row-level security is forced on the owner too: lift it for this one update of
        # every organisation's rows, inside the migration's transaction.
        op.execute("ALTER TABLE clients NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE clients DISABLE ROW LEVEL SECURITY")
        # random() per row: a uniform key in [0, 256) for each existing client.
        op.execute("UPDATE clients SET record_key = floor(random() * 256)::smallint")
        op.execute("ALTER TABLE clients ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE clients FORCE ROW LEVEL SECURITY")
    else:
        op.execute("UPDATE clients SET record_key = abs(random() % 256)")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column("record_key", existing_type=sa.SmallInteger(), nullable=False)

    op.create_table(
        "grant_funders",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "grant_id"],
            ["grants.tenant_id", "grants.id"],
            name=op.f("fk_grant_funders_tenant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_grant_funders_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_grant_funders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "grant_id", "user_id", name=op.f("pk_grant_funders")),
    )
    op.create_table(
        "network_members",
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["organisations.id"],
            name=op.f("fk_network_members_network_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["organisations.id"],
            name=op.f("fk_network_members_member_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", "member_id", name=op.f("pk_network_members")),
    )
    op.create_table(
        "linkage_tokens",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.LargeBinary(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_linkage_tokens_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["organisations.id"],
            name=op.f("fk_linkage_tokens_network_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_linkage_tokens_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "client_id", "network_id", name=op.f("pk_linkage_tokens")
        ),
    )
    if postgres:
        for table in ("grant_funders", "linkage_tokens"):
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table} "
                f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
            )


def downgrade() -> None:
    op.drop_table("linkage_tokens")
    op.drop_table("network_members")
    op.drop_table("grant_funders")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("record_key")
