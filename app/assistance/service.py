"""Assistance records: the business rules for recording services delivered to clients.

One record per service per client, in the fixed 15-category taxonomy (reports pool on it),
optionally refined by an organisation's own subtype, paid by one of its grants. Notes are
sealed under the client's key; nothing here decrypts except :func:`reveal_service_notes`,
which checks the role and writes an audit event.

Recording is on the caseworker's hot path, so it costs few queries: the client, the open
case, the subtype and grant only when given, the client key only when there are notes, and
one INSERT.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assistance.inputs import SERVICE_FIELDS, ServiceInput
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.cases.service import client_and_open_case
from app.clients.models import Client
from app.clients.service import ERASED, get_client, open_for_reveal
from app.context import Actor
from app.db.tenancy import current_tenant
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.keys.service import binding, seal_for_client
from app.taxonomy import LANGUAGE_REQUIRED, ServiceCategory, ServiceOutcome, ServiceUnit
from app.validation import ENDS_BEFORE_START, REQUIRED, FieldReader

C, U = ServiceCategory, ServiceUnit
Chosen = TypeVar("Chosen", Grant, ServiceSubtype)
#: The units that make sense per category; the first is the default when none is given.
UNITS: dict[ServiceCategory, tuple[ServiceUnit, ...]] = {
    C.accommodation: (U.nights, U.items, U.amount),
    C.counselling: (U.sessions, U.hours, U.contacts),
    C.interpretation: (U.hours, U.sessions),
    C.medical: (U.sessions, U.hours, U.items, U.amount),
    C.psychological: (U.sessions, U.hours),
    C.material: (U.items, U.amount),
    C.legal: (U.sessions, U.hours, U.amount),
    C.criminal_proceedings_support: (U.sessions, U.hours),
    C.compensation: (U.sessions, U.hours, U.amount),
    C.education_employment: (U.sessions, U.hours, U.amount),
    C.child_services: (U.sessions, U.hours, U.items),
    C.return_support: (U.sessions, U.items, U.amount),
    C.reintegration: (U.sessions, U.hours, U.contacts, U.amount),
    C.helpline_outreach: (U.contacts, U.hours, U.sessions),
    C.referral: (U.contacts, U.sessions),
}
#: Counted units: a night or a session cannot be split.
WHOLE_UNITS = frozenset({U.nights, U.sessions, U.items, U.contacts})
QUANTITY_MAX = Decimal("100000")
COST_MAX = Decimal("1000000000")
NEEDS_CURRENCY = N_("Amounts need a currency.")
INTERPRETER_NEEDS_LANGUAGE = N_("An interpreter was used: say which language they spoke.")


@dataclass(frozen=True)
class CheckedService:
    """One service once every rule is checked (:func:`read_service_input`), shared by every
    client of a group intake; its fields are the input's (:class:`ServiceInput`)."""

    category: ServiceCategory
    subtype_id: uuid.UUID | None
    started_on: date
    ended_on: date | None
    quantity: Decimal
    unit: ServiceUnit
    language: str | None
    interpreter_used: bool
    grant_id: uuid.UUID | None
    cost: Decimal | None
    currency: str | None
    outcome: ServiceOutcome
    notes: str | None


def default_unit(category: ServiceCategory) -> ServiceUnit:
    return UNITS[category][0]


