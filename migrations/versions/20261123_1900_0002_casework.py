"""casework: clients (sealed identity, keys), cases, risks, child module, assistance,
grants, claims, referrals, anonymous contacts, API tokens; all under row-level security

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 20:23:05.294131
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


#: Frozen here: the tenant-owned tables this revision creates.
TENANT_TABLES = (
    "anonymous_contacts",
    "api_tokens",
    "clients",
    "grants",
    "service_subtypes",
    "cases",
    "client_keys",
    "referrals",
    "assistance_records",
    "case_assignments",
    "child_details",
    "claims",
    "nrm_events",
    "risks",
    "claim_status_changes",
)
TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def upgrade() -> None:
    op.create_table(
        "anonymous_contacts",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("interpreter_used", sa.Boolean(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "non_binary",
                "not_stated",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "age_band",
            sa.Enum(
                "under_12",
                "12_17",
                "18_24",
                "25_34",
                "35_49",
                "50_plus",
                "unknown",
                name="ageband",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("form_of_exploitation", sa.String(length=40), nullable=True),
        sa.Column("referral_made", sa.Boolean(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_anonymous_contacts_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_anonymous_contacts")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "caseworker",
                "supervisor",
                "org_admin",
                "auditor",
                "funder",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("token_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_api_tokens_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "clients",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed_name", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_aliases", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_date_of_birth", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_phone", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_contact_details", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_identity_document", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_address", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_immigration_status", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_health_notes", sa.LargeBinary(), nullable=True),
        sa.Column("sealed_narrative", sa.LargeBinary(), nullable=True),
        sa.Column("blind_index_name", sa.Integer(), nullable=True),
        sa.Column("blind_index_date_of_birth", sa.Integer(), nullable=True),
        sa.Column("blind_index_identity_document", sa.Integer(), nullable=True),
        sa.Column("blind_index_phone", sa.Integer(), nullable=True),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "non_binary",
                "not_stated",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "age_band",
            sa.Enum(
                "under_12",
                "12_17",
                "18_24",
                "25_34",
                "35_49",
                "50_plus",
                "unknown",
                name="ageband",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("is_minor", sa.Boolean(), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("nationality_region", sa.String(length=40), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("preferred_language", sa.String(length=35), nullable=True),
        sa.Column("forms_of_exploitation", sa.JSON(), nullable=False),
        sa.Column(
            "sector",
            sa.Enum(
                "agriculture",
                "construction",
                "hospitality",
                "domestic_work",
                "garment",
                "sex_industry",
                "other",
                "unknown",
                name="sector",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "movement",
            sa.Enum(
                "domestic",
                "cross_border",
                "unknown",
                name="movement",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "victim_status",
            sa.Enum(
                "potential",
                "presumed",
                "formally_identified",
                "not_identified",
                name="victimstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("identified_by", sa.String(length=80), nullable=True),
        sa.Column("identified_on", sa.Date(), nullable=True),
        sa.Column(
            "referral_source",
            sa.Enum(
                "self_referral",
                "police",
                "labour_inspectorate",
                "ngo",
                "helpline",
                "health_service",
                "social_services",
                "embassy",
                "nrm",
                "other",
                "unknown",
                name="referralsource",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_clients_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_clients")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_clients_tenant_id")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(
            "ix_clients_blind_index_date_of_birth",
            ["tenant_id", "blind_index_date_of_birth"],
            unique=False,
        )
        batch_op.create_index(
            "ix_clients_blind_index_identity_document",
            ["tenant_id", "blind_index_identity_document"],
            unique=False,
        )
        batch_op.create_index(
            "ix_clients_blind_index_name", ["tenant_id", "blind_index_name"], unique=False
        )
        batch_op.create_index(
            "ix_clients_blind_index_phone", ["tenant_id", "blind_index_phone"], unique=False
        )
        batch_op.create_index("ix_clients_created", ["tenant_id", "created_at"], unique=False)

    op.create_table(
        "grants",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("funder", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_grants_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_grants")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_grants_tenant_id")),
    )
    op.create_table(
        "service_subtypes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "accommodation",
                "counselling",
                "interpretation",
                "medical",
                "psychological",
                "material",
                "legal",
                "criminal_proceedings_support",
                "compensation",
                "education_employment",
                "child_services",
                "return_support",
                "reintegration",
                "helpline_outreach",
                "referral",
                name="servicecategory",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_service_subtypes_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_service_subtypes")),
        sa.UniqueConstraint(
            "tenant_id", "category", "name", name=op.f("uq_service_subtypes_tenant_id")
        ),
    )
    op.create_table(
        "cases",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column(
            "close_reason",
            sa.Enum(
                "goals_met",
                "moved_to_other_service",
                "returned_home",
                "lost_contact",
                "client_withdrew",
                "deceased",
                "other",
                name="closereason",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("reflection_start", sa.Date(), nullable=True),
        sa.Column("reflection_end", sa.Date(), nullable=True),
        sa.Column(
            "permit_track",
            sa.Enum(
                "none",
                "reflection_period",
                "victim_residence_permit",
                "international_protection",
                "humanitarian",
                "other",
                name="permittrack",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "nrm_state",
            sa.Enum(
                "not_referred",
                "referred",
                "positive_reasonable_grounds",
                "negative_reasonable_grounds",
                "positive_conclusive",
                "negative_conclusive",
                "withdrawn",
                name="nrmstate",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_cases_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_cases_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_client", ["tenant_id", "client_id"], unique=False)

    op.create_table(
        "client_keys",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("tenant_key_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_client_keys_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_client_keys_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "client_id", "version", name=op.f("pk_client_keys")),
    )
    op.create_table(
        "referrals",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("exchange_id", sa.Uuid(), nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "outgoing",
                "incoming",
                name="direction",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column(
            "partner_kind",
            sa.Enum(
                "platform_organisation",
                "external_organisation",
                "nrm",
                "transnational",
                name="partnerkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("partner_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("partner_name", sa.String(length=200), nullable=True),
        sa.Column("partner_country", sa.String(length=2), nullable=True),
        sa.Column("services_requested", sa.JSON(), nullable=False),
        sa.Column("carried", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "sent",
                "accepted",
                "declined",
                "completed",
                "cancelled",
                name="referralstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=80), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_referrals_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_referrals_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_client", ["tenant_id", "client_id"], unique=False)

    op.create_table(
        "assistance_records",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "accommodation",
                "counselling",
                "interpretation",
                "medical",
                "psychological",
                "material",
                "legal",
                "criminal_proceedings_support",
                "compensation",
                "education_employment",
                "child_services",
                "return_support",
                "reintegration",
                "helpline_outreach",
                "referral",
                name="servicecategory",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("subtype_id", sa.Uuid(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("quantity", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column(
            "unit",
            sa.Enum(
                "nights",
                "hours",
                "sessions",
                "items",
                "amount",
                "contacts",
                name="serviceunit",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("interpreter_used", sa.Boolean(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=True),
        sa.Column("cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "delivered",
                "partially_delivered",
                "declined_by_client",
                "not_available",
                "referred_elsewhere",
                name="serviceoutcome",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("sealed_notes", sa.LargeBinary(), nullable=True),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_assistance_records_tenant_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_assistance_records_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "grant_id"],
            ["grants.tenant_id", "grants.id"],
            name=op.f("fk_assistance_records_tenant_id_grants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "subtype_id"],
            ["service_subtypes.tenant_id", "service_subtypes.id"],
            name=op.f("fk_assistance_records_tenant_id_service_subtypes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_assistance_records_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_assistance_records")),
    )
    with op.batch_alter_table("assistance_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assistance_records_client", ["tenant_id", "client_id", "started_on"], unique=False
        )

    op.create_table(
        "case_assignments",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_case_assignments_tenant_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_case_assignments_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "tenant_id", "case_id", "user_id", name=op.f("pk_case_assignments")
        ),
    )
    op.create_table(
        "child_details",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("sealed_guardian", sa.LargeBinary(), nullable=True),
        sa.Column(
            "schooling",
            sa.Enum(
                "enrolled",
                "waiting",
                "not_enrolled",
                "not_applicable",
                name="schooling",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("sealed_child_protection_contact", sa.LargeBinary(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("child_protection_service", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_child_details_tenant_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_child_details_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "case_id", name=op.f("pk_child_details")),
    )
    op.create_table(
        "claims",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column(
            "route",
            sa.Enum(
                "criminal_proceedings",
                "civil",
                "state_fund",
                "labour_court",
                "out_of_court",
                name="claimroute",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "defendant_type",
            sa.Enum(
                "trafficker",
                "employer",
                "recruiter",
                "state",
                "other",
                "unknown",
                name="defendanttype",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_claimed", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("amount_awarded", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("amount_paid", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "preparing",
                "filed",
                "awarded",
                "rejected",
                "partially_paid",
                "paid",
                "withdrawn",
                name="claimstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_claims_tenant_id_cases"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id", "client_id"],
            ["clients.tenant_id", "clients.id"],
            name=op.f("fk_claims_tenant_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claims_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_claims")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index("ix_claims_client", ["tenant_id", "client_id"], unique=False)

    op.create_table(
        "nrm_events",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "not_referred",
                "referred",
                "positive_reasonable_grounds",
                "negative_reasonable_grounds",
                "positive_conclusive",
                "negative_conclusive",
                "withdrawn",
                name="nrmstate",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_nrm_events_tenant_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_nrm_events_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_nrm_events")),
    )
    with op.batch_alter_table("nrm_events", schema=None) as batch_op:
        batch_op.create_index("ix_nrm_events_case", ["tenant_id", "case_id"], unique=False)

    op.create_table(
        "risks",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "retaliation",
                "re_trafficking",
                "return_risk",
                "self_harm",
                "other",
                name="riskkind",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "level",
            sa.Enum(
                "low",
                "medium",
                "high",
                name="risklevel",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("review_on", sa.Date(), nullable=False),
        sa.Column("sealed_notes", sa.LargeBinary(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "case_id"],
            ["cases.tenant_id", "cases.id"],
            name=op.f("fk_risks_tenant_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_risks_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_risks")),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index("ix_risks_case", ["tenant_id", "case_id"], unique=False)

    op.create_table(
        "claim_status_changes",
        sa.Column("tenant_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "preparing",
                "filed",
                "awarded",
                "rejected",
                "partially_paid",
                "paid",
                "withdrawn",
                name="claimstatus",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Uuid(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "claim_id"],
            ["claims.tenant_id", "claims.id"],
            name=op.f("fk_claim_status_changes_tenant_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["organisations.id"],
            name=op.f("fk_claim_status_changes_tenant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("tenant_id", "id", name=op.f("pk_claim_status_changes")),
    )

    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY tenant_isolation ON {table} "
                f"USING (tenant_id = {TENANT}) WITH CHECK (tenant_id = {TENANT})"
            )


def downgrade() -> None:
    op.drop_table("claim_status_changes")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index("ix_risks_case")

    op.drop_table("risks")
    with op.batch_alter_table("nrm_events", schema=None) as batch_op:
        batch_op.drop_index("ix_nrm_events_case")

    op.drop_table("nrm_events")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index("ix_claims_client")

    op.drop_table("claims")
    op.drop_table("child_details")
    op.drop_table("case_assignments")
    with op.batch_alter_table("assistance_records", schema=None) as batch_op:
        batch_op.drop_index("ix_assistance_records_client")

    op.drop_table("assistance_records")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_client")

    op.drop_table("referrals")
    op.drop_table("client_keys")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_client")

    op.drop_table("cases")
    op.drop_table("service_subtypes")
    op.drop_table("grants")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index("ix_clients_created")
        batch_op.drop_index("ix_clients_blind_index_phone")
        batch_op.drop_index("ix_clients_blind_index_name")
        batch_op.drop_index("ix_clients_blind_index_identity_document")
        batch_op.drop_index("ix_clients_blind_index_date_of_birth")

    op.drop_table("clients")
    op.drop_table("api_tokens")
    op.drop_table("anonymous_contacts")
