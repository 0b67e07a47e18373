"""Recording services: every rule of record_service, sealing, reveal, the open case."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.assistance import service
from app.assistance.models import AssistanceRecord, Grant, ServiceSubtype
from app.audit.models import AuditEvent
from app.cases.models import Case
from app.clients.models import Client
from app.db import bind_actor
from app.db.base import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.taxonomy import ServiceOutcome, ServiceUnit

DAY = date(2026, 3, 2)


def fields(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "category": "counselling",
        "started_on": DAY,
        "quantity": 1,
        "language": "ru",
        "interpreter_used": False,
    }
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


def problems(session, ctx, client_id, **over: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        service.record_service(session, ctx, client_id, fields(**over))
    return caught.value.fields


def add_grant(session, org, code="AMIF-1", starts=date(2026, 1, 1), ends=date(2026, 12, 31)):
    grant = Grant(
        tenant_id=org.id, code=code, name="Shelter", funder="EU", starts_on=starts,
        ends_on=ends, currency="EUR",
    )  # fmt: skip
    session.add(grant)
    session.flush()
    return grant


def test_records_a_counselling_session_with_an_interpreter(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    record = service.record_service(
        in_north, orgs.north_worker, client_id, fields(language="RU", interpreter_used=True)
    )
    assert record.unit == ServiceUnit.sessions  # the category's usual unit
    assert record.outcome == ServiceOutcome.delivered
    assert record.language == "ru" and record.interpreter_used is True
    assert record.recorded_by == orgs.north_worker.user_id
    assert record.case_id is None
    assert in_north.scalars(select(AssistanceRecord)).all() == [record]


def test_links_the_clients_open_case_only(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42", open_case=True)
    neighbour = make_client(orgs.north, "K7-BELU-17", open_case=True)
    open_case = in_north.scalar(select(Case).where(Case.client_id == client_id))
    record = service.record_service(in_north, orgs.north_worker, client_id, fields())
    assert record.case_id == open_case.id
    open_case.closed_on = DAY
    again = service.record_service(in_north, orgs.north_worker, client_id, fields())
    assert again.case_id is None
    # Another client's open case (read in the same statement as the client) is not theirs.
    assert in_north.scalar(select(Case.id).where(Case.client_id == neighbour)) is not None
    third = service.record_service(in_north, orgs.north_worker, client_id, fields())
    assert third.case_id is None


def test_missing_required_fields(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    with pytest.raises(ValidationFailed) as caught:
        service.record_service(in_north, orgs.north_worker, client_id, {})
    assert {"category", "started_on", "quantity"} <= set(caught.value.fields)
    assert in_north.scalars(select(AssistanceRecord)).all() == []


def test_unknown_enum_values_and_fields(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    assert "category" in problems(in_north, orgs.north_worker, client_id, category="teleport")
    assert "unit" in problems(in_north, orgs.north_worker, client_id, unit="parsecs")
    assert "outcome" in problems(in_north, orgs.north_worker, client_id, outcome="maybe")
    assert "colour" in problems(in_north, orgs.north_worker, client_id, colour="red")


def test_interpreter_without_language(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    errors = problems(
        in_north, orgs.north_worker, client_id,
        category="material", unit="items", language="", interpreter_used=True,
    )  # fmt: skip
    assert list(errors) == ["language"]


@pytest.mark.parametrize("category", ["counselling", "legal", "medical"])
def test_language_and_interpreter_flag_required_for(category, in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    errors = problems(in_north, orgs.north_worker, client_id, category=category, language="")
    assert list(errors) == ["language"]
    raw = fields(category=category)
    del raw["interpreter_used"]
    with pytest.raises(ValidationFailed) as caught:
        service.record_service(in_north, orgs.north_worker, client_id, raw)
    assert list(caught.value.fields) == ["interpreter_used"]


def test_language_not_required_for_material_help(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    raw = {"category": "material", "started_on": DAY, "quantity": 2}
    record = service.record_service(in_north, orgs.north_worker, client_id, raw)
    assert record.language is None and record.unit == ServiceUnit.items


def test_language_tags_are_checked_and_normalised(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    assert "language" in problems(in_north, orgs.north_worker, client_id, language="english!")
    record = service.record_service(
        in_north, orgs.north_worker, client_id, fields(language="PT-br")
    )
    assert record.language == "pt-BR"


def test_quantity_rules(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    shelter = {"category": "accommodation", "unit": "nights"}
    for bad in (-3, 0, "1.5", "abc", "1.234"):
        assert "quantity" in problems(
            in_north, orgs.north_worker, client_id, quantity=bad, **shelter
        ), bad
    hours = service.record_service(
        in_north, orgs.north_worker, client_id, fields(unit="hours", quantity="1.5")
    )
    assert hours.quantity == Decimal("1.5")


def test_dates_cannot_be_in_the_future_or_reversed(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    future = utcnow().date() + timedelta(days=2)
    assert "started_on" in problems(in_north, orgs.north_worker, client_id, started_on=future)
    assert "ended_on" in problems(in_north, orgs.north_worker, client_id, ended_on=future)
    before = DAY - timedelta(days=1)
    assert "ended_on" in problems(in_north, orgs.north_worker, client_id, ended_on=before)
    assert "started_on" in problems(in_north, orgs.north_worker, client_id, started_on="2026-02-30")


def test_accommodation_periods_are_counted_in_nights(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    stay = {"category": "accommodation", "ended_on": DAY + timedelta(days=7)}
    assert "unit" in problems(in_north, orgs.north_worker, client_id, unit="items", **stay)
    assert "quantity" in problems(
        in_north, orgs.north_worker, client_id, unit="nights", quantity=8, **stay
    )
    record = service.record_service(
        in_north, orgs.north_worker, client_id,
        fields(category="accommodation", ended_on=DAY + timedelta(days=7), quantity=7),
    )  # fmt: skip
    assert record.unit == ServiceUnit.nights and record.quantity == 7


def test_unit_must_fit_the_category(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    assert "unit" in problems(in_north, orgs.north_worker, client_id, unit="nights")


def test_amounts_and_costs_need_a_valid_currency(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    cash = {"category": "material", "unit": "amount", "quantity": 50}
    assert "currency" in problems(in_north, orgs.north_worker, client_id, **cash)
    assert "currency" in problems(in_north, orgs.north_worker, client_id, cost=20)
    for bad in ("EURO", "ABC", "€"):
        assert "currency" in problems(in_north, orgs.north_worker, client_id, cost=20, currency=bad)
    assert "cost" in problems(in_north, orgs.north_worker, client_id, cost=-1, currency="EUR")
    record = service.record_service(
        in_north, orgs.north_worker, client_id, fields(cost="35.50", currency="eur")
    )
    assert record.cost == Decimal("35.50") and record.currency == "EUR"


def test_notes_are_sealed_limited_and_revealed_with_an_audit_event(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    assert "notes" in problems(in_north, orgs.north_worker, client_id, notes="x" * 10_001)
    secret = "Met at the station; afraid of the recruiter Ivanov."
    record = service.record_service(in_north, orgs.north_worker, client_id, fields(notes=secret))
    in_north.commit()
    raw = in_north.scalar(
        select(AssistanceRecord.sealed_notes).where(AssistanceRecord.id == record.id)
    )
    assert raw and b"Ivanov" not in raw and secret.encode() not in raw
    assert not in_north.scalars(
        select(AuditEvent).where(AuditEvent.action == "service.revealed")
    ).all()
    text = service.reveal_service_notes(in_north, orgs.north_worker, client_id, record.id)
    assert text == secret
    event = in_north.scalar(select(AuditEvent).where(AuditEvent.action == "service.revealed"))
    assert event.target_id == str(record.id) and event.actor_id == orgs.north_worker.user_id
    assert "Ivanov" not in str(event.details)


def test_damaged_or_moved_notes_are_refused_as_unreadable_not_a_server_error(
    in_north, orgs, make_client
):
    from app.clients.service import FieldUnreadable

    client_id = make_client(orgs.north, "K7-MORA-42")
    first = service.record_service(in_north, orgs.north_worker, client_id, fields(notes="one"))
    second = service.record_service(in_north, orgs.north_worker, client_id, fields(notes="two"))
    second.sealed_notes = first.sealed_notes  # a value moved to another row does not open
    with pytest.raises(FieldUnreadable):
        service.reveal_service_notes(in_north, orgs.north_worker, client_id, second.id)
    assert not in_north.scalars(
        select(AuditEvent).where(AuditEvent.action == "service.revealed")
    ).all()


def test_reveal_is_for_casework_roles_and_this_client_only(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    other_id = make_client(orgs.north, "B2-DALU-17")
    record = service.record_service(in_north, orgs.north_worker, client_id, fields(notes="n"))
    with pytest.raises(Forbidden):
        service.reveal_service_notes(in_north, orgs.north_admin, client_id, record.id)
    with pytest.raises(NotFound):
        service.reveal_service_notes(in_north, orgs.north_worker, other_id, record.id)


def test_grant_must_be_the_organisations_and_cover_the_dates(in_north, orgs, db, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    bind_actor(db, orgs.south.id, None)
    foreign = add_grant(db, orgs.south, code="SOUTH-1")
    bind_actor(db, orgs.north.id, orgs.north_worker.user_id)
    errors = problems(in_north, orgs.north_worker, client_id, grant_id=foreign.id)
    assert errors == {"grant_id": ["No such grant."]}
    old = add_grant(in_north, orgs.north, code="OLD", ends=date(2026, 2, 1))
    assert "grant_id" in problems(in_north, orgs.north_worker, client_id, grant_id=old.id)
    current = add_grant(in_north, orgs.north, code="NOW")
    record = service.record_service(
        in_north, orgs.north_worker, client_id, fields(grant_id=str(current.id), cost=10)
    )
    assert record.grant_id == current.id and record.currency == "EUR"  # the grant's currency


def test_subtype_must_be_the_organisations_and_of_the_category(in_north, orgs, db, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    bind_actor(db, orgs.south.id, None)
    foreign = ServiceSubtype(tenant_id=orgs.south.id, category="counselling", name="Rights")
    db.add(foreign)
    db.flush()
    bind_actor(db, orgs.north.id, orgs.north_worker.user_id)
    assert "subtype_id" in problems(in_north, orgs.north_worker, client_id, subtype_id=foreign.id)
    shelter = ServiceSubtype(tenant_id=orgs.north.id, category="accommodation", name="Emergency")
    in_north.add(shelter)
    in_north.flush()
    assert "subtype_id" in problems(in_north, orgs.north_worker, client_id, subtype_id=shelter.id)
    rights = ServiceSubtype(tenant_id=orgs.north.id, category="counselling", name="Rights")
    in_north.add(rights)
    in_north.flush()
    record = service.record_service(
        in_north, orgs.north_worker, client_id, fields(subtype_id=rights.id)
    )
    assert record.subtype_id == rights.id


def test_another_organisations_client_is_not_found(in_north, orgs, make_client):
    foreign = make_client(orgs.south, "K7-MORA-42")
    with pytest.raises(NotFound):
        service.record_service(in_north, orgs.north_worker, foreign, fields())
    with pytest.raises(NotFound):
        service.list_services(in_north, orgs.north_worker, foreign)
    assert in_north.scalars(select(AssistanceRecord)).all() == []


def test_only_caseworkers_and_supervisors_record(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    with pytest.raises(Forbidden):
        service.record_service(in_north, orgs.north_admin, client_id, fields())
    record = service.record_service(in_north, orgs.north_supervisor, client_id, fields())
    assert record.recorded_by == orgs.north_supervisor.user_id


def test_an_erased_client_gets_no_new_records(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    in_north.get(Client, (orgs.north.id, client_id)).erased_at = utcnow()
    with pytest.raises(Conflict):
        service.record_service(in_north, orgs.north_worker, client_id, fields())


def test_list_is_newest_first(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    for days in (5, 1, 3):
        service.record_service(
            in_north, orgs.north_worker, client_id, fields(started_on=DAY - timedelta(days))
        )
    listed = service.list_services(in_north, orgs.north_worker, client_id)
    assert [r.started_on for r in listed.records] == [DAY - timedelta(d) for d in (1, 3, 5)]
    assert (listed.page, listed.has_previous, listed.has_next) == (1, False, False)


def test_recording_costs_few_queries(app, in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42", open_case=True)
    in_north.commit()
    statements: list[str] = []
    engine = app.extensions["haven.engine"]

    def count(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        service.record_service(in_north, orgs.north_worker, client_id, fields(notes="n"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # client, open case, client key, tenant key, insert (+ SET of the RLS context on PG)
    assert len([s for s in statements if "set_config" not in s]) <= 5, statements


@pytest.mark.parametrize("huge", ["1e30", "1E+27", "-" + "9" * 40])
def test_a_number_far_out_of_range_is_a_field_message(huge, in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    found = problems(in_north, orgs.north_worker, client_id, quantity=huge, cost=huge)
    assert (
        found["quantity"]
        == found["cost"]
        == ["Enter a number with at most two decimals, within range."]
    )
