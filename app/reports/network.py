"""A network's pooled report: people served by its members, each counted once.

For each member in turn (acting in the member's organisation), the coarse columns of the
clients assisted in the period are read with their linkage token for this network; people
with the same token are one person. Tokens are compared here, in memory, and go nowhere
else; no table breaks down by member (the report is ``pooled``, so the gate refuses it).
A person's categories are those recorded by the first member (in a fixed order) that
served them, and their record key the smallest of theirs, so the same people always get
the same noise.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, select
from sqlalchemy.orm import Session

from app.clients.models import Client
from app.db.tenancy import acting_in
from app.networks.linkage import members_of
from app.networks.models import LinkageToken
from app.reports import dimensions as dims
from app.reports.building import Tally, table_of
from app.reports.funding import Period
from app.reports.state import assisted, people_table
from app.reports.tables import Dimension, Report

SERVED_BY = Dimension("served_by", ("one_member", "several_members"))


@dataclass
class Pooled:
    values: dict[str, str]
    record_key: int
    members: set[uuid.UUID] = field(default_factory=set)


def pooled_people(session: Session, network_id: uuid.UUID, period: Period) -> list[Pooled]:
    people: dict[object, Pooled] = {}
    for member in members_of(session, network_id):
        with acting_in(session, member):
            rows = session.execute(
                select(Client.id, Client.record_key, Client.gender, Client.age_band,
                       Client.nationality_region, cast(Client.forms_of_exploitation, String),
                       LinkageToken.token)
                .outerjoin(LinkageToken, and_(LinkageToken.client_id == Client.id,
                                              LinkageToken.network_id == network_id))
                .where(assisted(period))
            ).all()  # fmt: skip
        for client_id, record_key, gender, age, region, forms, token in rows:
            key: object = bytes(token) if token is not None else (member, client_id)
            found = people.get(key)
            if found is None:
                values = {
                    "gender": dims.value_or(gender, dims.GENDER, "not_stated"),
                    "age_band": dims.value_or(age, dims.AGE_BAND, "unknown"),
                    "region": dims.value_or(region, dims.REGION, dims.UNKNOWN),
                    "exploitation": dims.exploitation_of(json.loads(forms) if forms else None),
                }
                found = people[key] = Pooled(values, record_key)
            found.record_key = min(found.record_key, record_key)
            found.members.add(member)
    return list(people.values())


def network_report(
    session: Session, network_id: uuid.UUID, period: Period, threshold: int
) -> Report:
    people = pooled_people(session, network_id, period)
    rows = [(p.values, 1, p.record_key) for p in people]
    served = Tally()
    for person in people:
        kind = "several_members" if len(person.members) > 1 else "one_member"
        served.add((kind,), 1, person.record_key)
    tables = (
        table_of("served_by", "people", (SERVED_BY,), (), served),
        people_table("gender_by_age", rows, dims.GENDER, dims.AGE_BAND),
        people_table("exploitation_by_gender", rows, dims.EXPLOITATION, dims.GENDER),
        people_table("by_region", rows, dims.REGION),
    )
    return Report(key="network", tables=tables, threshold=threshold, pooled=True)
