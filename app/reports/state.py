"""The organisation-wide reports of a period, for States, NRM coordinators and GRETA, and
the evaluation summary: true counts for the gate.

People assisted are the clients with any service overlapping the period. Their person
tables come from one ``GROUP BY`` over the coarse columns (gender, age band, region of
nationality, forms of exploitation, victim status, identifying body), added up per table
in Python. Reads no sealed column and decrypts nothing.

The GRETA variant is a separate report with children / adults instead of age bands: the two
age breakdowns nest, so they are never published in one report (:mod:`app.reports.cells`).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, select
from sqlalchemy.orm import Session

from app.assistance.models import AssistanceRecord as A
from app.cases.models import Case, Risk
from app.claims.models import Claim
from app.clients.models import AnonymousContact, Client
from app.referrals.models import Referral
from app.reports import dimensions as dims
from app.reports.building import GRAND_TOTAL, Tally, table_of
from app.reports.funding import Period
from app.reports.tables import Dimension, Part, Report, Table, Unit


class StateVariant(enum.StrEnum):
    nrm = "nrm"
    greta = "greta"
    evaluation = "evaluation"


AGE_GROUP = Dimension("age_group", ("child", "adult", "unknown"))
CHILD_BANDS = frozenset({"under_12", "12_17"})
#: One person row: the person dimensions' values, then count and record-key sum.
PersonRow = tuple[dict[str, str], int, int]


def assisted(period: Period) -> ColumnElement[bool]:
    served = select(A.client_id).where(
        A.started_on <= period.end, func.coalesce(A.ended_on, A.started_on) >= period.start
    )
    return Client.id.in_(served)


def person_rows(session: Session, period: Period) -> list[PersonRow]:
    columns = (Client.gender, Client.age_band, Client.nationality_region,
               cast(Client.forms_of_exploitation, String), Client.victim_status,
               Client.identified_by)  # fmt: skip
    statement = (
        select(*columns, func.count(), func.sum(Client.record_key))
        .where(assisted(period))
        .group_by(*columns)
    )
    # Thousands of groups share a few dozen raw values per column: each distinct raw value
    # is mapped to its category once per run (the same functions, so the same categories).
    gender = cache(lambda raw: dims.value_or(raw, dims.GENDER, "not_stated"))
    age_band = cache(lambda raw: dims.value_or(raw, dims.AGE_BAND, "unknown"))
    region = cache(lambda raw: dims.value_or(raw, dims.REGION, dims.UNKNOWN))
    exploitation = cache(lambda raw: dims.exploitation_of(json.loads(raw) if raw else None))
    victim_status = cache(lambda raw: dims.value_or(raw, dims.VICTIM_STATUS, "potential"))
    identified_by = cache(lambda raw: dims.value_or(raw, dims.IDENTIFIED_BY, dims.NOT_RECORDED))
    rows = []
    for g, age, origin, forms, status, body, n, keys in session.execute(statement):
        band = age_band(age)
        values = {
            "gender": gender(g),
            "age_band": band,
            "region": region(origin),
            "exploitation": exploitation(forms),
            "victim_status": victim_status(status),
            "identified_by": identified_by(body),
            "age_group": _age_group(band),
        }
        rows.append((values, int(n), int(keys or 0)))
    return rows


def _age_group(band: str) -> str:
    if band in CHILD_BANDS:
        return "child"
    return "unknown" if band == "unknown" else "adult"


def people_table(
    key: str, people: Sequence[PersonRow], rows: Dimension, columns: Dimension | None = None
) -> Table:
    tally = Tally()
    for values, n, keys in people:
        cell = (values[rows.key],) + ((values[columns.key],) if columns else ())
        tally.add(cell, n, keys)
    return table_of(key, "people", (rows,), (columns,) if columns else (), tally)


def state_report(
    session: Session,
    period: Period,
    threshold: int,
    variant: StateVariant = StateVariant.nrm,
    cross: tuple[str, str] | None = None,
) -> Report:
    builders: dict[StateVariant, Callable[[Session, Period], list[Table]]] = {
        StateVariant.nrm: _nrm_tables,
        StateVariant.greta: _greta_tables,
        StateVariant.evaluation: _evaluation_tables,
    }
    tables = builders[variant](session, period)
    if cross is not None and variant is not StateVariant.evaluation:
        people = person_rows(session, period)
        first, second = (dims.PERSON_DIMENSIONS[k] for k in cross)
        if variant is StateVariant.greta and dims.AGE_BAND in (first, second):
            first, second = (AGE_GROUP if d is dims.AGE_BAND else d for d in (first, second))
        tables.append(people_table("crossed", people, first, second))
    return Report(key=variant.value, tables=tuple(tables), threshold=threshold)


def _nrm_tables(session: Session, period: Period) -> list[Table]:
    people = person_rows(session, period)
    return [
        people_table("exploitation_by_gender", people, dims.EXPLOITATION, dims.GENDER),
        people_table("gender_by_age", people, dims.GENDER, dims.AGE_BAND),
        people_table("by_region", people, dims.REGION),
        people_table("status_by_body", people, dims.VICTIM_STATUS, dims.IDENTIFIED_BY),
        _referrals(session, period),
        _reflection_periods(session, period),
        _claims(session, period),
        _closed_cases(session, period),
        _anonymous_contacts(session, period),
    ]


def _greta_tables(session: Session, period: Period) -> list[Table]:
    """Shaped after the statistics questions of GRETA's evaluation questionnaire: victims
    by sex and children / adults, by form of exploitation, by region of nationality."""
    people = person_rows(session, period)
    return [
        people_table("sex_by_age_group", people, dims.GENDER, AGE_GROUP),
        people_table("exploitation_by_age_group", people, dims.EXPLOITATION, AGE_GROUP),
        people_table("by_region", people, dims.REGION),
        people_table("by_status", people, dims.VICTIM_STATUS),
        _claims(session, period),
        _closed_cases(session, period),
    ]


def _evaluation_tables(session: Session, period: Period) -> list[Table]:
    """The evaluation questions as counts: did services reach people (outcomes), are they
    better off (why cases closed), which safety risks arose."""
    return [_outcomes(session, period), _closed_cases(session, period), _risks(session, period)]


def _records(
    session: Session,
    key: str,
    dimension: Dimension,
    column: Any,
    join_on: ColumnElement[bool],
    where: ColumnElement[bool],
    model: type,
) -> Table:
    """Records of ``model`` per value of ``column``, with their clients' record keys."""
    tally = Tally()
    rows = session.execute(
        select(column, func.count(), func.sum(Client.record_key))
        .select_from(model)
        .join(Client, join_on)
        .where(where)
        .group_by(column)
    )
    for value, n, keys in rows:
        tally.add((dims.value_or(value, dimension, dimension.values[-1]),), n, keys or 0)
    return table_of(key, key, (dimension,), (), tally, unit=Unit.records)


