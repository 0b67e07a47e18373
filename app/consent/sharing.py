"""Referrals carry what consent covers: identity sent to another organisation on Haven
under a valid consent, re-sealed for the receiver, and the receiver told when the consent
is withdrawn.

The referral service calls three functions and nothing else of the ledger:

- :func:`carry_identity` (the sender's request, when the referral is sent): asks
  :func:`~app.consent.service.consent_for` for purpose ``referral``, this organisation as
  recipient and the groups asked; refuses every group not covered (422, per group); opens
  the sender's sealed fields and seals them again, server-side, under a new key of the
  exchange wrapped by the *receiver's* organisation key. No plaintext is stored or handed
  over; the sender keeps a :class:`~app.consent.models.ConsentShare`.
- :func:`receive_identity` (the receiver's request, when it takes the person on): opens
  them with the receiver's keys and seals them under the new client's own key (its own
  pseudonym was drawn by the intake), then destroys the exchange key.
- :func:`discard_carried` (decline, cancel): destroys the exchange key unopened.

:func:`notify_withdrawal` runs in the sender's withdrawal: every organisation that
received identity under the record gets an inbox item (:class:`WithdrawalNotice`), an
unopened copy is shredded at once, and both sides audit it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients.models import Client
from app.clients.service import ClientErased, update_identity
from app.clients.validation import ClientIdentity
from app.consent.models import CarriedIdentity, ConsentShare, WithdrawalNotice
from app.consent.service import consent_for
from app.consent.validity import Reason, Recipient
from app.context import Actor
from app.db.base import utcnow
from app.db.tenancy import acting_in
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.keys.service import (
    active_tenant_key,
    binding,
    open_for_client,
    tenant_key,
)
from crypto import FieldBinding, new_data_key, open_sealed, seal, unwrap_key, wrap_key
from policies.vocabulary import FieldGroup, Purpose, RecipientType

#: The client's sealed identity fields in each group a consent names.
GROUP_FIELDS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.identity: ("name", "aliases", "date_of_birth", "identity_document"),
    FieldGroup.contact: ("phone", "contact_details"),
    FieldGroup.location: ("address",),
    FieldGroup.health: ("health_notes",),
    FieldGroup.immigration: ("immigration_status",),
    FieldGroup.narrative: ("narrative",),
}
NOT_COVERED = {
    FieldGroup.identity: N_(
        "The client's consent does not cover identity (name, date of birth, documents)."
    ),  # noqa: E501
    FieldGroup.contact: N_("The client's consent does not cover contact details."),
    FieldGroup.location: N_("The client's consent does not cover where they live (the address)."),
    FieldGroup.health: N_("The client's consent does not cover health information."),
    FieldGroup.immigration: N_("The client's consent does not cover immigration status."),
    FieldGroup.narrative: N_("The client's consent does not cover their account of events."),
}
NO_VALID_CONSENT = {
    Reason.no_record: N_("The client has given no consent to a referral."),
    Reason.recipient_not_covered: N_("The client's consent does not name this organisation."),
    Reason.refused: N_("The client refused this on %(date)s."),
    Reason.withdrawn: N_("The client withdrew this consent on %(date)s."),
    Reason.expired: N_("The client's consent expired on %(date)s."),
    Reason.superseded: N_("The client's consent was replaced on %(date)s."),
    Reason.not_yet_given: N_("The client's consent starts later (%(date)s)."),
}
_KEY_ID = "x1"


def _key_context(receiver: uuid.UUID, row_id: uuid.UUID) -> bytes:
    return f"haven carried identity|{receiver}|{row_id}".encode()


def _where(receiver: uuid.UUID, row_id: uuid.UUID) -> FieldBinding:
    return FieldBinding(str(receiver), "carried_identities", "fields", str(row_id))


def read_groups(values: Iterable[str]) -> list[FieldGroup]:
    """The groups a referral asks to carry, or a field message."""
    groups: list[FieldGroup] = []
    for value in values:
        try:
            group = FieldGroup(str(value).strip())
        except ValueError:
            group = None
        if group not in GROUP_FIELDS:
            raise ValidationFailed({"carry_groups": [N_("Choose values from the list.")]})
        if group not in groups:
            groups.append(group)
    return groups


def check_carry(
    session: Session, ctx: Actor, client: Client, receiver_id: uuid.UUID, groups: list[FieldGroup]
) -> uuid.UUID:
    """The record that covers carrying ``groups`` to ``receiver_id`` now, or a 422 that
    says why, one message per group not covered."""
    require(ctx, Permission.reveal_identity)
    if client.erased_at is not None:
        raise ClientErased(N_("This client was erased: their identity no longer exists."))
    recipient = Recipient(RecipientType.partner_ngo, receiver_id)
    answer = consent_for(session, ctx, client.id, Purpose.referral, recipient, groups)
    if answer.valid and answer.record_id is not None:
        return answer.record_id
    if answer.reason is Reason.field_groups_not_covered:
        missing = [FieldGroup(g) for g in answer.params.get("missing", "").split(",") if g]
        raise ValidationFailed({"carry_groups": [NOT_COVERED[g] for g in missing]})
    message = NO_VALID_CONSENT[answer.reason]
    date = answer.params.get("date")
    raise ValidationFailed({"carry_groups": [N_(message, date=date) if date else message]})


def carry_identity(
    session: Session,
    ctx: Actor,
    client: Client,
    receiver_id: uuid.UUID,
    groups: list[FieldGroup],
    *,
    referral_id: uuid.UUID,
    exchange_id: uuid.UUID,
) -> list[str]:
    """Seal the client's fields of ``groups`` for the receiver (see the module); returns
    the names of the fields carried (some may be empty and are not sent)."""
    record_id = check_carry(session, ctx, client, receiver_id, groups)
    values: dict[str, str] = {}
    for group in groups:
        for name in GROUP_FIELDS[group]:
            sealed: bytes | None = getattr(client, f"sealed_{name}")
            if sealed is not None:
                where = binding(session, "clients", name, client.id)
                values[name] = open_for_client(session, client.id, sealed, where)
    assert ctx.tenant_id is not None
    session.flush()  # this tenant's pending rows are written before the switch
    with acting_in(session, receiver_id):
        _seal_for_receiver(session, ctx, receiver_id, exchange_id, groups, values)
    share = ConsentShare(
        record_id=record_id, client_id=client.id, referral_id=referral_id,
        exchange_id=exchange_id, receiver_organisation_id=receiver_id,
        field_groups=[g.value for g in groups], fields=sorted(values),
    )  # fmt: skip
    session.add(share)
    session.flush()
    record_event(
        session, ctx, AuditAction.referral_identity_carried, "referral", referral_id,
        consent_record=str(record_id), receiver=str(receiver_id),
        field_groups=[g.value for g in groups], fields=sorted(values),
    )  # fmt: skip
    return sorted(values)


def _seal_for_receiver(
    session: Session,
    ctx: Actor,
    receiver_id: uuid.UUID,
    exchange_id: uuid.UUID,
    groups: list[FieldGroup],
    values: dict[str, str],
) -> None:
    """Inside ``acting_in(receiver)``: a new key for the exchange, wrapped by the
    receiver's active organisation key; the fields sealed under it as one JSON value."""
    assert ctx.tenant_id is not None
    row_id = uuid.uuid4()
    kek = active_tenant_key(session)
    dek = new_data_key(_KEY_ID)
    session.add(
        CarriedIdentity(
            id=row_id, exchange_id=exchange_id, sender_organisation_id=ctx.tenant_id,
            field_groups=[g.value for g in groups], fields=sorted(values),
            wrapped_key=wrap_key(kek, dek, _key_context(receiver_id, row_id)),
            tenant_key_id=kek.key_id,
            carried_fields=seal(dek, json.dumps(values), _where(receiver_id, row_id)),
        )
    )  # fmt: skip
    session.flush()
    record_event(
        session, Actor(ctx.user_id, receiver_id), AuditAction.referral_identity_carried,
        "carried_identity", row_id, field_groups=[g.value for g in groups],
    )  # fmt: skip
    session.flush()
    # Nothing of the receiver's stays in this session once the switch ends.
    for row in [o for o in session.identity_map.values() if isinstance(o, CarriedIdentity)]:
        session.expunge(row)


