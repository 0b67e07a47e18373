"""Referrals: what crosses between organisations, who may do what, and the status life."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, func, select, update

from app.audit.models import AuditEvent
from app.clients.models import Client
from app.db.base import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.referrals import receiving, service
from app.referrals.inputs import ExternalReferral, PlatformReferral, ReferralAnswer
from app.referrals.models import Direction, Referral, ReferralStatus
from app.tenants.models import Organisation
from tests.claims.conftest import SECRET_NAME, SECRET_PHONE

SENT = date(2026, 4, 1)
TODAY = date(2026, 5, 20)


def _refer(work, world, client_id, to=None, **overrides):
    values = {"services_requested": ["legal", "accommodation"], "sent_on": SENT}
    values.update(overrides)
    data = PlatformReferral((to or world.south).id, **values)
    with work(world.north) as (session, ctx):
        row = service.refer_to_platform_organisation(session, ctx, client_id, data, today=TODAY)
        return row.id, row.exchange_id


def _rows(work, org):
    with work(org) as (session, _ctx):
        rows = session.scalars(select(Referral).order_by(Referral.created_at)).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _incoming_id(work, world):
    (row,) = _rows(work, world.south)
    return row.id


def _respond(work, org, referral_id, decision="accepted", on=date(2026, 4, 3)):
    with work(org) as (session, ctx):
        row = service.get_referral(session, ctx, referral_id)
        answer = ReferralAnswer(decision, on)
        receiving.respond_to_referral(session, ctx, row, answer, today=TODAY)


def _actions(work, org):
    with work(org) as (session, _ctx):
        return [(e.action, e.target_id, e.details) for e in session.scalars(select(AuditEvent))]


def test_platform_referral_writes_both_rows_with_only_the_carried_facts(world, work, new_client):
    client_id = new_client(world.north)
    new_client(world.north, gender="male")  # another client: must not travel
    outgoing_id, exchange = _refer(work, world, client_id)
    (outgoing,) = _rows(work, world.north)
    (incoming,) = _rows(work, world.south)
    assert _rows(work, world.east) == []
    with work(world.north) as (session, _ctx):
        code = session.get(Client, (world.north.id, client_id)).code
    assert (outgoing.id, outgoing.direction, outgoing.client_id) == (
        outgoing_id,
        Direction.outgoing,
        client_id,
    )
    assert outgoing.partner_organisation_id == world.south.id
    assert (incoming.direction, incoming.client_id, incoming.exchange_id) == (
        Direction.incoming,
        None,
        exchange,
    )
    assert incoming.partner_organisation_id == world.north.id
    assert incoming.recorded_by is None
    assert incoming.carried == {
        "code": code,
        "gender": "female",
        "age_band": "25_34",
        "is_minor": False,
        "nationality_region": "Eastern Europe",
        "languages": ["ro", "ru"],
        "preferred_language": "ro",
        "forms_of_exploitation": ["labour"],
    }
    assert outgoing.carried == incoming.carried
    assert incoming.services_requested == ["legal", "accommodation"]
    text = repr(incoming.carried) + repr(incoming.__dict__)
    for secret in (SECRET_NAME, SECRET_PHONE, "MD", "agriculture", "farm"):
        assert secret not in text


def test_sending_is_audited_on_both_sides_with_ids_only(world, work, new_client):
    outgoing_id, _ = _refer(work, world, new_client(world.north))
    sent = [a for a in _actions(work, world.north) if a[0].startswith("referral.")]
    assert sent == [("referral.sent", str(outgoing_id), {"partner_kind": "platform_organisation"})]
    received = [a for a in _actions(work, world.south) if a[0].startswith("referral.")]
    assert received == [("referral.received", str(_incoming_id(work, world)), {})]


def _disable(app, organisation):
    """A platform change, made on the owner's connection as the operator's tools do: the
    app's role may not update organisations."""
    owner = create_engine(app.extensions["haven.settings"].migration_database_url)
    with owner.begin() as conn:
        conn.execute(
            update(Organisation)
            .where(Organisation.id == organisation.id)
            .values(disabled_at=utcnow())
        )
    owner.dispose()