def _in(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column <= period.end)


def _referrals(session: Session, period: Period) -> Table:
    tally = Tally()
    rows = session.execute(
        select(Referral.direction, Referral.partner_kind, func.count(),
               func.sum(Client.record_key))
        .join(Client, Client.id == Referral.client_id, isouter=True)
        .where(_in(Referral.sent_on, period))
        .group_by(Referral.direction, Referral.partner_kind)
    )  # fmt: skip
    for direction, partner, n, keys in rows:
        cell = (dims.value_or(direction, dims.DIRECTION, "incoming"),
                dims.value_or(partner, dims.PARTNER, "external_organisation"))  # fmt: skip
        tally.add(cell, n, keys or 0)
    return table_of("referrals", "referrals", (dims.DIRECTION,), (dims.PARTNER,), tally,
                    unit=Unit.records)  # fmt: skip


def _reflection_periods(session: Session, period: Period) -> Table:
    granted = _in(Case.reflection_start, period)
    return _records(session, "reflection_periods", dims.PERMIT_TRACK, Case.permit_track,
                    Client.id == Case.client_id, granted, Case)  # fmt: skip


def _claims(session: Session, period: Period) -> Table:
    return _records(session, "claims", dims.CLAIM_STATUS, Claim.status,
                    Client.id == Claim.client_id, assisted(period), Claim)  # fmt: skip


def _closed_cases(session: Session, period: Period) -> Table:
    """Why cases closed in the period: returns home, goals met, moved on (reintegration)."""
    return _records(session, "closed_cases", dims.CLOSE_REASON, Case.close_reason,
                    Client.id == Case.client_id, _in(Case.closed_on, period), Case)  # fmt: skip


def _outcomes(session: Session, period: Period) -> Table:
    overlapping = and_(A.started_on <= period.end,
                       func.coalesce(A.ended_on, A.started_on) >= period.start)  # fmt: skip
    return _records(session, "outcomes", dims.OUTCOME, A.outcome, Client.id == A.client_id,
                    overlapping, A)  # fmt: skip


def _risks(session: Session, period: Period) -> Table:
    tally = Tally()
    rows = session.execute(
        select(Risk.kind, func.count(), func.sum(Client.record_key))
        .join(Case, Case.id == Risk.case_id)
        .join(Client, Client.id == Case.client_id)
        .where(_in(func.date(Risk.recorded_at), period))
        .group_by(Risk.kind)
    )
    for kind, n, keys in rows:
        tally.add((dims.value_or(kind, dims.RISK_KIND, "other"),), n, keys or 0)
    return table_of("risks", "risks", (dims.RISK_KIND,), (), tally, unit=Unit.records)


def _anonymous_contacts(session: Session, period: Period) -> Table:
    """Contacts with no client record carry no record key: counted by channel only, exact
    (the channel says nothing about the person)."""
    tally = Tally()
    rows = session.execute(
        select(AnonymousContact.channel, func.count())
        .where(_in(AnonymousContact.occurred_on, period))
        .group_by(AnonymousContact.channel)
    )
    for channel, n in rows:
        tally.add((dims.value_or(channel, dims.CHANNEL, dims.OTHER),), n)
    return table_of("anonymous_contacts", "anonymous_contacts", (dims.CHANNEL,), (), tally,
                    exact=frozenset(Part), show=GRAND_TOTAL)  # fmt: skip
