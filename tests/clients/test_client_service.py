"""Client services: intake, facts, identity, list, code and identity search, reveal, erasure."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clients import service
from app.clients.indexes import index_of
from app.clients.models import Client
from app.clients.pseudonyms import CODE_PATTERN, canonical_code
from app.clients.validation import ClientFacts, ClientIdentity
from app.context import local_today
from app.errors import Forbidden, NotFound, ValidationFailed
from app.keys.models import ClientKey
from app.keys.service import active_tenant_key, binding, open_for_client
from app.validation import BAD_CHARACTERS
from crypto import KeyDestroyed
from tests.clients.conftest import intake

FACTS = {
    "gender": "female",
    "age_band": "25_34",
    "nationality": "md",
    "languages": ["ro", "RU"],
    "preferred_language": "ro",
    "forms_of_exploitation": ["labour"],
    "sector": "agriculture",
    "movement": "cross_border",
    "victim_status": "presumed",
    "referral_source": "ngo",
}
IDENTITY = {
    "name": "Maria Ionescu",
    "date_of_birth": "1990-04-01",
    "phone": "+373 600 12 345",
    "identity_document": "AB-123 456",
    "narrative": "Recruited for fruit picking.",
}


def _register(work, org, facts=None, identity=None, person=None):
    with work(org, person) as (session, ctx):
        client = service.register_client(session, ctx, intake(facts or FACTS, identity))
        return client.id, client.code


def _facts(session, ctx, client_id, **changes):
    """The client's facts with some changed (what the API's PATCH sends the service)."""
    return replace(service.current_facts(service.get_client(session, ctx, client_id)), **changes)


def _count_clients(work, org):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(Client))


def test_register_seals_identity_and_keeps_coarse_facts(work, casework):
    client_id, code = _register(work, casework.north, identity=IDENTITY, person=casework.worker)
    assert CODE_PATTERN.fullmatch(code)
    with work(casework.north) as (session, ctx):
        client = session.get(Client, (casework.north.id, client_id))
        assert client.nationality == "MD"
        assert client.nationality_region == "Eastern Europe"
        assert client.languages == ["ro", "ru"]
        assert client.created_by == casework.worker.user.id
        assert isinstance(client.sealed_name, bytes)
        assert b"Maria" not in client.sealed_name
        assert client.sealed_address is None
        assert client.blind_index_name is not None and client.blind_index_phone is not None
        assert 0 <= client.blind_index_name < 256
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "client.registered"))
        assert event.target_id == str(client_id)
        assert "Maria" not in str(event.details)
        assert sorted(event.details["fields"]) == sorted(IDENTITY)


def test_codes_are_unique_within_an_organisation(work, casework, monkeypatch):
    _id, taken = _register(work, casework.north)
    draws = iter([taken, taken, "B2-DUMA-07"])
    monkeypatch.setattr(service, "new_code", lambda: next(draws))
    _id2, code = _register(work, casework.north)
    assert code == "B2-DUMA-07"
    # Another organisation may hold the same code: uniqueness is per tenant.
    monkeypatch.setattr(service, "new_code", lambda: taken)
    assert _register(work, casework.south)[1] == taken


def test_canonical_code_accepts_what_people_type():
    assert canonical_code(" k7 mora 42 ") == "K7-MORA-42"
    assert canonical_code("K7MORA42") == "K7-MORA-42"
    assert canonical_code("Maria") is None


@pytest.mark.parametrize(
    ("facts", "identity", "field"),
    [
        ({"gender": "robot"}, {}, "gender"),
        ({"sector": "mining"}, {}, "sector"),
        ({"forms_of_exploitation": ["sexual", "piracy"]}, {}, "forms_of_exploitation"),
        ({"nationality": "XK"}, {}, "nationality"),
        ({"nationality": "Moldova"}, {}, "nationality"),
        ({"languages": ["ro", "klingon"]}, {}, "languages"),
        ({"preferred_language": "xx-YY"}, {}, "preferred_language"),
        ({"is_minor": True, "age_band": "35_49"}, {}, "is_minor"),
        ({"is_minor": "yes"}, {}, "is_minor"),
        ({"identified_on": (date.today() + timedelta(days=2)).isoformat()}, {}, "identified_on"),
        # The day after the latest date on Earth: in the future wherever the actor is.
        (
            {},
            {"date_of_birth": (local_today(None) + timedelta(days=1)).isoformat()},
            "date_of_birth",
        ),
        ({}, {"date_of_birth": "1899-12-31"}, "date_of_birth"),
        ({}, {"date_of_birth": "31/12/1990"}, "date_of_birth"),
        ({}, {"name": "x" * 201}, "name"),
        ({}, {"narrative": "x" * 10_001}, "narrative"),
        ({}, {"health_notes": "x" * 10 * 1024 * 1024}, "health_notes"),
        ({}, {"phone": "call me"}, "phone"),
    ],
)
def test_bad_input_is_refused_per_field_and_nothing_is_stored(
    work, casework, facts, identity, field
):
    with pytest.raises(ValidationFailed) as caught, work(casework.north) as (session, ctx):
        service.register_client(session, ctx, intake({**FACTS, **facts}, identity))
    assert field in caught.value.fields
    assert _count_clients(work, casework.north) == 0


@pytest.mark.parametrize("bad", ["Ana\x00Rusu", "Ana \ud800", "Ana\x1bRusu"])
@pytest.mark.parametrize("field", ["name", "narrative", "phone"])
def test_identity_text_that_no_field_may_hold_is_refused(work, casework, field, bad):
    """A NUL byte, a control character or a lone surrogate (which no encoding stores) is
    refused on sealed identity fields too, at intake and on change, and nothing is stored."""
    with pytest.raises(ValidationFailed) as caught, work(casework.north) as (session, ctx):
        service.register_client(session, ctx, intake(FACTS, {field: f"{bad} 123"}))
    assert caught.value.fields == {field: [BAD_CHARACTERS]}
    assert _count_clients(work, casework.north) == 0
    client_id, _ = _register(work, casework.north, identity=IDENTITY)
    with pytest.raises(ValidationFailed), work(casework.north) as (session, ctx):
        service.update_identity(session, ctx, client_id, ClientIdentity(**{field: bad}))
    with work(casework.north) as (session, ctx):
        assert service.reveal_field(session, ctx, client_id, field) == IDENTITY.get(field)


def test_a_client_born_or_identified_before_1900_is_refused(work, casework):
    with pytest.raises(ValidationFailed) as caught, work(casework.north) as (session, ctx):
        facts = {**FACTS, "identified_on": date(1899, 12, 31), "identified_by": "NRM\x00"}
        service.register_client(session, ctx, intake(facts, {"date_of_birth": "0732-05-01"}))
    assert set(caught.value.fields) == {"identified_on", "identified_by", "date_of_birth"}
    assert _count_clients(work, casework.north) == 0


def test_every_problem_is_reported_at_once(work, casework):
    with pytest.raises(ValidationFailed) as caught, work(casework.north) as (session, ctx):
        service.register_client(session, ctx, intake({"gender": "x"}, {"name": "y" * 300}))
    assert set(caught.value.fields) == {"gender", "name"}


def test_derived_facts(work, casework):
    facts = {"age_band": "12_17", "languages": "uk, sr_latn_rs", "preferred_language": "ar-SY"}
    client_id, _code = _register(work, casework.north, facts=facts)
    with work(casework.north) as (session, _ctx):
        client = session.get(Client, (casework.north.id, client_id))
        assert client.is_minor is True
        assert client.languages == ["uk", "sr-Latn-RS", "ar-SY"]
        assert client.nationality is None and client.nationality_region is None


def test_script_tag_in_a_name_is_stored_as_text(work, casework):
    name = "<script>alert(1)</script>"
    client_id, _code = _register(work, casework.north, identity={"name": name})
    with work(casework.north) as (session, ctx):
        assert service.reveal_field(session, ctx, client_id, "name") == name


def test_list_is_paginated_newest_first_and_holds_no_identity(work, casework):
    ids = [_register(work, casework.north, identity={"name": f"N{i}"})[0] for i in range(5)]
    _register(work, casework.south)
    with work(casework.north) as (session, ctx):
        first = service.list_clients(session, ctx, page=1, per_page=2)
        assert first.total is None and first.has_next and not first.has_previous
        assert [r.id for r in first.rows] == [ids[4], ids[3]]
        last = service.list_clients(session, ctx, page=3, per_page=2)
        assert [r.id for r in last.rows] == [ids[0]] and not last.has_next
        exactly_full = service.list_clients(session, ctx, page=1, per_page=5)
        assert len(exactly_full.rows) == 5 and not exactly_full.has_next
        assert not hasattr(first.rows[0], "sealed_name")


def test_find_by_code_is_tenant_scoped(work, casework):
    client_id, code = _register(work, casework.north)
    with work(casework.north) as (session, ctx):
        assert service.find_by_code(session, ctx, code.lower().replace("-", " ")).id == client_id
    with pytest.raises(NotFound), work(casework.south) as (session, ctx):
        service.find_by_code(session, ctx, code)


def test_search_by_name_across_scripts(work, casework):
    cyrillic, _ = _register(work, casework.north, identity={"name": "Мария  Петрова"})
    latin, _ = _register(work, casework.north, identity={"name": "Maria Petrova"})
    with work(casework.north) as (session, ctx):
        found = service.search_identity(session, ctx, "name", "мария петрова")
        assert [c.id for c in found] == [cyrillic]
        assert [c.id for c in service.search_identity(session, ctx, "name", "MARIA petrova")] == [
            latin
        ]
        assert service.search_identity(session, ctx, "name", "Maria") == []


def test_search_by_date_document_and_phone(work, casework):
    client_id, _ = _register(work, casework.north, identity=IDENTITY)
    with work(casework.north) as (session, ctx):
        for field, query in [
            ("date_of_birth", "1990-04-01"),
            ("identity_document", "ab123456"),
            ("phone", "+373 60012345"),
        ]:
            assert [c.id for c in service.search_identity(session, ctx, field, query)] == [
                client_id
            ]
        with pytest.raises(ValidationFailed):
            service.search_identity(session, ctx, "date_of_birth", "1 April 1990")
        with pytest.raises(ValidationFailed):
            service.search_identity(session, ctx, "narrative", "fruit")


def test_false_positives_never_reach_the_user(work, casework):
    """8-bit indexes collide on purpose; the search decrypts and drops the impostor."""
    with work(casework.north) as (session, _ctx):
        key = active_tenant_key(session)
        target = index_of(key, "name", "Maria Ionescu")
        decoy = next(
            f"Decoy {i}" for i in range(100_000) if index_of(key, "name", f"Decoy {i}") == target
        )
    real, _ = _register(work, casework.north, identity={"name": "Maria Ionescu"})
    fake, _ = _register(work, casework.north, identity={"name": decoy})
    with work(casework.north) as (session, ctx):
        rows = session.scalars(select(Client).where(Client.blind_index_name == target)).all()
        assert {c.id for c in rows} == {real, fake}  # the index alone cannot tell them apart
        assert [c.id for c in service.search_identity(session, ctx, "name", "maria ionescu")] == [
            real
        ]
        assert [c.id for c in service.search_identity(session, ctx, "name", decoy)] == [fake]


def test_search_never_crosses_organisations(work, casework):
    _register(work, casework.north, identity=IDENTITY)
    with work(casework.south) as (session, ctx):
        assert service.search_identity(session, ctx, "name", IDENTITY["name"]) == []


def test_reveal_is_audited_and_limited_to_casework(work, casework):
    client_id, _ = _register(work, casework.north, identity=IDENTITY)
    with work(casework.north, casework.worker) as (session, ctx):
        assert service.reveal_field(session, ctx, client_id, "phone") == IDENTITY["phone"]
        assert service.reveal_field(session, ctx, client_id, "address") is None
        with pytest.raises(ValidationFailed):
            service.reveal_field(session, ctx, client_id, "code")
    with work(casework.north) as (session, _ctx):
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "client.revealed"))
        [event] = events.all()
        assert event.actor_id == casework.worker.user.id
        assert event.details == {"field": "phone"}
    for roles in [("org_admin",), ("auditor",), ("funder",)]:
        with pytest.raises(Forbidden), work(casework.north, roles=roles) as (session, ctx):
            service.reveal_field(session, ctx, client_id, "name")
    with pytest.raises(NotFound), work(casework.south) as (session, ctx):
        service.reveal_field(session, ctx, client_id, "name")


def test_update_identity_replaces_and_clears(work, casework):
    client_id, _ = _register(work, casework.north, identity=IDENTITY)
    with work(casework.north) as (session, ctx):
        change = ClientIdentity(name="Ana Rusu", phone="")  # a blank clears the field
        service.update_identity(session, ctx, client_id, change)
    with work(casework.north) as (session, ctx):
        assert service.reveal_field(session, ctx, client_id, "name") == "Ana Rusu"
        assert service.reveal_field(session, ctx, client_id, "phone") is None
        assert service.reveal_field(session, ctx, client_id, "narrative") == IDENTITY["narrative"]
        assert [c.id for c in service.search_identity(session, ctx, "name", "ana rusu")] == [
            client_id
        ]
        assert service.search_identity(session, ctx, "name", IDENTITY["name"]) == []
        client = session.get(Client, (casework.north.id, client_id))
        assert client.blind_index_phone is None and client.sealed_phone is None
    with pytest.raises(NotFound), work(casework.south) as (session, ctx):
        service.update_identity(session, ctx, client_id, ClientIdentity(name="X"))


def test_update_facts_keeps_what_is_not_given(work, casework):
    client_id, _ = _register(work, casework.north)
    with work(casework.north) as (session, ctx):
        facts = _facts(session, ctx, client_id, nationality="NG")
        service.update_client_facts(session, ctx, client_id, facts)
    with work(casework.north) as (session, _ctx):
        client = session.get(Client, (casework.north.id, client_id))
        assert (client.nationality, client.nationality_region) == ("NG", "Western Africa")
        assert client.sector == "agriculture"
    with pytest.raises(ValidationFailed), work(casework.north) as (session, ctx):
        facts = _facts(session, ctx, client_id, is_minor=True)
        service.update_client_facts(session, ctx, client_id, facts)
    with pytest.raises(NotFound), work(casework.south) as (session, ctx):
        service.update_client_facts(session, ctx, client_id, ClientFacts(nationality="FR"))


def test_erase_shreds_identity_keeps_statistics(work, casework):
    client_id, code = _register(work, casework.north, identity=IDENTITY)
    with work(casework.north) as (session, _ctx):
        sealed_before = session.get(Client, (casework.north.id, client_id)).sealed_name
    with pytest.raises(Forbidden), work(casework.north, roles=("caseworker",)) as (session, ctx):
        service.erase_client(session, ctx, client_id)
    with pytest.raises(NotFound), work(casework.south, roles=("supervisor",)) as (session, ctx):
        service.erase_client(session, ctx, client_id)
    with work(casework.north, casework.supervisor, roles=("supervisor",)) as (session, ctx):
        service.erase_client(session, ctx, client_id)
    with work(casework.north, roles=("supervisor",)) as (session, ctx):
        client = session.get(Client, (casework.north.id, client_id))
        assert client.erased_at is not None and client.code == code
        assert client.nationality == "MD" and client.blind_index_name is None
        assert session.scalar(select(ClientKey.wrapped)) is None
        with pytest.raises(service.ClientErased):
            service.reveal_field(session, ctx, client_id, "name")
        # The ciphertext taken before the erasure can no longer be opened by anyone.
        with pytest.raises(KeyDestroyed):
            open_for_client(
                session, client_id, sealed_before, binding(session, "clients", "name", client_id)
            )
        assert service.search_identity(session, ctx, "name", IDENTITY["name"]) == []
        page = service.list_clients(session, ctx, count=True)
        assert page.total == 1 and page.rows[0].erased
        service.erase_client(session, ctx, client_id)  # again: harmless
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions.count("client.erased") == 1


def test_get_client_of_another_organisation_is_not_found(work, casework):
    client_id, _ = _register(work, casework.north)
    with pytest.raises(NotFound), work(casework.south) as (session, ctx):
        service.get_client(session, ctx, client_id)
    with pytest.raises(NotFound), work(casework.north) as (session, ctx):
        service.get_client(session, ctx, uuid.uuid4())
