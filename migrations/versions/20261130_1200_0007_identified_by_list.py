"""identified_by becomes a controlled list of bodies: no free text stays on a client row

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:00:00

Free text typed here was shown after erasure and held whatever was typed. Known values are
mapped to their body; anything else becomes "other" (the text itself is not kept).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

#: Frozen here (app.taxonomy.IdentifyingBody at the time of writing).
BODIES = (
    "police",
    "nrm_competent_authority",
    "labour_inspectorate",
    "ngo",
    "court",
    "immigration_authority",
    "other",
)
MAPPING = f"""
    CASE
        WHEN identified_by IS NULL OR trim(identified_by) = '' THEN NULL
        WHEN lower(identified_by) IN ({", ".join(f"'{b}'" for b in BODIES)})
            THEN lower(identified_by)
        WHEN lower(identified_by) LIKE '%polic%' OR lower(identified_by) LIKE '%gendarm%'
            THEN 'police'
        WHEN lower(identified_by) LIKE '%nrm%' OR lower(identified_by) LIKE '%referral mech%'
            OR lower(identified_by) LIKE '%competent author%' THEN 'nrm_competent_authority'
        WHEN lower(identified_by) LIKE '%labo%r insp%' OR lower(identified_by) LIKE '%inspect%'
            THEN 'labour_inspectorate'
        WHEN lower(trim(identified_by)) = 'ngo' OR lower(identified_by) LIKE '%non-gov%'
            THEN 'ngo'
        WHEN lower(identified_by) LIKE '%court%' OR lower(identified_by) LIKE '%tribunal%'
            OR lower(identified_by) LIKE '%judge%' THEN 'court'
        WHEN lower(identified_by) LIKE '%immigration%' OR lower(identified_by) LIKE '%border%'
            THEN 'immigration_authority'
        ELSE 'other'
    END
"""
CHECK = f"identified_by IN ({', '.join(repr(b) for b in BODIES)})"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        # Row-level security is forced on the owner too: lift it for this one update of
        # every organisation's rows, inside the migration's transaction.
        op.execute("ALTER TABLE clients NO FORCE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE clients DISABLE ROW LEVEL SECURITY")
    op.execute(f"UPDATE clients SET identified_by = {MAPPING}")  # noqa: S608 - constants
    if postgres:
        op.execute("ALTER TABLE clients ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE clients FORCE ROW LEVEL SECURITY")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.alter_column(
            "identified_by",
            existing_type=sa.String(length=80),
            type_=sa.String(length=40),
            existing_nullable=True,
        )
        batch_op.create_check_constraint(op.f("ck_clients_identifyingbody"), CHECK)


def downgrade() -> None:
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_clients_identifyingbody"), type_="check")
        batch_op.alter_column(
            "identified_by",
            existing_type=sa.String(length=40),
            type_=sa.String(length=80),
            existing_nullable=True,
        )