def test_receiver_must_be_another_existing_active_organisation(app, world, work, new_client):
    client_id = new_client(world.north)
    with work(world.north) as (session, ctx), pytest.raises(NotFound):
        service.refer_to_platform_organisation(
            session, ctx, client_id, PlatformReferral(uuid.uuid4(), ["legal"], SENT), today=TODAY
        )
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        service.refer_to_platform_organisation(
            session, ctx, client_id, PlatformReferral(None, ["legal"], SENT), today=TODAY
        )
    assert list(error.value.fields) == ["organisation_id"]
    with pytest.raises(ValidationFailed) as error:
        _refer(work, world, client_id, to=world.north)
    assert list(error.value.fields) == ["organisation_id"]
    _disable(app, world.east)
    with pytest.raises(NotFound):
        _refer(work, world, client_id, to=world.east)
    assert _rows(work, world.north) == _rows(work, world.south) == _rows(work, world.east) == []


def test_identity_without_consent_is_refused_and_never_leaves_off_the_platform(
    world, work, new_client
):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _refer(work, world, client_id, carry_groups=["identity"])
    assert error.value.fields == {
        "carry_groups": ["The client has given no consent to a referral."]
    }
    with pytest.raises(ValidationFailed) as error, work(world.north) as (session, ctx):
        data = ExternalReferral("nrm", "NRM France", None, ["legal"], SENT, include_identity=True)
        service.refer_externally(session, ctx, client_id, data, today=TODAY)
    assert list(error.value.fields) == ["include_identity"]
    assert "only to an organisation on Haven" in error.value.fields["include_identity"][0]
    assert _rows(work, world.north) == _rows(work, world.south) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"services_requested": []}, "services_requested"),
        ({"services_requested": ["legal", "spa_weekend"]}, "services_requested"),
        ({"sent_on": None}, "sent_on"),
        ({"sent_on": date(2026, 5, 21)}, "sent_on"),
    ],
)
def test_bad_platform_referrals_store_nothing(world, work, new_client, overrides, field):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _refer(work, world, client_id, **overrides)
    assert list(error.value.fields) == [field]
    assert _rows(work, world.north) == _rows(work, world.south) == []


def _external(work, world, client_id, kind="transnational", name="CPTF Romania", country="ro"):
    with work(world.north) as (session, ctx):
        data = ExternalReferral(kind, name, country, ["return_support"], SENT)
        return service.refer_externally(session, ctx, client_id, data, today=TODAY).id


def test_external_nrm_and_transnational_referrals(world, work, new_client):
    client_id = new_client(world.north)
    _external(work, world, client_id)
    _external(work, world, client_id, kind="nrm", name="NRM coordinator", country=None)
    _external(work, world, client_id, kind="external_organisation", name="Food bank", country="")
    rows = _rows(work, world.north)
    assert [(r.partner_kind, r.partner_name, r.partner_country) for r in rows] == [
        ("transnational", "CPTF Romania", "RO"),
        ("nrm", "NRM coordinator", None),
        ("external_organisation", "Food bank", None),
    ]
    assert all(r.partner_organisation_id is None and r.carried["code"] for r in rows)
    assert _rows(work, world.south) == _rows(work, world.east) == []


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"country": None}, "partner_country"),
        ({"country": "XX"}, "partner_country"),
        ({"country": "ROU"}, "partner_country"),
        ({"name": "  "}, "partner_name"),
        ({"name": "x" * 201}, "partner_name"),
        ({"kind": "platform_organisation"}, "partner_kind"),
        ({"kind": "police"}, "partner_kind"),
    ],
)
def test_bad_external_referrals_store_nothing(world, work, new_client, values, field):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _external(work, world, client_id, **values)
    assert field in error.value.fields
    assert _rows(work, world.north) == []


def test_receiver_accepts_and_the_sender_row_follows(world, work, new_client):
    outgoing_id, _ = _refer(work, world, new_client(world.north))
    other_id, _ = _refer(work, world, new_client(world.north))
    incoming = [r.id for r in _rows(work, world.south)]
    _respond(work, world.south, incoming[0])
    south = {r.id: r for r in _rows(work, world.south)}
    north = {r.id: r for r in _rows(work, world.north)}
    assert (south[incoming[0]].status, south[incoming[0]].responded_on) == (
        "accepted",
        date(2026, 4, 3),
    )
    assert (north[outgoing_id].status, north[outgoing_id].responded_on) == (
        "accepted",
        date(2026, 4, 3),
    )
    assert north[other_id].status == south[incoming[1]].status == "sent"
    events = [a for a in _actions(work, world.south) if a[0] == "referral.responded"]
    assert events == [("referral.responded", str(incoming[0]), {"decision": "accepted"})]
    assert not [a for a in _actions(work, world.north) if a[0] == "referral.responded"]


