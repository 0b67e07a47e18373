"""Who may read a grant's report: funder users linked to the grant.

A funder is a member of the organisation with the ``funder`` role; holding the role opens
the reports screens, and a link row here opens one grant's report to that person. A funder
linked to no grant sees no report at all (deny by default). Supervisors and organisation
admins read every grant's report of their organisation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, TenantScoped, Timestamp


class GrantFunder(TenantScoped, Base):
    __tablename__ = "grant_funders"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "grant_id"], ["grants.tenant_id", "grants.id"], ondelete="CASCADE"
        ),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    #: The funder's user account (a member of this organisation with the funder role).
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    linked_at: Mapped[Timestamp]
    linked_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
