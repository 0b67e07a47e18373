"""Anonymous contacts: assistance with no client, counted per period and organisation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.assistance import contacts
from app.assistance.inputs import ContactInput
from app.clients.models import AnonymousContact, Client
from app.db import bind_actor
from app.db.base import utcnow
from app.errors import Forbidden, ValidationFailed
from app.validation import typed_input

CALL = {
    "occurred_on": date(2026, 3, 2),
    "channel": "phone",
    "language": "uk",
    "interpreter_used": True,
    "topics": ["counselling", "legal"],
    "gender": "female",
    "age_band": "18_24",
    "form_of_exploitation": "labour",
    "referral_made": True,
}


def test_a_contact_is_recorded_without_a_client_and_counted(in_north, orgs):
    contact = contacts.record_anonymous_contact(
        in_north, orgs.north_worker, typed_input(ContactInput, CALL)
    )
    assert contact.topics == ["counselling", "legal"] and contact.referral_made
    contacts.record_anonymous_contact(
        in_north,
        orgs.north_worker,
        typed_input(ContactInput, {"occurred_on": "2026-03-05", "channel": "chat"}),
    )
    march = (date(2026, 3, 1), date(2026, 3, 31))
    assert contacts.count_anonymous_contacts(in_north, orgs.north_worker, *march) == 2
    listed = contacts.list_anonymous_contacts(in_north, orgs.north_worker, *march)
    assert [c.occurred_on.day for c in listed] == [5, 2]
    assert (
        contacts.count_anonymous_contacts(
            in_north, orgs.north_worker, date(2026, 3, 3), date(2026, 3, 31)
        )
        == 1
    )
    assert in_north.scalars(select(Client)).all() == []


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"channel": ""}, "channel"),
        ({"occurred_on": None}, "occurred_on"),
        ({"occurred_on": utcnow().date() + timedelta(days=2)}, "occurred_on"),
        ({"language": "", "interpreter_used": True}, "language"),
        ({"topics": ["counselling", "astrology"]}, "topics"),
        ({"gender": "robot"}, "gender"),
        ({"form_of_exploitation": "piracy"}, "form_of_exploitation"),
        ({"name": "Anna"}, "name"),
    ],
)
def test_contact_rules(change, field, in_north, orgs):
    with pytest.raises(ValidationFailed) as caught:
        contacts.record_anonymous_contact(
            in_north, orgs.north_worker, typed_input(ContactInput, {**CALL, **change})
        )
    assert field in caught.value.fields
    assert in_north.scalars(select(AnonymousContact)).all() == []


def test_contacts_belong_to_one_organisation_and_casework(in_north, db, orgs):
    contacts.record_anonymous_contact(in_north, orgs.north_worker, typed_input(ContactInput, CALL))
    with pytest.raises(Forbidden):
        contacts.record_anonymous_contact(
            in_north, orgs.north_admin, typed_input(ContactInput, CALL)
        )
    bind_actor(db, orgs.south.id, None)
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert contacts.count_anonymous_contacts(db, orgs.south_worker, *year) == 0
    assert contacts.list_anonymous_contacts(db, orgs.south_worker, *year) == []
    with pytest.raises(ValidationFailed):
        contacts.list_anonymous_contacts(db, orgs.south_worker, year[1], year[0])
