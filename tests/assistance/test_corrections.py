"""Correcting and removing records entered in error: every rule of
app.assistance.corrections."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.assistance import corrections, group, service
from app.assistance.inputs import Changes, CorrectionInput, ServiceInput
from app.assistance.models import AssistanceRecord
from app.audit.models import AuditEvent
from app.clients.models import Client
from app.db.base import utcnow
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.assistance.test_service import DAY, add_grant, fields

SECRET = "Afraid of the recruiter Petrenko"


@pytest.fixture
def recorded(in_north, orgs, make_client):
    """A north client with one counselling record that has sealed notes."""
    client_id = make_client(orgs.north, "K7-MORA-42")
    record = service.record_service(in_north, orgs.north_worker, client_id, fields(notes=SECRET))
    return client_id, record


def correct(session, ctx, record, **changes):
    return corrections.correct_service(
        session, ctx, record.client_id, record.id, Changes.sent(CorrectionInput, changes)
    )


def refused(session, ctx, record, **changes) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        correct(session, ctx, record, **changes)
    return caught.value.fields


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def notes_of(session, ctx, record):
    return service.reveal_service_notes(session, ctx, record.client_id, record.id)


def test_a_correction_changes_only_the_given_fields(in_north, orgs, recorded):
    _, record = recorded
    done = correct(in_north, orgs.north_worker, record, quantity="2", language="RO")
    assert done.changed == ("language", "quantity")
    assert (record.quantity, record.language) == (Decimal("2"), "ro")
    assert (record.category, record.started_on, record.interpreter_used) == (
        "counselling",
        DAY,
        False,
    )
    assert record.recorded_by == orgs.north_worker.user_id  # who recorded it stays
    assert notes_of(in_north, orgs.north_worker, record) == SECRET  # notes kept


def test_the_audit_event_names_the_changed_fields_and_no_value(in_north, orgs, recorded):
    _, record = recorded
    correct(in_north, orgs.north_supervisor, record, language="uk", notes="Moved to Lviv")
    [entry] = events(in_north, "service.corrected")
    assert entry.target_id == str(record.id)
    assert entry.actor_id == orgs.north_supervisor.user_id
    assert entry.details == {"fields": ["language", "notes"]}
    logged = json.dumps(entry.details)
    assert "uk" not in logged and "Lviv" not in logged and "Petrenko" not in logged


def test_nothing_changed_writes_nothing(in_north, orgs, recorded):
    _, record = recorded
    done = correct(in_north, orgs.north_worker, record, quantity=Decimal("1.00"), language="ru")
    assert done.changed == ()
    assert events(in_north, "service.corrected") == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"language": None}, "language"),
        ({"interpreter_used": None}, "interpreter_used"),
        ({"category": "material", "unit": "items", "language": None, "interpreter_used": True},
         "language"),
        ({"ended_on": DAY - timedelta(days=1)}, "ended_on"),
        ({"started_on": date(2999, 1, 1)}, "started_on"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "1.5"}, "quantity"),
        ({"unit": "nights"}, "unit"),
        ({"category": "teleport"}, "category"),
        ({"category": None}, "category"),
        ({"cost": "-3", "currency": "EUR"}, "cost"),
        ({"cost": "30"}, "currency"),
        ({"subtype_id": uuid.uuid4()}, "subtype_id"),
        ({"notes": "x" * 10_001}, "notes"),
        ({"mood": "good"}, "mood"),
        ({"clear_notes": "perhaps"}, "clear_notes"),
    ],
)  # fmt: skip
def test_the_rules_of_recording_apply(in_north, orgs, recorded, changes, field):
    _, record = recorded
    before = corrections.recorded_fields(record)
    assert field in refused(in_north, orgs.north_worker, record, **changes)
    assert corrections.recorded_fields(record) == before
    assert events(in_north, "service.corrected") == []


def test_a_grant_must_cover_the_corrected_dates(in_north, orgs, recorded):
    _, record = recorded
    grant = add_grant(in_north, orgs.north, starts=DAY, ends=DAY + timedelta(days=30))
    assert correct(in_north, orgs.north_worker, record, grant_id=grant.id).changed == (
        "currency",  # the grant's currency, as when recording
        "grant_id",
    )
    errors = refused(in_north, orgs.north_worker, record, started_on=DAY - timedelta(days=1))
    assert errors == {"grant_id": ["This grant does not cover the dates of the service."]}
    assert record.started_on == DAY


def test_all_problems_are_reported_at_once(in_north, orgs, recorded):
    _, record = recorded
    errors = refused(in_north, orgs.north_worker, record, quantity=0, notes="new", clear_notes=True)
    assert set(errors) == {"quantity", "clear_notes"}


def test_new_notes_are_sealed_under_the_clients_key(in_north, orgs, recorded):
    _, record = recorded
    old = record.sealed_notes
    assert correct(in_north, orgs.north_worker, record, notes="  New fear  ").changed == ("notes",)
    assert record.sealed_notes != old and b"New fear" not in record.sealed_notes
    assert notes_of(in_north, orgs.north_worker, record) == "New fear"


@pytest.mark.parametrize("changes", [{"notes": None}, {"notes": " "}, {"clear_notes": True}])
def test_notes_can_be_cleared(in_north, orgs, recorded, changes):
    _, record = recorded
    assert correct(in_north, orgs.north_worker, record, **changes).changed == ("notes",)
    assert record.sealed_notes is None
    assert events(in_north, "service.corrected")[0].details == {"fields": ["notes"]}


def test_clearing_absent_notes_changes_nothing(in_north, orgs, make_client):
    client_id = make_client(orgs.north, "K7-MORA-42")
    record = service.record_service(in_north, orgs.north_worker, client_id, fields())
    assert correct(in_north, orgs.north_worker, record, clear_notes=True).changed == ()


def test_new_notes_and_clearing_them_contradict(in_north, orgs, recorded):
    _, record = recorded
    errors = refused(in_north, orgs.north_worker, record, notes="new", clear_notes=True)
    assert errors == {"clear_notes": ["Either write new notes or clear the notes, not both."]}
    assert notes_of(in_north, orgs.north_worker, record) == SECRET


def test_records_of_an_erased_client_are_frozen(in_north, orgs, recorded):
    client_id, record = recorded
    in_north.get(Client, (orgs.north.id, client_id)).erased_at = utcnow()
    with pytest.raises(Conflict):
        correct(in_north, orgs.north_worker, record, quantity=2)
    with pytest.raises(Conflict):
        corrections.remove_service(in_north, orgs.north_worker, client_id, record.id, "duplicate")
    assert record.quantity == 1
    assert in_north.scalars(select(AssistanceRecord)).all() == [record]
    assert events(in_north, "service.corrected") == events(in_north, "service.removed") == []


def test_only_caseworkers_and_supervisors_correct_and_remove(in_north, orgs, recorded):
    client_id, record = recorded
    with pytest.raises(Forbidden):
        correct(in_north, orgs.north_admin, record, quantity=2)
    with pytest.raises(Forbidden):
        corrections.remove_service(in_north, orgs.north_admin, client_id, record.id, "duplicate")
    assert correct(in_north, orgs.north_supervisor, record, quantity=2).changed == ("quantity",)
    corrections.remove_service(in_north, orgs.north_supervisor, client_id, record.id, "duplicate")


def test_a_record_of_another_client_is_not_found(in_north, orgs, make_client):
    other = make_client(orgs.north, "B2-DALU-17")  # clients first: each commits on its own
    client_id = make_client(orgs.north, "K7-MORA-42")
    record = service.record_service(in_north, orgs.north_worker, client_id, fields())
    for attempt in (
        lambda: corrections.correct_service(
            in_north,
            orgs.north_worker,
            other,
            record.id,
            Changes.sent(CorrectionInput, {"quantity": 2}),
        ),
        lambda: corrections.remove_service(
            in_north, orgs.north_worker, other, record.id, "wrong_client"
        ),
        lambda: corrections.remove_service(
            in_north, orgs.north_worker, record.client_id, uuid.uuid4(), "duplicate"
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert record.quantity == 1
    assert in_north.scalars(select(AssistanceRecord)).all() == [record]


def test_another_organisations_records_are_not_found(in_north, orgs, make_client):
    foreign = make_client(orgs.south, "K7-MORA-42")
    south_record = uuid.uuid4()  # any id: the client alone is not found
    with pytest.raises(NotFound):
        corrections.correct_service(
            in_north,
            orgs.north_worker,
            foreign,
            south_record,
            Changes.sent(CorrectionInput, {"quantity": 2}),
        )
    with pytest.raises(NotFound):
        corrections.remove_service(in_north, orgs.north_worker, foreign, south_record, "duplicate")
    assert events(in_north, "service.corrected") == events(in_north, "service.removed") == []


def test_removal_deletes_the_record_and_logs_the_reason_only(in_north, orgs, recorded):
    client_id, record = recorded
    record_id = record.id
    code = corrections.remove_service(
        in_north, orgs.north_worker, client_id, record_id, "never_delivered"
    )
    assert code == corrections.RemovalReason.never_delivered
    assert in_north.scalars(select(AssistanceRecord)).all() == []
    [entry] = events(in_north, "service.removed")
    assert (entry.target_type, entry.target_id) == ("assistance_record", str(record_id))
    assert entry.details == {"reason": "never_delivered"}


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (None, "Choose a value from the list."),
        ("", "Choose a value from the list."),
        ("bored", "Choose a value from the list."),
    ],
)
def test_removal_needs_a_reason_from_the_list(in_north, orgs, recorded, reason, message):
    client_id, record = recorded
    with pytest.raises(ValidationFailed) as caught:
        corrections.remove_service(in_north, orgs.north_worker, client_id, record.id, reason)
    assert caught.value.fields == {"reason": [message]}
    assert in_north.scalars(select(AssistanceRecord)).all() == [record]
    assert events(in_north, "service.removed") == []


def test_group_records_are_corrected_and_removed_one_by_one(in_north, orgs, make_client):
    ids = [make_client(orgs.north, code) for code in ("K7-MORA-42", "B2-DALU-17", "C3-VERA-11")]
    first, second, third = group.record_group_service(
        in_north, orgs.north_worker, ids,
        ServiceInput(category="material", started_on=DAY, quantity=Decimal(1), notes="Blankets"),
    )  # fmt: skip
    correct(in_north, orgs.north_worker, first, quantity=3)
    corrections.remove_service(in_north, orgs.north_worker, ids[1], second.id, "wrong_client")
    left = in_north.scalars(select(AssistanceRecord).order_by(AssistanceRecord.quantity)).all()
    assert [(r.client_id, r.quantity) for r in left] == [(ids[2], 1), (ids[0], 3)]
    assert first.group_id == third.group_id is not None
    assert notes_of(in_north, orgs.north_worker, third) == "Blankets"