def test_declining_and_bad_answers(world, work, new_client):
    outgoing_id, _ = _refer(work, world, new_client(world.north))
    incoming_id = _incoming_id(work, world)
    for decision, on, field in [
        ("maybe", date(2026, 4, 3), "decision"),
        ("completed", date(2026, 4, 3), "decision"),
        ("declined", None, "responded_on"),
        ("declined", date(2026, 3, 31), "responded_on"),
        ("declined", date(2026, 5, 21), "responded_on"),
    ]:
        with pytest.raises(ValidationFailed) as error:
            _respond(work, world.south, incoming_id, decision, on)
        assert list(error.value.fields) == [field]
    assert _rows(work, world.north)[0].status == "sent"
    _respond(work, world.south, incoming_id, "declined")
    assert _rows(work, world.north)[0].status == "declined"
    with pytest.raises(Conflict):
        _respond(work, world.south, incoming_id, "accepted")


def test_the_sender_cannot_answer_its_own_platform_referral(world, work, new_client):
    outgoing_id, _ = _refer(work, world, new_client(world.north))
    with pytest.raises(Conflict):
        _respond(work, world.north, outgoing_id)
    assert _rows(work, world.south)[0].status == "sent"


def test_the_sender_records_an_external_partners_answer(world, work, new_client):
    referral_id = _external(work, world, new_client(world.north))
    _respond(work, world.north, referral_id, "declined")
    (row,) = _rows(work, world.north)
    assert (row.status, row.responded_on) == ("declined", date(2026, 4, 3))


def test_taking_on_registers_a_new_client_with_a_new_code(world, work, new_client):
    client_id = new_client(world.north)
    _refer(work, world, client_id)
    incoming_id = _incoming_id(work, world)
    with work(world.south) as (session, ctx), pytest.raises(Conflict):
        receiving.take_on_referral(session, ctx, receiving.get_incoming(session, ctx, incoming_id))
    _respond(work, world.south, incoming_id)
    with work(world.south) as (session, ctx):
        row = receiving.get_incoming(session, ctx, incoming_id)
        taken = receiving.take_on_referral(session, ctx, row)
        taken_id, sender_code = taken.id, row.carried["code"]
    with work(world.south) as (session, _ctx):
        client = session.get(Client, (world.south.id, taken_id))
        assert client.code != sender_code
        assert (client.gender, client.age_band, client.nationality_region) == (
            "female",
            "25_34",
            "Eastern Europe",
        )
        assert (client.languages, client.preferred_language) == (["ro", "ru"], "ro")
        assert client.forms_of_exploitation == ["labour"]
        assert client.referral_source == "ngo"
        assert client.nationality is None and client.sealed_name is None
        assert client.sealed_phone is None and client.blind_index_name is None
        assert session.get(Referral, (world.south.id, incoming_id)).client_id == taken_id
        assert session.scalar(select(func.count()).select_from(Client)) == 1
    with work(world.south) as (session, ctx), pytest.raises(Conflict):
        receiving.take_on_referral(session, ctx, receiving.get_incoming(session, ctx, incoming_id))
    assert ("referral.taken_on", str(incoming_id), {"client_id": str(taken_id)}) in _actions(
        work, world.south
    )


def test_carried_facts_from_another_tenant_are_checked_again(world, work, new_client):
    _refer(work, world, new_client(world.north))
    incoming_id = _incoming_id(work, world)
    _respond(work, world.south, incoming_id)
    with work(world.south) as (session, ctx):
        row = receiving.get_incoming(session, ctx, incoming_id)
        row.carried = {**row.carried, "gender": "<script>", "nationality_region": "Atlantis"}
        taken = receiving.take_on_referral(session, ctx, row)
        assert (taken.gender, taken.nationality_region) == ("not_stated", None)


