"""Clients: the business rules. Everything here is tenant-scoped through the session."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.auth.models import Role
from app.clients.models import Client
from app.context import Actor
from app.errors import Forbidden, NotFound
from app.i18n import N_

#: Roles that work with client records. Admins, auditors and funders never see clients.
CASEWORK_ROLES = (Role.caseworker, Role.supervisor)


def require_casework(ctx: Actor) -> None:
    if not ctx.has_any(*CASEWORK_ROLES):
        raise Forbidden(N_("Only caseworkers and supervisors work with client records."))


def get_client(session: Session, ctx: Actor, client_id: uuid.UUID) -> Client:
    """The client with this id in the actor's organisation; any other id is not found."""
    require_casework(ctx)
    client = session.get(Client, (ctx.tenant_id, client_id))
    if client is None:
        raise NotFound(N_("No such client."))
    return client
