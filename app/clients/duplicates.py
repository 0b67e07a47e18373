"""Intake that catches mistakes: before a second record of the same person is made.

A new client whose name and date of birth, or whose identity document, equal those of a
client already registered is probably that client. The blind indexes find candidates
(each index value is shared by several people, by design), every candidate is decrypted
and compared exactly as search does, and only confirmed matches are returned: a warning
never names someone who merely shares an index value. Looking is audited like a search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients import indexes
from app.clients.models import Client
from app.clients.service import confirmed_match
from app.clients.validation import ClientFacts, ClientIntake, read_intake
from app.context import Actor
from app.errors import ValidationFailed
from app.keys.service import live_tenant_keys, preload_client_keys

#: Field groups that identify one person well enough to warn (all fields of a group).
GROUPS: tuple[tuple[str, ...], ...] = (("name", "date_of_birth"), ("identity_document",))


@dataclass(frozen=True)
class IntakeWarnings:
    #: Clients confirmed to share a whole group of identity fields, by code.
    duplicates: list[Client] = field(default_factory=list)
    #: Nothing at all was filled in: every fact at its default, no identity.
    empty: bool = False

    def __bool__(self) -> bool:
        return bool(self.duplicates) or self.empty


def intake_warnings(session: Session, ctx: Actor, intake: ClientIntake) -> IntakeWarnings:
    """What to ask before registering ``intake``; no warning for an intake with input
    errors (registering it reports those)."""
    require(ctx, Permission.casework)
    try:
        facts, given = read_intake(intake, ctx.today())
    except ValidationFailed:
        return IntakeWarnings()
    if not given and facts == ClientFacts():
        return IntakeWarnings(empty=True)
    groups = [g for g in GROUPS if all(name in given for name in g)]
    if not groups:
        return IntakeWarnings()
    found = _confirmed(session, given, groups)
    record_event(
        session,
        ctx,
        AuditAction.client_searched,
        None,
        None,
        field="intake:" + "+".join(sorted({n for g in groups for n in g})),
        matches=len(found),
    )
    return IntakeWarnings(duplicates=found)


def _confirmed(
    session: Session, given: dict[str, str], groups: list[tuple[str, ...]]
) -> list[Client]:
    keys = live_tenant_keys(session)
    clauses = []
    for group in groups:
        clauses.append(
            and_(
                *(
                    getattr(Client, f"blind_index_{name}").in_(
                        {indexes.index_of(key, name, given[name]) for key in keys}
                    )
                    for name in group
                )
            )
        )
    candidates = list(
        session.scalars(select(Client).where(Client.erased_at.is_(None), or_(*clauses)))
    )
    preload_client_keys(session, [c.id for c in candidates])
    matches = [
        c
        for c in candidates
        if any(all(confirmed_match(session, c, n, given[n]) for n in g) for g in groups)
    ]
    return sorted(matches, key=lambda c: c.code)