def read_service_input(
    session: Session,
    ctx: Actor,
    data: ServiceInput,
    *,
    kept_subtype: uuid.UUID | None = None,
) -> CheckedService:
    """Every rule of a service record; raises ValidationFailed with all problems at once.
    ``kept_subtype``: the subtype a corrected record already has, allowed even if retired."""
    r = FieldReader(asdict(data), SERVICE_FIELDS, today=ctx.today())
    category = r.choice("category", ServiceCategory)
    started_on = r.past_day("started_on", required=True)
    ended_on = r.past_day("ended_on")
    if started_on and ended_on and ended_on < started_on:
        r.fail("ended_on", ENDS_BEFORE_START)
    quantity = r.number("quantity", maximum=QUANTITY_MAX)
    if quantity is None and r.ok("quantity"):
        r.fail("quantity", REQUIRED)
    unit = r.choice("unit", ServiceUnit, default=default_unit(category) if category else U.items)
    language, interpreter = _read_language(r, category)
    outcome = r.choice("outcome", ServiceOutcome, default=ServiceOutcome.delivered)
    notes = r.notes("notes")
    subtype_id = _check_subtype(session, r, category, kept_subtype)
    grant = _check_grant(session, r, started_on, ended_on)
    cost, currency = _read_cost(r, unit, grant)
    if category and unit:
        _check_unit(r, category, unit, quantity, started_on, ended_on)
    r.raise_if_failed()
    assert category and started_on and quantity is not None and unit and outcome
    return CheckedService(
        category=category,
        subtype_id=subtype_id,
        started_on=started_on,
        ended_on=ended_on,
        quantity=quantity,
        unit=unit,
        language=language,
        interpreter_used=bool(interpreter),
        grant_id=grant.id if grant else None,
        cost=cost,
        currency=currency,
        outcome=outcome,
        notes=notes or None,
    )


def _read_cost(
    r: FieldReader, unit: ServiceUnit | None, grant: Grant | None
) -> tuple[Decimal | None, str | None]:
    """The cost and its currency: the grant's currency unless another is given."""
    cost = r.number("cost", maximum=COST_MAX)
    if cost is not None and cost < 0:
        r.fail("cost", N_("A cost cannot be negative."))
    currency = r.currency("currency")
    if currency is None and r.ok("currency") and grant is not None:
        currency = grant.currency  # the grant's currency is the sensible default
    if (cost is not None or unit == U.amount) and currency is None and r.ok("currency"):
        r.fail("currency", NEEDS_CURRENCY)
    return cost, currency


def _read_language(r: FieldReader, category: ServiceCategory | None) -> tuple[str | None, bool]:
    language = r.language("language")
    interpreter = r.flag("interpreter_used")
    if category in LANGUAGE_REQUIRED:
        if language is None and r.ok("language"):
            r.fail("language", N_("Say which language this service was delivered in."))
        if interpreter is None and r.ok("interpreter_used"):
            r.fail("interpreter_used", N_("Say whether an interpreter was used."))
    if interpreter and language is None and r.ok("language"):
        r.fail("language", INTERPRETER_NEEDS_LANGUAGE)
    return language, bool(interpreter)


def _check_unit(
    r: FieldReader,
    category: ServiceCategory,
    unit: ServiceUnit,
    quantity: Decimal | None,
    started_on: date | None,
    ended_on: date | None,
) -> None:
    if unit not in UNITS[category]:
        r.fail("unit", N_("This unit does not fit this kind of service."))
        return
    if category == C.accommodation and ended_on and unit != U.nights:
        r.fail("unit", N_("A stay over a period is counted in nights."))
    if quantity is None:
        return
    if quantity <= 0:
        r.fail("quantity", N_("The quantity must be more than zero."))
    elif unit in WHOLE_UNITS and quantity != quantity.to_integral_value():
        r.fail("quantity", N_("Count whole nights, sessions, items or contacts."))
    elif unit == U.nights and started_on and ended_on and quantity > (ended_on - started_on).days:
        r.fail("quantity", N_("There are fewer nights between the start and end dates."))


def _chosen(
    session: Session, r: FieldReader, name: str, model: type[Chosen], missing: str
) -> Chosen | None:
    """The organisation's grant or subtype chosen in ``name``; another organisation's id
    is "no such", like a missing one."""
    chosen_id = r.ref(name)
    if chosen_id is None:
        return None
    found = session.get(model, (current_tenant(session), chosen_id))
    if found is None:
        r.fail(name, missing)
    return found


def _check_subtype(
    session: Session, r: FieldReader, category: ServiceCategory | None, kept: uuid.UUID | None
) -> uuid.UUID | None:
    subtype = _chosen(session, r, "subtype_id", ServiceSubtype, N_("No such service type."))
    if subtype is None:
        return None
    if category is not None and subtype.category != category:
        r.fail("subtype_id", N_("This service type belongs to another category."))
    if subtype.retired_at is not None and subtype.id != kept:
        r.fail("subtype_id", N_("This service type is no longer offered."))
    return subtype.id


