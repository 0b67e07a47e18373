"""The organisation's assistance catalogue: grants that pay for services and its own
subtypes of the fixed categories. Managed by an organisation admin or a supervisor; read by
everyone who records services.

A grant or subtype can be corrected (a typo in a funder's code, an end date that moved, a
type renamed) and, while no record uses it, deleted. Records keep pointing at the same row,
so a correction shows on every record at once; hence the rules below:

- a grant's dates may not change so that services already charged to it fall outside them;
- a subtype keeps its category (its records are filed under that category);
- a grant or subtype that records use cannot be deleted (the foreign keys RESTRICT too).

XXX: audit events name the fields that changed, never a value, and refusals give counts of
records, never which ones: a date or a client code here would leak casework to the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.assistance.inputs import (
    GRANT_FIELDS,
    SUBTYPE_FIELDS,
    SUBTYPE_RENAME_FIELDS,
    Changes,
    GrantInput,
    SubtypeInput,
    SubtypeRename,
)
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.assistance.service import NEEDS_CURRENCY
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.context import Actor
from app.db.base import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import N_
from app.taxonomy import ServiceCategory
from app.validation import ENDS_BEFORE_START, FieldReader

#: The largest value the Money column (Numeric(14, 2)) holds.
BUDGET_MAX = Decimal("999999999999.99")
NAME_MAX = 200
SUBTYPE_NAME_MAX = 80

Row = TypeVar("Row", Grant, ServiceSubtype)


@dataclass(frozen=True)
class Correction(Generic[Row]):
    row: Row
    #: Names of the fields that changed; empty when nothing did (and nothing was written).
    changed: tuple[str, ...]


def create_grant(session: Session, ctx: Actor, data: GrantInput) -> Grant:
    """A funding line; services it pays for must fall between its start and end dates."""
    require(ctx, Permission.manage_catalogue)
    grant = Grant(tenant_id=ctx.tenant_id, **_read_grant(session, asdict(data), None))
    session.add(grant)
    session.flush()
    record_event(session, ctx, AuditAction.grant_created, "grant", grant.id)
    return grant


def correct_grant(
    session: Session, ctx: Actor, grant_id: uuid.UUID, changes: Changes[GrantInput]
) -> Correction[Grant]:
    """Correct a grant: fields left out keep their value, and every rule of creation applies
    to the grant as it becomes. Nothing changed, nothing is written."""
    grant = managed_grant(session, ctx, grant_id)
    values = _read_grant(session, changes.applied_to(_grant_values(grant)), grant)
    changed = sorted(name for name, value in values.items() if getattr(grant, name) != value)
    for name in changed:
        setattr(grant, name, values[name])
    if changed:
        session.flush()
        record_event(session, ctx, AuditAction.grant_updated, "grant", grant.id, fields=changed)
    return Correction(grant, tuple(changed))


def delete_grant(session: Session, ctx: Actor, grant_id: uuid.UUID) -> None:
    """Delete a grant created in error; refused (409) while any service is charged to it."""
    grant = managed_grant(session, ctx, grant_id)
    refusal = N_("Services are charged to this grant, so it cannot be deleted.")
    _delete_unused(session, grant, AssistanceRecord.grant_id == grant.id, refusal)
    record_event(session, ctx, AuditAction.grant_deleted, "grant", grant_id)


def list_grants(session: Session, ctx: Actor) -> list[Grant]:
    """The organisation's grants, current and recent first."""
    require(ctx, Permission.read_catalogue)
    return list(session.scalars(select(Grant).order_by(Grant.ends_on.desc(), Grant.code)))


def get_grant(session: Session, ctx: Actor, grant_id: uuid.UUID) -> Grant:
    require(ctx, Permission.read_catalogue)
    return _find(session, ctx, Grant, grant_id, N_("No such grant."))


def managed_grant(session: Session, ctx: Actor, grant_id: uuid.UUID) -> Grant:
    """A grant of the organisation that the actor may correct or delete."""
    require(ctx, Permission.manage_catalogue)
    return _find(session, ctx, Grant, grant_id, N_("No such grant."))


