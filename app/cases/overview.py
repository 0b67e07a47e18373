"""What the case tab shows, gathered in one call: the client's cases, the current one with
its NRM history and team, and the child module when the actor may see it. Nothing here
decrypts: the child module's sealed fields are reported as present or not."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from app.auth.permissions import Permission, can
from app.cases.children import may_see_child_module
from app.cases.models import Case, ChildDetails, NrmEvent
from app.cases.service import (
    Member,
    assignable_members,
    assigned_members,
    cases_of,
    current_case,
    nrm_history,
)
from app.clients.models import Client
from app.clients.service import get_client
from app.context import Actor


@dataclass(frozen=True)
class CaseOverview:
    client: Client
    #: Every case of the client, newest first.
    cases: list[Case]
    current: Case | None
    history: list[NrmEvent] = field(default_factory=list)
    team: list[Member] = field(default_factory=list)
    #: Supervisors assign and unassign; ``assignable`` are the members not yet assigned.
    may_assign: bool = False
    assignable: list[Member] = field(default_factory=list)
    #: The client is a minor and the actor may see the current case's child module.
    shows_child_module: bool = False
    child: ChildDetails | None = None

    @property
    def earlier(self) -> list[Case]:
        return [case for case in self.cases if case is not self.current]


def case_overview(session: Session, ctx: Actor, client_id: uuid.UUID) -> CaseOverview:
    client = get_client(session, ctx, client_id)
    cases = cases_of(session, ctx, client.id)
    case = current_case(cases)
    if case is None:
        return CaseOverview(client, cases, None)
    team = assigned_members(session, case)
    may_assign = can(ctx, Permission.assign_cases)
    assignable = assignable_members(session, ctx) if may_assign else []
    shows_child = client.is_minor and may_see_child_module(session, ctx, case)
    child = session.get(ChildDetails, (ctx.tenant_id, case.id)) if shows_child else None
    return CaseOverview(
        client,
        cases,
        case,
        history=nrm_history(session, case),
        team=team,
        may_assign=may_assign,
        assignable=[m for m in assignable if m not in team],
        shows_child_module=shows_child,
        child=child,
    )
