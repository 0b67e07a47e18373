"""Computing linkage tokens when identity is entered, and membership changes."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.tenancy import acting_in, current_tenant
from app.keys.service import active_tenant_key
from app.networks.models import LinkageToken, NetworkMember
from app.tenants.models import Organisation, OrganisationKind
from crypto import derive_index_key, normalise, normalise_date

#: The HKDF label of the linkage key under a network's own key.
LINKAGE_LABEL = "network-linkage"


class NotANetwork(ValueError):
    """The organisation named as a network is not one (or the member is itself a network)."""


def networks_of(session: Session, member_id: uuid.UUID) -> list[uuid.UUID]:
    rows = session.scalars(
        select(NetworkMember.network_id).where(NetworkMember.member_id == member_id)
    )
    return list(rows)


def members_of(session: Session, network_id: uuid.UUID) -> list[uuid.UUID]:
    rows = session.scalars(
        select(NetworkMember.member_id)
        .where(NetworkMember.network_id == network_id)
        .order_by(NetworkMember.member_id)
    )
    return list(rows)


def token_of(linkage_key: bytes, name: str, date_of_birth: str) -> bytes:
    message = f"{normalise(name)}\x1f{normalise_date(date_of_birth)}".encode()
    return hmac.new(linkage_key, message, hashlib.sha256).digest()


def _linkage_key(session: Session, network_id: uuid.UUID) -> tuple[bytes, str]:
    with acting_in(session, network_id):
        key = active_tenant_key(session)
    return derive_index_key(key, LINKAGE_LABEL), key.key_id


def refresh_tokens(session: Session, client_id: uuid.UUID, given: Mapping[str, str | None]) -> None:
    """Called where identity is entered (intake, identity changes) with the values typed.

    With a name and a date of birth both given: a token per network of the organisation.
    With either changed alone or cleared: the client's tokens go (a stale token would count
    two people as one); they come back when both are entered together.
    """
    if "name" not in given and "date_of_birth" not in given:
        return
    tenant_id = current_tenant(session)
    assert tenant_id is not None
    session.execute(delete(LinkageToken).where(LinkageToken.client_id == client_id))
    name, born = given.get("name"), given.get("date_of_birth")
    if not name or not born:
        return
    for network_id in networks_of(session, tenant_id):
        key, key_id = _linkage_key(session, network_id)
        session.add(LinkageToken(tenant_id=tenant_id, client_id=client_id, network_id=network_id,
                                 token=token_of(key, name, born), key_id=key_id))  # fmt: skip
    session.flush()


def join_network(session: Session, network: Organisation, member: Organisation) -> None:
    """Operator only (the owner's connection). Clients already registered get tokens when
    their identity is next entered: tokens are never computed from a decryption."""
    if network.kind != OrganisationKind.network or member.kind == OrganisationKind.network:
        raise NotANetwork(network.slug)
    if session.get(NetworkMember, (network.id, member.id)) is None:
        session.add(NetworkMember(network_id=network.id, member_id=member.id))
        session.flush()


def leave_network(session: Session, network: Organisation, member: Organisation) -> int:
    """The member leaves and takes its tokens with it; returns how many were deleted."""
    link = session.get(NetworkMember, (network.id, member.id))
    if link is not None:
        session.delete(link)
    with acting_in(session, member.id):
        result = session.execute(delete(LinkageToken).where(LinkageToken.network_id == network.id))
    session.flush()
    return int(getattr(result, "rowcount", 0) or 0)
