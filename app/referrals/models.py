"""Referrals to and from other organisations, on the platform or outside it, and to the
national referral mechanism (NRM) or a transnational partner.

A referral between two organisations on the platform is two rows: the sender's
(``direction=outgoing``) and the receiver's (``incoming``), each in its own tenant, linked
by ``exchange_id``. The receiver's row carries only what the referral carries: the
pseudonym and coarse facts, never sealed identity (until the consent ledger exists).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, ForeignKeyConstraint, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TenantScoped, Timestamp, UUIDPk, enum_column


class Direction(enum.StrEnum):
    outgoing = "outgoing"
    incoming = "incoming"


class PartnerKind(enum.StrEnum):
    platform_organisation = "platform_organisation"
    external_organisation = "external_organisation"
    nrm = "nrm"
    transnational = "transnational"


class ReferralStatus(enum.StrEnum):
    sent = "sent"
    accepted = "accepted"
    declined = "declined"
    completed = "completed"
    cancelled = "cancelled"


class Referral(TenantScoped, Base):
    __tablename__ = "referrals"
    __table_args__ = (
        Index("ix_referrals_client", "tenant_id", "client_id"),
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[UUIDPk]
    #: Links the sender's and receiver's rows of one platform referral.
    exchange_id: Mapped[uuid.UUID] = mapped_column(Uuid, default=uuid.uuid4)
    direction: Mapped[Direction] = mapped_column(enum_column(Direction))
    #: The client in this tenant: set on outgoing rows and once an incoming one is taken on.
    client_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    partner_kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))
    #: The other organisation on the platform (no foreign key into another tenant's data).
    partner_organisation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: Name of an external partner organisation or NRM body (an organisation, never a person).
    partner_name: Mapped[str | None] = mapped_column(String(200))
    #: ISO 3166-1 alpha-2 of a transnational partner.
    partner_country: Mapped[str | None] = mapped_column(String(2))
    #: ServiceCategory values the referral asks for.
    services_requested: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: What the referral carries: the sender's pseudonym and coarse facts only.
    carried: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus), default=ReferralStatus.sent
    )
    sent_on: Mapped[date] = mapped_column(Date)
    responded_on: Mapped[date | None] = mapped_column(Date)
    #: Short outcome code or phrase chosen from a list in the UI (no narrative).
    outcome: Mapped[str | None] = mapped_column(String(80))
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[Timestamp]