def carried_for(session: Session, exchange_id: uuid.UUID) -> CarriedIdentity | None:
    """This organisation's carried identity of an exchange (the inbox shows its groups)."""
    return session.scalar(select(CarriedIdentity).where(CarriedIdentity.exchange_id == exchange_id))


def open_carried(session: Session, carried: CarriedIdentity) -> dict[str, str]:
    """The carried fields, opened with this organisation's keys only."""
    if carried.wrapped_key is None or carried.carried_fields is None:
        return {}
    receiver = carried.tenant_id
    kek = tenant_key(session, carried.tenant_key_id)
    dek = unwrap_key(kek, carried.wrapped_key, _key_context(receiver, carried.id), _KEY_ID)
    opened: dict[str, str] = json.loads(
        open_sealed(dek, carried.carried_fields, _where(receiver, carried.id))
    )
    return opened


def receive_identity(
    session: Session, ctx: Actor, exchange_id: uuid.UUID, client: Client
) -> list[str]:
    """On take-on: the carried fields sealed under the new client's own key; the
    exchange key destroyed. Returns the fields received."""
    carried = carried_for(session, exchange_id)
    if carried is None or carried.wrapped_key is None:
        return []
    values = open_carried(session, carried)
    if values:
        update_identity(session, ctx, client.id, ClientIdentity(**values))
    carried.client_id = client.id
    carried.opened_at = utcnow()
    _shred(carried)
    session.flush()
    return sorted(values)


