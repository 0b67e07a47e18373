"""Compensation and unpaid-wage claims with their status history."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKeyConstraint, Index, Numeric, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TenantScoped, Timestamp, UUIDPk, enum_column

Money = Numeric(14, 2)


class ClaimRoute(enum.StrEnum):
    criminal_proceedings = "criminal_proceedings"
    civil = "civil"
    state_fund = "state_fund"
    labour_court = "labour_court"
    out_of_court = "out_of_court"


class DefendantType(enum.StrEnum):
    trafficker = "trafficker"
    employer = "employer"
    recruiter = "recruiter"
    state = "state"
    other = "other"
    unknown = "unknown"


class ClaimStatus(enum.StrEnum):
    preparing = "preparing"
    filed = "filed"
    awarded = "awarded"
    rejected = "rejected"
    partially_paid = "partially_paid"
    paid = "paid"
    withdrawn = "withdrawn"


class Claim(TenantScoped, Base):
    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_client", "tenant_id", "client_id"),
        ForeignKeyConstraint(
            ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"], ondelete="SET NULL"
        ),
    )

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    route: Mapped[ClaimRoute] = mapped_column(enum_column(ClaimRoute))
    defendant_type: Mapped[DefendantType] = mapped_column(enum_column(DefendantType))
    #: ISO 4217; one currency per claim.
    currency: Mapped[str] = mapped_column(String(3))
    amount_claimed: Mapped[Decimal | None] = mapped_column(Money)
    amount_awarded: Mapped[Decimal | None] = mapped_column(Money)
    amount_paid: Mapped[Decimal | None] = mapped_column(Money)
    filed_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus), default=ClaimStatus.preparing
    )
    created_at: Mapped[Timestamp]


class ClaimStatusChange(TenantScoped, Base):
    __tablename__ = "claim_status_changes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "claim_id"], ["claims.tenant_id", "claims.id"], ondelete="CASCADE"
        ),
    )

    id: Mapped[UUIDPk]
    claim_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus))
    changed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[Timestamp]
