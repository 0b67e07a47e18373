"""reports: a record key per client (ONS cell-key method) and funders linked to grants

Existing clients get a random record key in [0, 256) here; new ones get theirs at intake.
``grant_funders`` is tenant-owned with forced RLS.

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-30 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
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
    if postgres:
        op.execute("ALTER TABLE grant_funders ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE grant_funders FORCE ROW LEVEL SECURITY")
        op.execute(
            "CREATE POLICY tenant_isolation ON grant_funders "
            f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
        )


def downgrade() -> None:
    op.drop_table("grant_funders")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("record_key")