def _shred(carried: CarriedIdentity) -> None:
    carried.wrapped_key = None
    carried.carried_fields = None
    carried.shredded_at = carried.shredded_at or utcnow()


def discard_carried(session: Session, exchange_id: uuid.UUID) -> None:
    """Declined or cancelled: the carried fields are destroyed unopened (this tenant)."""
    carried = carried_for(session, exchange_id)
    if carried is not None and carried.opened_at is None:
        _shred(carried)
        session.flush()


def notify_withdrawal(session: Session, ctx: Actor, record_id: uuid.UUID) -> int:
    """Tell every organisation that received identity under ``record_id`` to stop using
    it (an inbox item there, audited on both sides). Returns how many were told."""
    shares = session.scalars(select(ConsentShare).where(ConsentShare.record_id == record_id)).all()
    now = utcnow()
    session.flush()
    for share in shares:
        with acting_in(session, share.receiver_organisation_id):
            notice_id = _notify_receiver(session, ctx, share, now)
        record_event(
            session, ctx, AuditAction.consent_withdrawal_notified, "consent_record", record_id,
            receiver=str(share.receiver_organisation_id), referral=str(share.referral_id),
            notice=str(notice_id),
        )  # fmt: skip
    return len(shares)


def _notify_receiver(session: Session, ctx: Actor, share: ConsentShare, now: object) -> uuid.UUID:
    """Inside ``acting_in(receiver)``: shred an unopened copy, add the inbox item."""
    assert ctx.tenant_id is not None
    carried = carried_for(session, share.exchange_id)
    client_id = carried.client_id if carried is not None else None
    if carried is not None and carried.opened_at is None:
        _shred(carried)
    notice = WithdrawalNotice(
        id=uuid.uuid4(), exchange_id=share.exchange_id, sender_organisation_id=ctx.tenant_id,
        client_id=client_id, field_groups=list(share.field_groups), withdrawn_at=now,
    )  # fmt: skip
    session.add(notice)
    session.flush()
    record_event(
        session, Actor(ctx.user_id, share.receiver_organisation_id),
        AuditAction.consent_withdrawal_notified, "withdrawal_notice", notice.id,
        exchange=str(share.exchange_id),
    )  # fmt: skip
    if carried is not None:
        session.expunge(carried)
    session.expunge(notice)
    return notice.id


def withdrawal_notices(session: Session, ctx: Actor) -> list[WithdrawalNotice]:
    """The inbox of withdrawals this organisation received, unacknowledged first."""
    require(ctx, Permission.casework)
    return list(
        session.scalars(
            select(WithdrawalNotice).order_by(
                WithdrawalNotice.acknowledged_at.is_not(None), WithdrawalNotice.created_at.desc()
            )
        )
    )


def acknowledge_notice(session: Session, ctx: Actor, notice_id: uuid.UUID) -> WithdrawalNotice:
    require(ctx, Permission.casework)
    notice = session.get(WithdrawalNotice, (ctx.tenant_id, notice_id))
    if notice is None:
        raise NotFound(N_("No such notice."))
    if notice.acknowledged_at is None:
        notice.acknowledged_at, notice.acknowledged_by = utcnow(), ctx.user_id
        session.flush()
        record_event(
            session, ctx, AuditAction.consent_withdrawal_acknowledged, "withdrawal_notice",
            notice.id,
        )  # fmt: skip
    return notice