def create_subtype(session: Session, ctx: Actor, data: SubtypeInput) -> ServiceSubtype:
    """An organisation's own subdivision of one of the 15 fixed categories."""
    require(ctx, Permission.manage_catalogue)
    r = FieldReader(asdict(data), SUBTYPE_FIELDS)
    category = r.choice("category", ServiceCategory)
    name = r.text("name", SUBTYPE_NAME_MAX, required=True)
    r.raise_if_failed()
    assert category and name
    _refuse_taken_name(session, category, name, None)
    subtype = ServiceSubtype(tenant_id=ctx.tenant_id, category=category, name=name)
    session.add(subtype)
    session.flush()
    record_event(session, ctx, AuditAction.service_subtype_created, "service_subtype", subtype.id)
    return subtype


def rename_subtype(
    session: Session, ctx: Actor, subtype_id: uuid.UUID, data: SubtypeRename
) -> Correction[ServiceSubtype]:
    """Rename a subtype (unique within its category); its records show the new name."""
    subtype = managed_subtype(session, ctx, subtype_id)
    r = FieldReader(asdict(data), SUBTYPE_RENAME_FIELDS)
    name = r.text("name", SUBTYPE_NAME_MAX, required=True)
    r.raise_if_failed()
    assert name
    if name == subtype.name:
        return Correction(subtype, ())
    _refuse_taken_name(session, subtype.category, name, subtype.id)
    subtype.name = name
    session.flush()
    record_event(
        session,
        ctx,
        AuditAction.service_subtype_updated,
        "service_subtype",
        subtype.id,
        fields=["name"],
    )
    return Correction(subtype, ("name",))


def retire_subtype(
    session: Session, ctx: Actor, subtype_id: uuid.UUID, retired: bool
) -> Correction[ServiceSubtype]:
    """Stop offering a subtype for new records (``retired``), or offer it again. Records
    already made with it keep it; a correction of such a record may keep it too."""
    subtype = managed_subtype(session, ctx, subtype_id)
    if retired == (subtype.retired_at is not None):
        return Correction(subtype, ())
    subtype.retired_at = utcnow() if retired else None
    session.flush()
    action = (
        AuditAction.service_subtype_retired if retired else AuditAction.service_subtype_reinstated
    )
    record_event(session, ctx, action, "service_subtype", subtype.id)
    return Correction(subtype, ("retired_at",))


def delete_subtype(session: Session, ctx: Actor, subtype_id: uuid.UUID) -> None:
    """Delete a subtype created in error; refused (409) while any record uses it."""
    subtype = managed_subtype(session, ctx, subtype_id)
    refusal = N_("Services are recorded with this type, so it cannot be deleted.")
    _delete_unused(session, subtype, AssistanceRecord.subtype_id == subtype.id, refusal)
    record_event(session, ctx, AuditAction.service_subtype_deleted, "service_subtype", subtype_id)


def list_subtypes(
    session: Session,
    ctx: Actor,
    category: ServiceCategory | None = None,
    *,
    offered_only: bool = False,
) -> list[ServiceSubtype]:
    """The organisation's subtypes; ``offered_only`` leaves out the retired ones."""
    require(ctx, Permission.read_catalogue)
    query = select(ServiceSubtype).order_by(ServiceSubtype.category, ServiceSubtype.name)
    if category is not None:
        query = query.where(ServiceSubtype.category == category)
    if offered_only:
        query = query.where(ServiceSubtype.retired_at.is_(None))
    return list(session.scalars(query))


def managed_subtype(session: Session, ctx: Actor, subtype_id: uuid.UUID) -> ServiceSubtype:
    """A subtype of the organisation that the actor may rename or delete."""
    require(ctx, Permission.manage_catalogue)
    return _find(session, ctx, ServiceSubtype, subtype_id, N_("No such service type."))


