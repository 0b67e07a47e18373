"""Running reports: who may read which, the request's checks, the gate, the audit trail.

Every function takes ``(session, ctx, ...)``, flushes but never commits, and returns only
what the gate released (:class:`app.reports.ReleasedReport`) with the report's context.
A funder reads only the grants linked to them; supervisors and organisation admins read
every grant of their organisation and the organisation-wide reports. Any other grant (of
another organisation, or of another funder) is "not found": its existence is not confirmed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.models import Grant
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.models import Membership, RoleGrant
from app.auth.permissions import Permission, require
from app.context import Actor, Role
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.reports import dimensions as dims
from app.reports.funding import Period, funder_report
from app.reports.gate import release, resolve_threshold
from app.reports.models import GrantFunder
from app.reports.network import network_report
from app.reports.released import ReleasedReport
from app.reports.state import StateVariant, state_report
from app.tenants.models import Organisation, OrganisationKind
from app.validation import ENDS_BEFORE_START, FieldReader

#: The longest period a report covers.
MAX_YEARS = 5
FIELDS = ("start", "end", "threshold", "cross", "variant")
TOO_LONG = N_("A report covers at most 5 years.")
NOT_A_THRESHOLD = N_("Enter a whole number.")
UNKNOWN_DIMENSION = N_("Unknown breakdown: choose from the list.")
NOT_CROSSED = N_("Choose two different breakdowns.")


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    threshold: int
    #: Two person dimensions to cross in a State report, or None.
    cross: tuple[str, str] | None = None
    variant: StateVariant = StateVariant.nrm


@dataclass(frozen=True)
class GrantFacts:
    id: uuid.UUID
    code: str
    name: str
    funder: str
    currency: str
    budget: Decimal | None
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ReportRun:
    """A released report and what its screens and exports say about it."""

    kind: str
    released: ReleasedReport
    request: ReportRequest
    organisation: str
    grant: GrantFacts | None = None


def read_request(raw: Mapping[str, str], grant: Grant | None = None) -> ReportRequest:
    """The period, threshold and breakdowns asked for, or a 422 naming each bad field.

    The period defaults to the grant's dates (or is required for organisation reports)."""
    reader = FieldReader(raw, FIELDS)
    start = reader.day("start", required=grant is None) or (grant.starts_on if grant else None)
    end = reader.day("end", required=grant is None) or (grant.ends_on if grant else None)
    if start and end and end < start:
        reader.fail("end", ENDS_BEFORE_START)
    elif start and end and end >= _years_after(start, MAX_YEARS):
        reader.fail("end", TOO_LONG)
    threshold = _threshold(reader)
    cross = _cross(reader)
    variant = reader.choice("variant", StateVariant, StateVariant.nrm)
    reader.raise_if_failed()
    assert start and end and variant
    return ReportRequest(Period(start, end), threshold, cross, variant)


def _threshold(reader: FieldReader) -> int:
    raw = reader.raw.get("threshold")
    if not reader.given("threshold"):
        return resolve_threshold(None, None)
    try:
        requested = int(str(raw).strip())
    except ValueError:
        reader.fail("threshold", NOT_A_THRESHOLD)
        return 0
    try:
        return resolve_threshold(requested, None)
    except ValidationFailed as refused:
        reader.merge(refused)
        return 0


def _cross(reader: FieldReader) -> tuple[str, str] | None:
    if not reader.given("cross"):
        return None
    parts = [p.strip() for p in str(reader.raw["cross"]).split(",")]
    if any(p not in dims.PERSON_DIMENSIONS for p in parts):
        reader.fail("cross", UNKNOWN_DIMENSION)
        return None
    if len(parts) != 2 or parts[0] == parts[1]:
        reader.fail("cross", NOT_CROSSED)
        return None
    return parts[0], parts[1]


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def reportable_grants(session: Session, ctx: Actor) -> list[Grant]:
    """The grants whose report the actor may read: all of them for supervisors and admins,
    the linked ones for a funder."""
    require(ctx, Permission.read_reports)
    statement = select(Grant).order_by(Grant.ends_on.desc(), Grant.code)
    if not ctx.roles & {Role.supervisor, Role.org_admin}:
        if ctx.user_id is None:
            # An API token stands for a role, not a person: no grant is linked to it.
            return []
        linked = select(GrantFunder.grant_id).where(GrantFunder.user_id == ctx.user_id)
        statement = statement.where(Grant.id.in_(linked))
    return list(session.scalars(statement))


def reportable_grant(session: Session, ctx: Actor, grant_id: uuid.UUID) -> Grant:
    for grant in reportable_grants(session, ctx):
        if grant.id == grant_id:
            return grant
    raise NotFound(N_("No such grant."))


