"""Withdrawing a consent: one action, as easy as giving it (GDPR art. 7(3)), in force at
once for every later question, and passed on to every organisation that received identity
under it (:func:`app.consent.sharing.notify_withdrawal`)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.consent.inputs import Withdrawal
from app.consent.models import ConsentEvent, EventKind, WithdrawalChannel
from app.consent.service import add_event, get_record, logged_refusal
from app.consent.sharing import notify_withdrawal
from app.context import Actor
from app.errors import ValidationFailed
from app.i18n import N_
from app.validation import FieldReader, field_names


def withdraw_consent(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID, given: Withdrawal
) -> ConsentEvent:
    """The client takes their consent back. A record already withdrawn, replaced by a newer
    one, or that was a refusal cannot be withdrawn (a 422 on ``record`` says which)."""
    require(ctx, Permission.record_consent)
    view = get_record(session, ctx, client_id, record_id)
    r = FieldReader(vars(given), field_names(Withdrawal))
    channel = r.choice("channel", WithdrawalChannel, WithdrawalChannel.in_person)
    if view.withdrawn is not None:
        when = view.withdrawn.occurred_at.date().isoformat()
        r.fail("record", N_("This consent was already withdrawn on %(date)s.", date=when))
    elif view.status == "superseded":
        r.fail("record", N_("This consent was replaced by a newer one: withdraw that one."))
    elif view.status == "refused":
        r.fail("record", N_("The client refused: there is nothing to withdraw."))
    try:
        r.raise_if_failed()
    except ValidationFailed as error:
        raise logged_refusal("withdrawal", error) from None
    event = add_event(session, ctx, view.record, EventKind.withdrawn, channel=channel)
    session.flush()
    record_event(
        session, ctx, AuditAction.consent_withdrawn, "consent_record", view.record.id,
        client_id=str(view.record.client_id), channel=channel.value if channel else None,
    )  # fmt: skip
    notify_withdrawal(session, ctx, view.record.id)
    return event
