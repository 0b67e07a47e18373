"""Referrals carry what consent covers: identity re-sealed for the receiver, opened only
with the receiver's keys, refused beyond the consent, and withdrawal passed on."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clients.models import Client
from app.clients.service import reveal_field
from app.consent.inputs import Withdrawal
from app.consent.models import CarriedIdentity, ConsentShare, WithdrawalNotice
from app.consent.sharing import open_carried
from app.consent.withdrawal import withdraw_consent
from app.errors import ValidationFailed
from app.keys.service import binding, open_for_client
from app.referrals import receiving, service
from app.referrals.inputs import PlatformReferral, ReferralAnswer
from app.referrals.models import Referral
from crypto import CryptoError
from tests.consent.conftest import SECRET_NAME, SECRET_PHONE

SENT = date.today()


def _consent_to_south(give, world, client_id, **overrides):
    return give(
        world.north,
        client_id,
        recipient_organisations=[str(world.south.id)],
        recipient_names=[],
        **overrides,
    )


def _refer(work, world, client_id, groups):
    with work(world.north) as (session, ctx):
        data = PlatformReferral(world.south.id, ["legal"], SENT, carry_groups=groups)
        row = service.refer_to_platform_organisation(session, ctx, client_id, data)
        return row.id, row.exchange_id


def _take_on(work, world):
    with work(world.south) as (session, ctx):
        incoming = session.scalar(select(Referral))
        answer = ReferralAnswer("accepted", SENT, take_on=True)
        client = receiving.answer_incoming(session, ctx, incoming.id, answer)
        return client.id


def _count(work, org, model):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def test_carried_identity_opens_with_the_receivers_keys_only(world, work, new_client, give):
    client_id = new_client(world.north)
    _consent_to_south(give, world, client_id)
    _refer(work, world, client_id, ["identity", "contact"])
    with work(world.south) as (session, _ctx):
        carried = session.scalar(select(CarriedIdentity))
        assert SECRET_NAME.encode() not in carried.carried_fields
        assert open_carried(session, carried) == {"name": SECRET_NAME, "phone": SECRET_PHONE}
        incoming = session.scalar(select(Referral))
        assert incoming.carried["identity_groups"] == ["identity", "contact"]
    received = _take_on(work, world)
    with work(world.south) as (session, ctx):
        client = session.get(Client, (world.south.id, received))
        assert reveal_field(session, ctx, received, "name") == SECRET_NAME
        assert reveal_field(session, ctx, received, "phone") == SECRET_PHONE
        sealed = client.sealed_name
        carried = session.scalar(select(CarriedIdentity))
        assert carried.wrapped_key is None and carried.carried_fields is None  # shredded
        assert carried.client_id == received and client.code  # its own pseudonym
    with work(world.north) as (session, _ctx):
        # The sender's key cannot open what the receiver holds, bound or not to its place.
        for where in (
            binding(session, "clients", "name", received),
            binding(session, "clients", "name", client_id),
        ):
            with pytest.raises(CryptoError):
                open_for_client(session, client_id, sealed, where)
    with work(world.north) as (session, _ctx):
        shares = session.scalars(select(ConsentShare)).all()
        assert [(s.receiver_organisation_id, s.fields) for s in shares] == [
            (world.south.id, ["name", "phone"])
        ]
        actions = [e.action for e in session.scalars(select(AuditEvent))]
    assert "referral.identity_carried" in actions


def test_asking_to_carry_the_address_when_consent_covers_identity_only_is_refused(
    world, work, new_client, give
):
    client_id = new_client(world.north)
    _consent_to_south(give, world, client_id, field_groups=["identity"])
    with pytest.raises(ValidationFailed) as failed:
        _refer(work, world, client_id, ["identity", "location"])
    assert failed.value.fields["carry_groups"] == [
        "The client's consent does not cover where they live (the address)."
    ]
    assert _count(work, world.north, Referral) == 0
    assert _count(work, world.south, Referral) == 0
    assert _count(work, world.south, CarriedIdentity) == 0


def test_without_consent_identity_is_refused_and_a_plain_referral_still_works(
    world, work, new_client
):
    client_id = new_client(world.north)
    with pytest.raises(ValidationFailed) as failed:
        _refer(work, world, client_id, ["identity"])
    assert failed.value.fields["carry_groups"] == ["The client has given no consent to a referral."]
    _refer(work, world, client_id, [])
    with work(world.south) as (session, _ctx):
        incoming = session.scalar(select(Referral))
        assert "identity_groups" not in incoming.carried and SECRET_NAME not in str(
            incoming.carried
        )
    assert _count(work, world.south, CarriedIdentity) == 0


def test_consent_naming_another_organisation_does_not_cover_this_one(world, work, new_client, give):
    client_id = new_client(world.north)
    give(world.north, client_id, recipient_organisations=[str(world.east.id)], recipient_names=[])
    with pytest.raises(ValidationFailed) as failed:
        _refer(work, world, client_id, ["identity"])
    assert "does not name this organisation" in failed.value.fields["carry_groups"][0]


def test_withdrawal_notifies_the_receiver_and_is_recorded(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = _consent_to_south(give, world, client_id)
    _refer(work, world, client_id, ["identity"])
    received = _take_on(work, world)
    with work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, client_id, record_id, Withdrawal())
    with work(world.south) as (session, _ctx):
        (notice,) = session.scalars(select(WithdrawalNotice)).all()
        assert notice.client_id == received and notice.field_groups == ["identity"]
        south_actions = [e.action for e in session.scalars(select(AuditEvent))]
    with work(world.north) as (session, _ctx):
        north_actions = [e.action for e in session.scalars(select(AuditEvent))]
    assert "consent.withdrawal_notified" in south_actions
    assert "consent.withdrawal_notified" in north_actions
    assert _count(work, world.east, WithdrawalNotice) == 0


def test_withdrawal_before_take_on_destroys_the_unopened_copy(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = _consent_to_south(give, world, client_id)
    _refer(work, world, client_id, ["identity"])
    with work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, client_id, record_id, Withdrawal())
    with work(world.south) as (session, _ctx):
        carried = session.scalar(select(CarriedIdentity))
        assert carried.wrapped_key is None and carried.carried_fields is None
        assert session.scalar(select(WithdrawalNotice)).client_id is None
    received = _take_on(work, world)
    with work(world.south) as (session, _ctx):
        assert session.get(Client, (world.south.id, received)).sealed_name is None


def test_a_declined_referral_destroys_the_carried_copy(world, work, new_client, give):
    client_id = new_client(world.north)
    _consent_to_south(give, world, client_id)
    _refer(work, world, client_id, ["identity"])
    with work(world.south) as (session, ctx):
        incoming = session.scalar(select(Referral))
        receiving.answer_incoming(session, ctx, incoming.id, ReferralAnswer("declined", SENT))
    with work(world.south) as (session, _ctx):
        assert session.scalar(select(CarriedIdentity)).carried_fields is None
