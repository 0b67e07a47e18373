"""The organisation's assistance catalogue: grants that pay for services and its own
subtypes of the fixed categories. Managed by an organisation admin or a supervisor; read by
everyone who records services."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.fields import FieldReader
from app.assistance.models import Grant, ServiceSubtype
from app.auth.models import Role
from app.context import Actor
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.taxonomy import ServiceCategory

MANAGER_ROLES = (Role.org_admin, Role.supervisor)
READER_ROLES = (Role.caseworker, Role.supervisor, Role.org_admin)
BUDGET_MAX = Decimal("1000000000000")
GRANT_FIELDS = frozenset({"code", "name", "funder", "starts_on", "ends_on", "budget", "currency"})
SUBTYPE_FIELDS = frozenset({"category", "name"})


def require_manager(ctx: Actor) -> None:
    if not ctx.has_any(*MANAGER_ROLES):
        raise Forbidden(N_("Only an organisation admin or a supervisor can change this."))


def _require_reader(ctx: Actor) -> None:
    if not ctx.has_any(*READER_ROLES):
        raise Forbidden()


def create_grant(session: Session, ctx: Actor, fields: Mapping[str, object]) -> Grant:
    """A funding line; services it pays for must fall between its start and end dates."""
    require_manager(ctx)
    r = FieldReader(fields, GRANT_FIELDS)
    code = r.text("code", 40, required=True)
    name = r.text("name", 200, required=True)
    funder = r.text("funder", 200, required=True)
    starts_on = r.day("starts_on", required=True)
    ends_on = r.day("ends_on", required=True)
    if starts_on and ends_on and ends_on < starts_on:
        r.fail("ends_on", N_("The end date is before the start date."))
    budget = r.number("budget", maximum=BUDGET_MAX)
    if budget is not None and budget < 0:
        r.fail("budget", N_("A budget cannot be negative."))
    currency = r.currency("currency")
    if currency is None and r.ok("currency"):
        r.fail("currency", N_("Amounts need a currency."))
    if code and session.scalar(select(Grant.id).where(Grant.code == code)):
        r.fail("code", N_("Another grant has this code."))
    r.raise_if_failed()
    assert code and name and funder and starts_on and ends_on and currency
    grant = Grant(
        tenant_id=ctx.tenant_id,
        code=code,
        name=name,
        funder=funder,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        currency=currency,
    )
    session.add(grant)
    session.flush()
    return grant


def list_grants(session: Session, ctx: Actor) -> list[Grant]:
    """The organisation's grants, current and recent first."""
    _require_reader(ctx)
    return list(session.scalars(select(Grant).order_by(Grant.ends_on.desc(), Grant.code)))


def get_grant(session: Session, ctx: Actor, grant_id: uuid.UUID) -> Grant:
    _require_reader(ctx)
    grant = session.get(Grant, (ctx.tenant_id, grant_id))
    if grant is None:
        raise NotFound(N_("No such grant."))
    return grant


def create_subtype(session: Session, ctx: Actor, fields: Mapping[str, object]) -> ServiceSubtype:
    """An organisation's own subdivision of one of the 15 fixed categories."""
    require_manager(ctx)
    r = FieldReader(fields, SUBTYPE_FIELDS)
    category = r.choice("category", ServiceCategory)
    name = r.text("name", 80, required=True)
    r.raise_if_failed()
    assert category and name
    taken = select(ServiceSubtype.id).where(
        ServiceSubtype.category == category, ServiceSubtype.name == name
    )
    if session.scalar(taken):
        raise ValidationFailed({"name": [N_("This category already has a type of this name.")]})
    subtype = ServiceSubtype(tenant_id=ctx.tenant_id, category=category, name=name)
    session.add(subtype)
    session.flush()
    return subtype


def list_subtypes(
    session: Session, ctx: Actor, category: ServiceCategory | None = None
) -> list[ServiceSubtype]:
    _require_reader(ctx)
    query = select(ServiceSubtype).order_by(ServiceSubtype.category, ServiceSubtype.name)
    if category is not None:
        query = query.where(ServiceSubtype.category == category)
    return list(session.scalars(query))
