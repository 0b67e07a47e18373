"""consent ledger: notices and their versions, records, events, sealed evidence, settings,
and what referrals carried under consent (shares, carried identity, withdrawal notices)

Records, events, notice versions and shares are append-only: ``migrations/env.py`` grants
the app role SELECT and INSERT only on them. Every table is tenant-owned with forced RLS.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"
TABLES = (
    "carried_identities",
    "consent_notices",
    "consent_settings",
    "consent_withdrawal_notices",
    "consent_notice_texts",
    "consent_records",
    "consent_events",
    "consent_evidence",
    "consent_shares",
)


def upgrade() -> None:
    op.create_table(
        "carried_identities",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("exchange_id", sa.Uuid(), nullable=False),
        sa.Column("sender_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("tenant_key_id", sa.String(length=16), nullable=False),
        sa.Column("carried_fields", sa.LargeBinary(), nullable=True),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_carried_identities_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_carried_identities")),
        sa.UniqueConstraint(
            "tenant_id", "exchange_id", name=op.f("uq_carried_identities_tenant_id")
        ),
    )
    op.create_table(
        "consent_notices",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_notices_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_notices")),
        sa.UniqueConstraint("tenant_id", "key", name=op.f("uq_consent_notices_tenant_id")),
    )
    op.create_table(
        "consent_settings",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("singleton", sa.Integer(), nullable=False),
        sa.Column("max_months", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_settings_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "singleton", name=op.f("pk_consent_settings")),
    )
    op.create_table(
        "consent_withdrawal_notices",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("exchange_id", sa.Uuid(), nullable=False),
        sa.Column("sender_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_withdrawal_notices_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_withdrawal_notices")),
    )
    op.create_table(
        "consent_notice_texts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("is_example", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "notice_id"],
            ["consent_notices.tenant_id", "consent_notices.id"],
            name=op.f("fk_consent_notice_texts_tenant_id_consent_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_notice_texts_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_notice_texts")),
        sa.UniqueConstraint(
            "tenant_id",
            "notice_id",
            "language",
            "version",
            name=op.f("uq_consent_notice_texts_tenant_id"),
        ),
    )
    op.create_table(
        "consent_records",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "given",
                "refused",
                name="decision",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "legal_basis",
            sa.Enum(
                "consent",
                "court_order",
                "statutory_duty",
                "child_protection_duty",
                "vital_interest",
                "legal_claims",
                name="legalbasis",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("legal_reference", sa.String(length=200), nullable=True),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("recipient_types", sa.JSON(), nullable=False),
        sa.Column("recipient_organisations", sa.JSON(), nullable=False),
        sa.Column("recipient_names", sa.JSON(), nullable=False),
        sa.Column("notice_text_id", sa.Uuid(), nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("notice_language", sa.String(length=35), nullable=False),
        sa.Column("notice_version", sa.Integer(), nullable=False),
        sa.Column("notice_sha256", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("interpreter_used", sa.Boolean(), nullable=False),
        sa.Column("interpreter_code", sa.String(length=40), nullable=True),
        sa.Column(
            "method",
            sa.Enum(
                "verbal",
                "written",
                "electronic",
                name="method",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "evidence_kind",
            sa.Enum(
                "none",
                "scan",
                "signature",
                name="evidencekind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("signature_sha256", sa.String(length=64), nullable=True),
        sa.Column("witness_code", sa.String(length=40), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes_id", sa.Uuid(), nullable=True),
        sa.Column(
            "receipt_kind",
            sa.Enum(
                "full",
                "minimal",
                "none",
                name="receiptkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("receipt_number", sa.String(length=16), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_consent_records_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "notice_text_id"],
            ["consent_notice_texts.tenant_id", "consent_notice_texts.id"],
            name=op.f("fk_consent_records_tenant_id_consent_notice_texts"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_records_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_records")),
        sa.UniqueConstraint(
            "tenant_id", "receipt_number", name=op.f("uq_consent_records_tenant_id")
        ),
    )
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.create_index("ix_consent_records_client", ["tenant_id", "client_id"], unique=False)
        batch_op.create_index(
            "ix_consent_records_expires", ["tenant_id", "expires_at"], unique=False
        )

    op.create_table(
        "consent_events",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "withdrawn",
                "superseded",
                "expired",
                name="eventkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "in_person",
                "phone",
                "message",
                "representative",
                name="withdrawalchannel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("superseded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "record_id"],
            ["consent_records.tenant_id", "consent_records.id"],
            name=op.f("fk_consent_events_tenant_id_consent_records"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_events_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_events")),
    )
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.create_index("ix_consent_events_record", ["tenant_id", "record_id"], unique=False)

    op.create_table(
        "consent_evidence",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("media_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sealed_scan", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_consent_evidence_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "record_id"],
            ["consent_records.tenant_id", "consent_records.id"],
            name=op.f("fk_consent_evidence_tenant_id_consent_records"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_evidence_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "record_id", name=op.f("pk_consent_evidence")),
    )
    op.create_table(
        "consent_shares",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("referral_id", sa.Uuid(), nullable=False),
        sa.Column("exchange_id", sa.Uuid(), nullable=False),
        sa.Column("receiver_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("field_groups", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "record_id"],
            ["consent_records.tenant_id", "consent_records.id"],
            name=op.f("fk_consent_shares_tenant_id_consent_records"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_consent_shares_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_consent_shares")),
    )
    with op.batch_alter_table("consent_shares", schema=None) as batch_op:
        batch_op.create_index("ix_consent_shares_record", ["tenant_id", "record_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table} "
                f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
            )


def downgrade() -> None:
    with op.batch_alter_table("consent_shares", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_shares_record")

    op.drop_table("consent_shares")
    op.drop_table("consent_evidence")
    with op.batch_alter_table("consent_events", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_events_record")

    op.drop_table("consent_events")
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_index("ix_consent_records_expires")
        batch_op.drop_index("ix_consent_records_client")

    op.drop_table("consent_records")
    op.drop_table("consent_notice_texts")
    op.drop_table("consent_withdrawal_notices")
    op.drop_table("consent_settings")
    op.drop_table("consent_notices")
    op.drop_table("carried_identities")
