"""Network membership (platform table) and linkage tokens (the member's tenant)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, ForeignKeyConstraint, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TenantScoped, Timestamp


class NetworkMember(Base):
    """A member organisation of a network. Platform table: the app role reads it only."""

    __tablename__ = "network_members"

    network_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[Timestamp]


class LinkageToken(TenantScoped, Base):
    """A client's keyed linkage token for one network.

    XXX: a token is an identifier across organisations: it never leaves the server (no
    view, API, export or log shows it) and only a network report reads it.
    """

    __tablename__ = "linkage_tokens"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
    )

    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    #: HMAC-SHA256 (32 bytes) under the network's linkage key.
    token: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: The network key version it was computed under (``t<n>``).
    key_id: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[Timestamp]