def test_sender_completes_or_cancels_and_the_receiver_row_follows(world, work, new_client):
    done_id, _ = _refer(work, world, new_client(world.north))
    cancelled_id, _ = _refer(work, world, new_client(world.north))
    done_in, cancelled_in = [r.id for r in _rows(work, world.south)]
    with work(world.north) as (session, ctx), pytest.raises(Conflict):  # not accepted yet
        service.complete_referral(
            session, ctx, service.get_referral(session, ctx, done_id), "services_provided"
        )
    _respond(work, world.south, done_in)
    with work(world.south) as (session, ctx), pytest.raises(Conflict):
        service.complete_referral(
            session, ctx, service.get_referral(session, ctx, done_in), "services_provided"
        )
    with work(world.north) as (session, ctx), pytest.raises(ValidationFailed):
        service.complete_referral(session, ctx, service.get_referral(session, ctx, done_id), "yay")
    with work(world.north) as (session, ctx):
        service.complete_referral(
            session, ctx, service.get_referral(session, ctx, done_id), "services_provided"
        )
        service.cancel_referral(session, ctx, service.get_referral(session, ctx, cancelled_id))
    north = {r.id: r for r in _rows(work, world.north)}
    south = {r.id: r for r in _rows(work, world.south)}
    assert (north[done_id].status, north[done_id].outcome) == ("completed", "services_provided")
    assert (south[done_in].status, south[done_in].outcome) == ("completed", None)
    assert north[cancelled_id].status == south[cancelled_in].status == "cancelled"
    with pytest.raises(Conflict):
        _respond(work, world.south, cancelled_in)
    with work(world.north) as (session, ctx), pytest.raises(Conflict):
        service.cancel_referral(session, ctx, service.get_referral(session, ctx, done_id))
    with work(world.south) as (session, ctx), pytest.raises(Conflict):
        service.cancel_referral(session, ctx, service.get_referral(session, ctx, done_in))
    actions = [a[0] for a in _actions(work, world.north)]
    assert {"referral.completed", "referral.cancelled"} <= set(actions)


def test_a_third_organisation_reaches_nothing(world, work, new_client):
    client_id = new_client(world.north)
    outgoing_id, _ = _refer(work, world, client_id)
    incoming_id = _incoming_id(work, world)
    with work(world.east) as (session, ctx):
        assert receiving.incoming_referrals(session, ctx) == []
        for referral_id in (outgoing_id, incoming_id):
            with pytest.raises(NotFound):
                service.get_referral(session, ctx, referral_id)
            with pytest.raises(NotFound):
                receiving.answer_incoming(
                    session, ctx, referral_id, ReferralAnswer("accepted", SENT)
                )
        with pytest.raises(NotFound):
            service.referrals_of(session, ctx, client_id)
        with pytest.raises(NotFound):
            data = PlatformReferral(world.south.id, ["legal"], SENT)
            service.refer_to_platform_organisation(session, ctx, client_id, data, today=TODAY)
    with work(world.south) as (session, ctx):
        with pytest.raises(NotFound):
            service.get_referral(session, ctx, outgoing_id)
        with pytest.raises(NotFound):
            service.referrals_of(session, ctx, client_id)
    with work(world.north) as (session, ctx):
        assert receiving.incoming_referrals(session, ctx) == []
        with pytest.raises(NotFound):
            receiving.get_incoming(session, ctx, outgoing_id)
    assert [r.status for r in _rows(work, world.north) + _rows(work, world.south)] == [
        ReferralStatus.sent,
        ReferralStatus.sent,
    ]


def test_partners_are_the_other_active_organisations(world, work):
    with work(world.north) as (session, ctx):
        assert [o.slug for o in service.referral_partners(session, ctx)] == ["east", "south"]


@pytest.mark.parametrize("name", ["CPTF\u0000Romania", "CPTF \ud83d Romania", "CPTF\x7f"])
def test_a_partner_name_no_column_can_hold_is_refused(world, work, new_client, name):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _external(work, world, client_id, name=name)
    assert list(error.value.fields) == ["partner_name"]
    assert _rows(work, world.north) == []


def test_dates_before_1900_are_refused(world, work, new_client):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as error:
        _refer(work, world, client_id, sent_on=date(1899, 12, 31))
    assert error.value.fields == {"sent_on": ["This date is before 1900."]}
    assert _rows(work, world.north) == []


def test_the_organisations_today_decides_what_is_in_the_future(world, work, new_client):
    """Without a ``today`` given, the rule is the actor's (the organisation's calendar)."""
    client_id = new_client(world.north)
    with work(world.north) as (session, ctx):
        tomorrow = ctx.today() + timedelta(days=1)
        with pytest.raises(ValidationFailed) as error:
            data = PlatformReferral(world.south.id, ["legal"], tomorrow)
            service.refer_to_platform_organisation(session, ctx, client_id, data)
        assert error.value.fields == {"sent_on": ["This date is in the future."]}
        data = PlatformReferral(world.south.id, ["legal"], ctx.today())
        assert service.refer_to_platform_organisation(session, ctx, client_id, data).sent_on
