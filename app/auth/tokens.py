"""API tokens for integrations: scoped to one organisation and one role, hashed at rest."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import ApiToken
from app.auth.permissions import Permission, require
from app.context import Actor, Role
from app.db.base import utcnow
from app.db.tenancy import bind_actor
from app.errors import AuthenticationFailed, NotFound, ValidationFailed
from app.i18n import N_
from app.tenants.models import Organisation

PREFIX = "hvn"


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def create_api_token(session: Session, ctx: Actor, name: str, role: Role) -> tuple[str, ApiToken]:
    """A new token; the returned string is shown once and never stored."""
    require(ctx, Permission.manage_members)
    name = name.strip()
    if not name or len(name) > 120:
        raise ValidationFailed({"name": [N_("Enter a name of at most 120 characters.")]})
    assert ctx.tenant_id is not None
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=ctx.tenant_id,
        name=name,
        role=role,
        token_hash=_hash(secret),
        created_by=ctx.user_id,
    )
    session.add(token)
    session.flush()
    record_event(
        session, ctx, AuditAction.api_token_created, "api_token", token.id, role=role.value
    )
    return f"{PREFIX}_{ctx.tenant_id.hex}_{secret}", token


def authenticate_api_token(session: Session, raw: str) -> Actor:
    """The actor a bearer token stands for; binds the session to the token's tenant."""
    prefix, _, rest = raw.partition("_")
    tenant_hex, _, secret = rest.partition("_")
    try:
        tenant_id = uuid.UUID(hex=tenant_hex)
    except ValueError:
        tenant_id = None
    if prefix != PREFIX or tenant_id is None or not secret:
        raise AuthenticationFailed(N_("The API token is missing or not valid."))
    bind_actor(session, tenant_id, None)
    found = session.execute(
        select(ApiToken, Organisation.country)
        .join(Organisation, Organisation.id == ApiToken.tenant_id)
        .where(ApiToken.token_hash == _hash(secret))
    ).first()
    token, country = found if found is not None else (None, None)
    if token is None or token.revoked_at is not None:
        bind_actor(session, None, None)
        raise AuthenticationFailed(N_("The API token is missing or not valid."))
    token.last_used_at = utcnow()
    return Actor(
        user_id=None,
        tenant_id=tenant_id,
        roles=frozenset({token.role}),
        api_token_id=token.id,
        country=country,
    )


def list_api_tokens(session: Session, ctx: Actor) -> list[ApiToken]:
    require(ctx, Permission.manage_members)
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc())))


def revoke_api_token(session: Session, ctx: Actor, token_id: uuid.UUID) -> None:
    require(ctx, Permission.manage_members)
    token = session.get(ApiToken, (ctx.tenant_id, token_id))
    if token is None:
        raise NotFound(N_("No such API token."))
    token.revoked_at = token.revoked_at or utcnow()
    record_event(session, ctx, AuditAction.api_token_revoked, "api_token", token.id)