def _find(session: Session, ctx: Actor, model: type[Row], row_id: uuid.UUID, missing: str) -> Row:
    # Keyed by the actor's tenant: another organisation's id is "not found", like a missing one.
    found = session.get(model, (ctx.tenant_id, row_id))
    if found is None:
        raise NotFound(missing)
    return found


def _grant_values(grant: Grant) -> dict[str, object]:
    return {name: getattr(grant, name) for name in GRANT_FIELDS}


def _read_grant(
    session: Session, fields: Mapping[str, object], grant: Grant | None
) -> dict[str, object]:
    """A grant's values, all rules checked at once; ``grant`` is the one being corrected.
    Its dates may lie ahead (a grant runs for years)."""
    r = FieldReader(fields, GRANT_FIELDS)
    code = r.text("code", 40, required=True)
    name = r.text("name", NAME_MAX, required=True)
    funder = r.text("funder", NAME_MAX, required=True)
    starts_on = r.day("starts_on", required=True)
    ends_on = r.day("ends_on", required=True)
    if starts_on and ends_on and ends_on < starts_on:
        r.fail("ends_on", ENDS_BEFORE_START)
    budget = r.number("budget", maximum=BUDGET_MAX)
    if budget is not None and budget < 0:
        r.fail("budget", N_("A budget cannot be negative."))
    currency = r.currency("currency")
    if currency is None and r.ok("currency"):
        r.fail("currency", NEEDS_CURRENCY)
    taken = select(Grant.id).where(Grant.code == code)
    if grant is not None:
        taken = taken.where(Grant.id != grant.id)
    if code and session.scalar(taken):
        r.fail("code", N_("Another grant has this code."))
    if grant is not None and starts_on and ends_on and r.ok("ends_on"):
        _keep_services_within(session, r, grant, starts_on, ends_on)
    r.raise_if_failed()
    return {"code": code, "name": name, "funder": funder, "starts_on": starts_on,
            "ends_on": ends_on, "budget": budget, "currency": currency}  # fmt: skip


def _keep_services_within(
    session: Session, r: FieldReader, grant: Grant, starts_on: date, ends_on: date
) -> None:
    """Refuse new dates that would leave services already charged to the grant outside
    them, with how many on each side (a count only: never which records)."""
    if starts_on <= grant.starts_on and ends_on >= grant.ends_on:
        return  # a period that only grows keeps every service inside
    last_day = func.coalesce(AssistanceRecord.ended_on, AssistanceRecord.started_on)
    before, after = session.execute(
        select(
            func.coalesce(func.sum(case((AssistanceRecord.started_on < starts_on, 1))), 0),
            func.coalesce(func.sum(case((last_day > ends_on, 1))), 0),
        ).where(AssistanceRecord.grant_id == grant.id)
    ).one()
    if before:
        r.fail("starts_on", N_("Services charged to this grant before this date:"))
        r.fail("starts_on", str(before))
    if after:
        r.fail("ends_on", N_("Services charged to this grant after this date:"))
        r.fail("ends_on", str(after))


def _refuse_taken_name(
    session: Session, category: ServiceCategory, name: str, other_than: uuid.UUID | None
) -> None:
    taken = select(ServiceSubtype.id).where(
        ServiceSubtype.category == category, ServiceSubtype.name == name
    )
    if other_than is not None:
        taken = taken.where(ServiceSubtype.id != other_than)
    if session.scalar(taken):
        raise ValidationFailed({"name": [N_("This category already has a type of this name.")]})


def _delete_unused(
    session: Session, row: Grant | ServiceSubtype, used_by: ColumnElement[bool], refusal: str
) -> None:
    """Delete ``row`` unless an assistance record refers to it (``used_by``)."""
    if session.scalar(select(AssistanceRecord.id).where(used_by).limit(1)) is not None:
        raise Conflict(refusal)
    try:
        # A record saved since the check above still meets the RESTRICT foreign key: the
        # savepoint keeps the rest of the request's work, and the user gets the same 409.
        with session.begin_nested():
            session.delete(row)
            session.flush()
    except IntegrityError:
        raise Conflict(refusal) from None
