"""disclosure: the organisation's policy choice, requests and their decisions, the
register, break-glass openings

The register (``disclosure_events``) is append-only: ``migrations/env.py`` grants the app
role SELECT and INSERT only on it. Every table is tenant-owned with forced RLS. The enums
are frozen here (copied, not imported from the models or ``policies.vocabulary``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
TABLES = (
    "disclosure_policy_choices",
    "disclosure_requests",
    "disclosure_events",
    "break_glass_openings",
)
RECIPIENT_TYPES = (
    "police", "prosecutor", "court", "labour_inspectorate", "immigration",
    "child_protection", "nrm_coordinator", "partner_ngo", "funder", "media", "client",
)  # fmt: skip
PURPOSES = (
    "criminal_proceedings_support", "referral", "nrm_registration", "case_conference",
    "return_country_contact", "funder_reporting", "media", "compensation_claim",
    "criminal_investigation", "child_protection_report", "vital_interest", "own_copy",
)  # fmt: skip
LEGAL_BASES = (
    "consent", "court_order", "statutory_duty", "child_protection_duty", "vital_interest",
    "legal_claims",
)  # fmt: skip
STATUSES = ("refused", "awaiting_approval", "ready", "approval_failed", "declined", "released")
EVENT_KINDS = (
    "refused_input", "decided", "approved", "approval_failed", "declined", "released",
    "release_refused", "break_glass_opened", "break_glass_refused", "break_glass_reviewed",
    "policy_changed",
)  # fmt: skip
BREAK_GLASS_REASONS = ("emergency", "cover_for_absent_colleague", "child_safeguarding")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=40)


def _tenant(table: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f(f"fk_{table}_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "disclosure_policy_choices",
        *_tenant("disclosure_policy_choices"),
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("policy_set", sa.String(length=64), nullable=False),
        sa.Column("overrides", sa.Text(), nullable=False),
        sa.Column("set_sha256", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "singleton", name=op.f("pk_disclosure_policy_choices")
        ),
    )
    op.create_table(
        "disclosure_requests",
        *_tenant("disclosure_requests"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipient_type", _enum("recipienttype", RECIPIENT_TYPES), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("purpose", _enum("purpose", PURPOSES), nullable=False),
        sa.Column("legal_basis", _enum("legalbasis", LEGAL_BASES), nullable=False),
        sa.Column("legal_reference", sa.String(length=200), nullable=True),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("is_minor", sa.Boolean(), nullable=False),
        sa.Column("policy_set", sa.String(length=64), nullable=False),
        sa.Column("policy_set_hash", sa.String(length=64), nullable=False),
        sa.Column("context_sha256", sa.String(length=64), nullable=False),
        sa.Column("consent_record_id", sa.Uuid(), nullable=True),
        sa.Column("consent_reason", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.JSON(), nullable=False),
        sa.Column("status", _enum("status", STATUSES), nullable=False),
        sa.Column("approved_by", sa.Uuid(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notify_client", sa.Boolean(), nullable=True),
        sa.Column("notify_reason", sa.String(length=40), nullable=True),
        sa.Column("released_by", sa.Uuid(), nullable=True),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("package_sha256", sa.String(length=64), nullable=True),
        sa.Column("signing_key_version", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_disclosure_requests")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_disclosure_requests_tenant_id")),
    )
    with op.batch_alter_table("disclosure_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_disclosure_requests_client", ["tenant_id", "client_id"], unique=False
        )
    op.create_table(
        "disclosure_events",
        *_tenant("disclosure_events"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum("eventkind", EVENT_KINDS), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_set_hash", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_disclosure_events")),
    )
    with op.batch_alter_table("disclosure_events", schema=None) as batch_op:
        batch_op.create_index("ix_disclosure_events_client", ["tenant_id", "client_id"])
        batch_op.create_index("ix_disclosure_events_when", ["tenant_id", "occurred_at"])
    op.create_table(
        "break_glass_openings",
        *_tenant("break_glass_openings"),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("opened_by", sa.Uuid(), nullable=True),
        sa.Column("reason_code", _enum("breakglassreason", BREAK_GLASS_REASONS), nullable=False),
        sa.Column("sealed_reason", sa.LargeBinary(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_ids", sa.JSON(), nullable=False),
        sa.Column("policy_set_hash", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_break_glass_openings")),
    )
    with op.batch_alter_table("break_glass_openings", schema=None) as batch_op:
        batch_op.create_index("ix_break_glass_openings_client", ["tenant_id", "client_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table} "
                f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
            )


def downgrade() -> None:
    with op.batch_alter_table("break_glass_openings", schema=None) as batch_op:
        batch_op.drop_index("ix_break_glass_openings_client")
    op.drop_table("break_glass_openings")
    with op.batch_alter_table("disclosure_events", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosure_events_when")
        batch_op.drop_index("ix_disclosure_events_client")
    op.drop_table("disclosure_events")
    with op.batch_alter_table("disclosure_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_disclosure_requests_client")
    op.drop_table("disclosure_requests")
    op.drop_table("disclosure_policy_choices")