def _check_grant(
    session: Session, r: FieldReader, started_on: date | None, ended_on: date | None
) -> Grant | None:
    grant = _chosen(session, r, "grant_id", Grant, N_("No such grant."))
    last = ended_on or started_on
    if grant is None or not (started_on and last):
        return grant
    if not (grant.starts_on <= started_on and last <= grant.ends_on):
        r.fail("grant_id", N_("This grant does not cover the dates of the service."))
    return grant


def record_service(
    session: Session, ctx: Actor, client_id: uuid.UUID, data: ServiceInput
) -> AssistanceRecord:
    """Record one service delivered to one client, linked to the client's open case."""
    client, case_id = client_and_open_case(session, ctx, client_id)
    clean = read_service_input(session, ctx, data)
    require_not_erased(client)
    record = new_record(session, ctx, client.id, case_id, clean, None)
    session.flush()
    return record


def require_not_erased(client: Client) -> None:
    if client.erased_at is not None:
        raise Conflict(N_("This client was erased; nothing can be added."))


def new_record(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    case_id: uuid.UUID | None,
    clean: CheckedService,
    group_id: uuid.UUID | None,
) -> AssistanceRecord:
    record_id = uuid.uuid4()
    sealed = None
    if clean.notes:
        where = binding(session, "assistance_records", "notes", record_id)
        sealed = seal_for_client(session, client_id, where, clean.notes)
    record = AssistanceRecord(
        id=record_id,
        tenant_id=ctx.tenant_id,
        client_id=client_id,
        case_id=case_id,
        category=clean.category,
        subtype_id=clean.subtype_id,
        started_on=clean.started_on,
        ended_on=clean.ended_on,
        quantity=clean.quantity,
        unit=clean.unit,
        language=clean.language,
        interpreter_used=clean.interpreter_used,
        grant_id=clean.grant_id,
        cost=clean.cost,
        currency=clean.currency,
        outcome=clean.outcome,
        sealed_notes=sealed,
        group_id=group_id,
        recorded_by=ctx.user_id,
    )
    session.add(record)
    return record


#: Services per page of the services tab; the API may ask for up to MAX_PER_PAGE.
PER_PAGE = 50
MAX_PER_PAGE = 200
#: Far beyond any client's history; keeps the OFFSET within what every database accepts.
MAX_PAGE = 100_000


@dataclass(frozen=True)
class ServicePage:
    """One page of a client's services, newest first."""

    records: list[AssistanceRecord]
    page: int
    per_page: int
    #: Known from one row read beyond the page, not from a count(*).
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def list_services(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> ServicePage:
    """One page of the client's services, newest first (sealed notes stay sealed)."""
    client = get_client(session, ctx, client_id)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = min(max(page, 1), MAX_PAGE)
    query = (
        select(AssistanceRecord)
        .where(AssistanceRecord.client_id == client.id)
        .order_by(
            AssistanceRecord.started_on.desc(),
            AssistanceRecord.recorded_at.desc(),
            AssistanceRecord.id.desc(),  # a stable order, so no record falls between pages
        )
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    )
    records = list(session.scalars(query))
    return ServicePage(records[:per_page], page, per_page, len(records) > per_page)


def get_service(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID
) -> AssistanceRecord:
    """One record of this client; a record of another client or tenant is not found."""
    client = get_client(session, ctx, client_id)
    record = session.get(AssistanceRecord, (ctx.tenant_id, record_id))
    if record is None or record.client_id != client.id:
        raise NotFound(N_("No such service record."))
    return record


def reveal_service_notes(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID
) -> str | None:
    """The plaintext notes of one record, for a caseworker or supervisor; audited."""
    record = get_service(session, ctx, client_id, record_id)
    # Erased first: erasure also clears the notes. Identity map: get_service loaded the
    # client, this costs no query.
    require_not_erased(get_client(session, ctx, client_id))
    if record.sealed_notes is None:
        return None
    where = binding(session, "assistance_records", "notes", record.id)
    text = open_for_reveal(session, record.client_id, record.sealed_notes, where, ERASED)
    record_event(
        session, ctx, AuditAction.service_revealed, "assistance_record", record.id, field="notes"
    )
    return text
