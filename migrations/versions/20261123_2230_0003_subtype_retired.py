"""service subtypes can be retired: no longer offered for new records, kept by old ones

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_subtypes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("service_subtypes", schema=None) as batch_op:
        batch_op.drop_column("retired_at")
