"""Cases: support episodes of one client, with assignments, NRM history, risks and the
child module (visible only to roles allowed to see child cases)."""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import ColumnElement, Date, ForeignKeyConstraint, Index, LargeBinary, String, Uuid
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, OptionalTimestamp, TenantScoped, Timestamp, UUIDPk, enum_column
from app.keys.sealed import SealedOwner


class CloseReason(enum.StrEnum):
    goals_met = "goals_met"
    moved_to_other_service = "moved_to_other_service"
    returned_home = "returned_home"
    lost_contact = "lost_contact"
    client_withdrew = "client_withdrew"
    deceased = "deceased"
    other = "other"


class PermitTrack(enum.StrEnum):
    none = "none"
    reflection_period = "reflection_period"
    victim_residence_permit = "victim_residence_permit"
    international_protection = "international_protection"
    humanitarian = "humanitarian"
    other = "other"


class NrmState(enum.StrEnum):
    not_referred = "not_referred"
    referred = "referred"
    positive_reasonable_grounds = "positive_reasonable_grounds"
    negative_reasonable_grounds = "negative_reasonable_grounds"
    positive_conclusive = "positive_conclusive"
    negative_conclusive = "negative_conclusive"
    withdrawn = "withdrawn"


class RiskKind(enum.StrEnum):
    retaliation = "retaliation"
    re_trafficking = "re_trafficking"
    return_risk = "return_risk"
    self_harm = "self_harm"
    other = "other"


class RiskLevel(enum.StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


class Schooling(enum.StrEnum):
    enrolled = "enrolled"
    waiting = "waiting"
    not_enrolled = "not_enrolled"
    not_applicable = "not_applicable"


def _client_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "client_id"], ["clients.tenant_id", "clients.id"], ondelete="CASCADE"
    )


def _case_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "case_id"], ["cases.tenant_id", "cases.id"], ondelete="CASCADE"
    )


class Case(TenantScoped, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_client", "tenant_id", "client_id"),
        _client_fk(),
    )

    id: Mapped[UUIDPk]
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    close_reason: Mapped[CloseReason | None] = mapped_column(enum_column(CloseReason))
    reflection_start: Mapped[date | None] = mapped_column(Date)
    reflection_end: Mapped[date | None] = mapped_column(Date)
    permit_track: Mapped[PermitTrack] = mapped_column(
        enum_column(PermitTrack), default=PermitTrack.none
    )
    #: Current NRM state; every change is also a row of ``nrm_events``.
    nrm_state: Mapped[NrmState] = mapped_column(
        enum_column(NrmState), default=NrmState.not_referred
    )
    created_at: Mapped[Timestamp]

    @hybrid_property
    def is_open(self) -> bool:
        """The one meaning of an open case: not closed (a closed case is read-only)."""
        return self.closed_on is None

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls) -> ColumnElement[bool]:
        return cls.closed_on.is_(None)


class CaseAssignment(TenantScoped, Base):
    __tablename__ = "case_assignments"
    __table_args__ = (_case_fk(),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    assigned_at: Mapped[Timestamp]


class NrmEvent(TenantScoped, Base):
    __tablename__ = "nrm_events"
    __table_args__ = (
        Index("ix_nrm_events_case", "tenant_id", "case_id"),
        _case_fk(),
    )

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    state: Mapped[NrmState] = mapped_column(enum_column(NrmState))
    changed_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[Timestamp]


class Risk(TenantScoped, Base):
    __tablename__ = "risks"
    #: Whose key seals this table's ``sealed_*`` values (:mod:`app.keys.sealed`).
    __sealed_owner__ = SealedOwner.through(Case, "case_id")
    __table_args__ = (
        Index("ix_risks_case", "tenant_id", "case_id"),
        _case_fk(),
    )

    id: Mapped[UUIDPk]
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[RiskKind] = mapped_column(enum_column(RiskKind))
    level: Mapped[RiskLevel] = mapped_column(enum_column(RiskLevel))
    review_on: Mapped[date] = mapped_column(Date)
    #: Sealed under the client's key: risk notes name people and places.
    sealed_notes: Mapped[bytes | None] = mapped_column(LargeBinary)
    closed_at: Mapped[OptionalTimestamp]
    recorded_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[Timestamp]


class ChildDetails(TenantScoped, Base):
    """The child module of a case. Only roles allowed to see child cases may read it."""

    __tablename__ = "child_details"
    #: Whose key seals this table's ``sealed_*`` values (:mod:`app.keys.sealed`).
    __sealed_owner__ = SealedOwner.through(
        Case, "case_id", erase_also=("child_protection_service",)
    )
    __table_args__ = (_case_fk(),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: Guardian's name and contact, sealed under the client's key.
    sealed_guardian: Mapped[bytes | None] = mapped_column(LargeBinary)
    schooling: Mapped[Schooling] = mapped_column(
        enum_column(Schooling), default=Schooling.not_enrolled
    )
    #: Child-protection contact (service and person), sealed under the client's key.
    sealed_child_protection_contact: Mapped[bytes | None] = mapped_column(LargeBinary)
    updated_at: Mapped[Timestamp]
    #: Free text limited to a service name (e.g. "ASE Rhône"), not a person.
    child_protection_service: Mapped[str | None] = mapped_column(String(120))