def run_funder_report(
    session: Session, ctx: Actor, grant_id: uuid.UUID, raw: Mapping[str, str]
) -> ReportRun:
    grant = reportable_grant(session, ctx, grant_id)
    request = read_request(raw, grant)
    released = release(funder_report(session, grant, request.period, request.threshold))
    run = ReportRun("funder", released, request, _organisation(session, ctx), _facts(grant))
    _audit(session, ctx, AuditAction.report_run, run)
    return run


def run_state_report(session: Session, ctx: Actor, raw: Mapping[str, str]) -> ReportRun:
    require(ctx, Permission.read_state_reports)
    request = read_request(raw)
    report = state_report(session, request.period, request.threshold, request.variant,
                          request.cross)  # fmt: skip
    run = ReportRun(request.variant.value, release(report), request, _organisation(session, ctx))
    _audit(session, ctx, AuditAction.report_run, run)
    return run


def is_network(session: Session, ctx: Actor) -> bool:
    org = session.get(Organisation, ctx.tenant_id)
    return org is not None and org.kind == OrganisationKind.network


def run_network_report(session: Session, ctx: Actor, raw: Mapping[str, str]) -> ReportRun:
    """The pooled report of the network the actor coordinates (acts in)."""
    require(ctx, Permission.read_state_reports)
    if not is_network(session, ctx):
        raise Forbidden(N_("Network reports are for the coordinators of a network."))
    request = read_request(raw)
    assert ctx.tenant_id is not None
    report = network_report(session, ctx.tenant_id, request.period, request.threshold)
    run = ReportRun("network", release(report), request, _organisation(session, ctx))
    _audit(session, ctx, AuditAction.report_run, run)
    return run


def record_export(session: Session, ctx: Actor, run: ReportRun, fmt: str, sha256: str) -> None:
    """The export's audit event: what was exported, never a number from it."""
    _audit(session, ctx, AuditAction.report_exported, run, format=fmt, sha256=sha256)


def _audit(session: Session, ctx: Actor, action: AuditAction, run: ReportRun, **extra: str) -> None:
    period = run.request.period
    # Any: the keyword arguments are codes, dates and a count, never the decision's references.
    details: dict[str, Any] = {
        "kind": run.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "threshold": run.request.threshold,
        **extra,
    }
    target = run.grant.id if run.grant else run.kind
    record_event(session, ctx, action, "grant" if run.grant else "report", target, **details)


def _organisation(session: Session, ctx: Actor) -> str:
    org = session.get(Organisation, ctx.tenant_id)
    return org.name if org else ""


def _facts(grant: Grant) -> GrantFacts:
    return GrantFacts(grant.id, grant.code, grant.name, grant.funder, grant.currency,
                      grant.budget, grant.starts_on, grant.ends_on)  # fmt: skip


# Linking funders to grants (organisation admins and supervisors).


def funder_members(session: Session, ctx: Actor) -> list[Membership]:
    """Members holding the funder role: who can be linked to a grant."""
    require(ctx, Permission.manage_catalogue)
    holders = select(RoleGrant.user_id).where(RoleGrant.role == Role.funder)
    return list(session.scalars(select(Membership).where(Membership.user_id.in_(holders))))


def linked_funders(session: Session, ctx: Actor, grant_id: uuid.UUID) -> set[uuid.UUID]:
    require(ctx, Permission.manage_catalogue)
    rows = session.scalars(select(GrantFunder.user_id).where(GrantFunder.grant_id == grant_id))
    return set(rows)


def link_funder(session: Session, ctx: Actor, grant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Open one grant's report to a funder member of the organisation."""
    require(ctx, Permission.manage_catalogue)
    if session.get(Grant, (ctx.tenant_id, grant_id)) is None:
        raise NotFound(N_("No such grant."))
    if user_id not in {m.user_id for m in funder_members(session, ctx)}:
        refusal = N_("This person is not a funder of your organisation.")
        raise ValidationFailed({"user_id": [refusal]})
    if session.get(GrantFunder, (ctx.tenant_id, grant_id, user_id)) is None:
        session.add(GrantFunder(tenant_id=ctx.tenant_id, grant_id=grant_id, user_id=user_id,
                                linked_by=ctx.user_id))  # fmt: skip
        session.flush()
        record_event(session, ctx, AuditAction.grant_funder_linked, "grant", grant_id,
                     user=str(user_id))  # fmt: skip


def unlink_funder(session: Session, ctx: Actor, grant_id: uuid.UUID, user_id: uuid.UUID) -> None:
    require(ctx, Permission.manage_catalogue)
    link = session.get(GrantFunder, (ctx.tenant_id, grant_id, user_id))
    if link is not None:
        session.delete(link)
        session.flush()
        record_event(session, ctx, AuditAction.grant_funder_unlinked, "grant", grant_id,
                     user=str(user_id))  # fmt: skip
