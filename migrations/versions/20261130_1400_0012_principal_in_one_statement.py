"""The signed-in principal in one statement; the client list's keyset index

Revision ID: 0012
Revises: 0010
Create Date: 2026-11-30 13:00:00

Every signed-in request needs its session, its user, the organisation it acts in, the roles
held there and the row-level-security settings before its first page query. On PostgreSQL
two functions do that in one round trip (``SELECT * FROM haven_session_principal(...)``
with sessions in the database, ``haven_actor(...)`` when Redis holds them). They run as the
caller (not SECURITY DEFINER): RLS applies to them as to any statement of the app role.

XXX: ``app.tenant_id`` is set only for a live session whose user holds a role in that
organisation; a dead session sets nothing, so the rest of an anonymous request sees no
tenant row.

The client list pages by keyset (created_at, id) newest first: the index carries ``id`` so
that a page starts with an index seek, at any depth.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

HAVEN_ACTOR = """
CREATE FUNCTION haven_actor(p_user uuid, p_org uuid)
RETURNS TABLE (email text, display_name text, user_locale text, must_change_password boolean,
    is_platform_admin boolean, totp_enrolled_at timestamptz,
    org_id uuid, org_name text, org_locale text, org_country text,
    roles text[], organisations bigint)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    v_roles text[];
BEGIN
    -- The user first: their own memberships and grants become visible, no tenant yet.
    PERFORM set_config('app.user_id', p_user::text, true),
            set_config('app.tenant_id', '', true);
    IF p_org IS NOT NULL THEN
        SELECT array_agg(g.role::text ORDER BY g.role) INTO v_roles
        FROM role_grants g WHERE g.tenant_id = p_org AND g.user_id = p_user;
        IF v_roles IS NOT NULL THEN
            PERFORM set_config('app.tenant_id', p_org::text, true);
        END IF;
    END IF;
    RETURN QUERY
    SELECT u.email::text, u.display_name::text, u.locale::text, u.must_change_password,
           u.is_platform_admin, u.totp_enrolled_at,
           o.id, o.name::text, o.default_locale::text, o.country::text,
           v_roles,
           -- Organisations where the person holds a role (a deactivated membership has none).
           (SELECT count(DISTINCT a.tenant_id) FROM role_grants a WHERE a.user_id = p_user)
    FROM users u
    LEFT JOIN organisations o ON o.id = p_org AND v_roles IS NOT NULL
    WHERE u.id = p_user;
END $$
"""

HAVEN_SESSION_PRINCIPAL = """
CREATE FUNCTION haven_session_principal(
    p_token_hash bytea, p_now timestamptz, p_idle interval, p_max interval, p_touch interval
)
RETURNS TABLE (
    session_id uuid, user_id uuid, organisation_id uuid, mfa_verified boolean,
    created_at timestamptz, live boolean,
    email text, display_name text, user_locale text, must_change_password boolean,
    is_platform_admin boolean, totp_enrolled_at timestamptz,
    org_id uuid, org_name text, org_locale text, org_country text,
    roles text[], organisations bigint
)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    s user_sessions%ROWTYPE;
BEGIN
    SELECT * INTO s FROM user_sessions WHERE token_hash = p_token_hash;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF s.revoked_at IS NOT NULL OR s.last_seen_at <= p_now - p_idle
            OR s.created_at <= p_now - p_max THEN
        RETURN QUERY SELECT s.id, s.user_id, s.organisation_id, s.mfa_verified, s.created_at,
            false, NULL::text, NULL::text, NULL::text, NULL::boolean, NULL::boolean,
            NULL::timestamptz, NULL::uuid, NULL::text, NULL::text, NULL::text, NULL::text[],
            NULL::bigint;
        RETURN;
    END IF;
    IF s.last_seen_at <= p_now - p_touch THEN
        UPDATE user_sessions SET last_seen_at = p_now WHERE id = s.id;
    END IF;
    RETURN QUERY SELECT s.id, s.user_id, s.organisation_id, s.mfa_verified, s.created_at,
        true, a.* FROM haven_actor(s.user_id, s.organisation_id) a;
END $$
"""


def upgrade() -> None:
    op.create_index("ix_clients_keyset", "clients", ["tenant_id", "created_at", "id"])
    op.drop_index("ix_clients_created", table_name="clients")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(HAVEN_ACTOR)
    op.execute(HAVEN_SESSION_PRINCIPAL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP FUNCTION haven_session_principal(bytea, timestamptz, interval, interval, interval)"
        )
        op.execute("DROP FUNCTION haven_actor(uuid, uuid)")
    op.create_index("ix_clients_created", "clients", ["tenant_id", "created_at"])
    op.drop_index("ix_clients_keyset", table_name="clients")
