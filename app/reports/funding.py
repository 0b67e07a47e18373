"""The funder report of one grant and period: its tables of true counts, for the gate.

People helped are the clients with a service charged to the grant that overlaps the period.
Reads coarse columns only (categories, dates, quantities, amounts, record keys); nothing is
decrypted. Each table is one ``GROUP BY``; totals are added up in :mod:`.building`.

Exact (what a funder pays against): people helped, people per month, shelter nights,
counselling hours, people given legal assistance, costs, compensation amounts. Protected:
every breakdown of people or records by a category of the person or the service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from app.assistance.models import AssistanceRecord, Grant
from app.claims.models import Claim
from app.clients.models import Client
from app.reports import dimensions as dims
from app.reports.building import GRAND_TOTAL, Tally, table_of
from app.reports.tables import Dimension, Part, Report, Table, Unit
from app.taxonomy import ServiceCategory, ServiceUnit

EVERY_PART = frozenset(Part)
A = AssistanceRecord


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def overlapping(grant_id: uuid.UUID, period: Period) -> ColumnElement[bool]:
    """Records charged to the grant that overlap the period."""
    return and_(
        A.grant_id == grant_id,
        A.started_on <= period.end,
        func.coalesce(A.ended_on, A.started_on) >= period.start,
    )


def funder_report(session: Session, grant: Grant, period: Period, threshold: int) -> Report:
    where = overlapping(grant.id, period)
    month = dims.months_dimension(period.start, period.end)
    tables = (
        _people_new_or_continuing(session, where, period),
        _people_by_month(session, where, period, month),
        _services_by_category_and_month(session, where, period, month),
        _shelter_nights(session, where, period, month),
        _counselling_records(session, where),
        _counselling_hours(session, where),
        _legal(session, where),
        _outcomes(session, where),
        _costs(session, where, grant.currency),
        *_claims(session, where, grant.currency),
    )
    return Report(key="funder", tables=tables, threshold=threshold)


def month_index(period: Period, months: Dimension) -> ColumnElement[int]:
    """The report month of a record as an index into ``months``, computed in SQL on every
    engine: a record counts in the month it started, or the first month if it started
    before the period."""
    bounds = []
    for value in months.values[1:]:
        year, month = (int(part) for part in value.split("-"))
        bounds.append(date(year, month, 1))
    if not bounds:
        return literal(0)
    return case(*((A.started_on < b, i) for i, b in enumerate(bounds)), else_=len(bounds))


def helped(where: ColumnElement[bool]) -> Select[Any]:
    return select(A.client_id).where(where).distinct()


def _people_new_or_continuing(
    session: Session, where: ColumnElement[bool], period: Period
) -> Table:
    """New: helped for the first time (by any service of the organisation) in the period."""
    # The flag is computed inside the subquery: grouping by an expression with a bound
    # parameter outside would bind it twice, which PostgreSQL refuses.
    first = (
        select(A.client_id, (func.min(A.started_on) >= period.start).label("is_new"))
        .group_by(A.client_id)
        .subquery()
    )
    rows = session.execute(
        select(first.c.is_new, func.count(), func.sum(Client.record_key))
        .join(first, first.c.client_id == Client.id)
        .where(Client.id.in_(helped(where)))
        .group_by(first.c.is_new)
    )
    tally = Tally()
    for is_new, n, keys in rows:
        tally.add(("new" if is_new else "continuing",), n, keys or 0)
    return table_of("people", "people", (dims.NEWNESS,), (), tally, show=GRAND_TOTAL)


def _people_by_month(
    session: Session, where: ColumnElement[bool], period: Period, month: Dimension
) -> Table:
    """Distinct people per month (a person helped in two months counts in both, so the
    months do not add up to the total: no total is shown here)."""
    months = select(A.client_id, month_index(period, month).label("month")).where(where).subquery()
    rows = session.execute(
        select(months.c.month, func.count(func.distinct(months.c.client_id))).group_by(
            months.c.month
        )
    )
    tally = Tally()
    for at, n in rows:
        tally.add((month.values[at],), n)
    return table_of("people_by_month", "people_by_month", (month,), (), tally,
                    show=frozenset(), exact=frozenset({Part.interior}))  # fmt: skip


def _services_by_category_and_month(
    session: Session, where: ColumnElement[bool], period: Period, month: Dimension
) -> Table:
    """Records per category and month. Only the categories the grant paid for in the
    period are rows: a category it never pays for is a structural zero, and listing those
    would hide the real rows as complements of empty ones (a service category says nothing
    about a person)."""
    records = (
        select(A.category, month_index(period, month).label("month"), Client.record_key)
        .join(Client, Client.id == A.client_id)
        .where(where)
        .subquery()
    )
    rows = session.execute(
        select(
            records.c.category, records.c.month, func.count(), func.sum(records.c.record_key)
        ).group_by(records.c.category, records.c.month)
    )
    tally = Tally()
    for category, at, n, keys in rows:
        value = dims.value_or(category, dims.SERVICE, "referral")
        tally.add((value, month.values[at]), n, keys or 0)
    paid_for = {cell[0] for cell in tally.counts}
    service_rows = tuple(v for v in dims.SERVICE.values if v in paid_for) or dims.SERVICE.values
    service = Dimension(dims.SERVICE.key, service_rows)
    return table_of("services", "services", (service,), (month,), tally, unit=Unit.records)


def _shelter_nights(
    session: Session, where: ColumnElement[bool], period: Period, month: Dimension
) -> Table:
    nights = and_(where, A.category == ServiceCategory.accommodation, A.unit == ServiceUnit.nights)
    stays = select(month_index(period, month).label("month"), A.quantity).where(nights).subquery()
    rows = session.execute(
        select(stays.c.month, func.sum(stays.c.quantity)).group_by(stays.c.month)
    )
    tally = Tally()
    for at, quantity in rows:
        tally.add((month.values[at],), round(Decimal(str(quantity or 0))))
    return table_of("shelter_nights", "shelter_nights", (month,), (), tally,
                    exact=EVERY_PART, unit=Unit.nights)  # fmt: skip


def _counselling_records(session: Session, where: ColumnElement[bool]) -> Table:
    tally = Tally()
    counselling = and_(where, A.category == ServiceCategory.counselling)
    rows = session.execute(
        select(A.language, A.interpreter_used, func.count(), func.sum(Client.record_key))
        .join(Client, Client.id == A.client_id)
        .where(counselling)
        .group_by(A.language, A.interpreter_used)
    )
    for language, interpreter, n, keys in rows:
        with_ = "with_interpreter" if interpreter else "without_interpreter"
        tally.add((dims.language_of(language), with_), n, keys or 0)
    return table_of("counselling", "counselling", (dims.LANGUAGE,), (dims.INTERPRETER,), tally,
                    unit=Unit.records)  # fmt: skip


def _counselling_hours(session: Session, where: ColumnElement[bool]) -> Table:
    tally = Tally()
    hours = and_(where, A.category == ServiceCategory.counselling, A.unit == ServiceUnit.hours)
    rows = session.execute(
        select(A.interpreter_used, func.sum(A.quantity)).where(hours).group_by(A.interpreter_used)
    )
    for interpreter, quantity in rows:
        with_ = "with_interpreter" if interpreter else "without_interpreter"
        tally.add((with_,), round(Decimal(str(quantity or 0)) * 60))
    return table_of("counselling_hours", "counselling_hours", (dims.HOURS_INTERPRETER,), (),
                    tally, exact=EVERY_PART, unit=Unit.minutes)  # fmt: skip


def _legal(session: Session, where: ColumnElement[bool]) -> Table:
    n = session.scalar(
        select(func.count(func.distinct(A.client_id))).where(
            and_(where, A.category == ServiceCategory.legal)
        )
    )
    tally = Tally()
    tally.add(("people_with_legal_assistance",), n or 0)
    return table_of("legal", "legal", (dims.LEGAL,), (), tally,
                    show=frozenset(), exact=frozenset({Part.interior}))  # fmt: skip


def _outcomes(session: Session, where: ColumnElement[bool]) -> Table:
    tally = Tally()
    rows = session.execute(
        select(A.outcome, func.count(), func.sum(Client.record_key))
        .join(Client, Client.id == A.client_id)
        .where(where)
        .group_by(A.outcome)
    )
    for outcome, n, keys in rows:
        tally.add((dims.value_or(outcome, dims.OUTCOME, "delivered"),), n, keys or 0)
    return table_of("outcomes", "outcomes", (dims.OUTCOME,), (), tally, unit=Unit.records)


def _costs(session: Session, where: ColumnElement[bool], currency: str) -> Table:
    """Costs charged to the grant in its currency, in cents (other currencies are left out
    and said so on screen)."""
    tally = Tally()
    rows = session.execute(
        select(A.category, func.sum(A.cost))
        .where(and_(where, A.cost.is_not(None), func.coalesce(A.currency, currency) == currency))
        .group_by(A.category)
    )
    for category, cost in rows:
        value = dims.value_or(category, dims.COST_CATEGORY, "referral")
        tally.add((value,), round(Decimal(str(cost or 0)) * 100))
    return table_of("costs", "costs", (dims.COST_CATEGORY,), (), tally,
                    exact=EVERY_PART, unit=Unit.cents)  # fmt: skip


def _claims(session: Session, where: ColumnElement[bool], currency: str) -> tuple[Table, Table]:
    """Compensation claims of the people helped: how many per status (protected) and the
    amounts claimed, awarded and paid in the grant's currency (exact)."""
    mine = Claim.client_id.in_(helped(where))
    statuses = Tally()
    rows = session.execute(
        select(Claim.status, func.count(), func.sum(Client.record_key))
        .join(Client, Client.id == Claim.client_id)
        .where(mine)
        .group_by(Claim.status)
    )
    for status, n, keys in rows:
        statuses.add((dims.value_or(status, dims.CLAIM_STATUS, "preparing"),), n, keys or 0)
    amounts = Tally()
    claimed, awarded, paid = session.execute(
        select(
            func.sum(Claim.amount_claimed), func.sum(Claim.amount_awarded),
            func.sum(Claim.amount_paid),
        ).where(mine, Claim.currency == currency)
    ).one()  # fmt: skip
    for measure, value in (("claimed", claimed), ("awarded", awarded), ("paid", paid)):
        amounts.add((measure,), round(Decimal(str(value or 0)) * 100))
    return (
        table_of("claims", "claims", (dims.CLAIM_STATUS,), (), statuses, unit=Unit.records),
        table_of("compensation", "compensation", (dims.MEASURE_CLAIMS,), (), amounts,
                 exact=EVERY_PART, unit=Unit.cents),
    )  # fmt: skip
