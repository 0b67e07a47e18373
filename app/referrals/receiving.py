"""The receiving side of referrals: the inbox, the answer, and taking the person on.

The receiver works only with its own incoming rows. Answering writes the status onto the
sender's row of the same exchange (``mirror_to_partner``); nothing else of the sender's is
ever read. Taking a person on registers a new client here from what the referral carried,
under a pseudonym code of this organisation's own.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients.models import Client
from app.clients.service import register_client, unique_code
from app.clients.validation import ClientFacts, ClientIntake
from app.consent.sharing import discard_carried, receive_identity
from app.context import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import N_
from app.referrals.inputs import ANSWER_FIELDS, ReferralAnswer
from app.referrals.models import Direction, Referral, ReferralStatus
from app.referrals.service import (
    EXTERNAL_KINDS,
    get_referral,
    mirror_to_partner,
    require_status,
)
from app.regions import REGION_CODES
from app.taxonomy import ReferralSource
from app.validation import FieldReader


def get_incoming(session: Session, ctx: Actor, referral_id: uuid.UUID) -> Referral:
    referral = get_referral(session, ctx, referral_id)
    if referral.direction is not Direction.incoming:
        raise NotFound(N_("No such referral."))
    return referral


def incoming_referrals(session: Session, ctx: Actor) -> list[Referral]:
    """The organisation's inbox: referrals received from other organisations, newest first."""
    require(ctx, Permission.casework)
    return list(
        session.scalars(
            select(Referral)
            .where(Referral.direction == Direction.incoming)
            .order_by(Referral.sent_on.desc(), Referral.created_at.desc())
        )
    )


class Decision(enum.StrEnum):
    """The answers to a referral: the statuses it may move to from ``sent``."""

    accepted = ReferralStatus.accepted.value
    declined = ReferralStatus.declined.value


def respond_to_referral(
    session: Session,
    ctx: Actor,
    referral: Referral,
    answer: ReferralAnswer,
    *,
    today: date | None = None,
) -> Referral:
    """Accept or decline: the receiver answers an incoming referral (and the sender's row
    follows); for a partner off the platform, the sender records the partner's answer.
    ``today``: the organisation's today unless a test fixes it."""
    require(ctx, Permission.casework)
    if referral.direction is Direction.outgoing and referral.partner_kind not in EXTERNAL_KINDS:
        raise Conflict(N_("Only the receiving organisation can answer this referral."))
    require_status(referral, ReferralStatus.sent)
    r = FieldReader(asdict(answer), ANSWER_FIELDS, today=today or ctx.today())
    decision = r.choice("decision", Decision)
    responded_on = r.past_day("responded_on", required=True)
    if responded_on is not None and responded_on < referral.sent_on:
        r.fail("responded_on", N_("The answer cannot come before the referral was sent."))
    r.raise_if_failed()
    assert decision is not None
    referral.status = ReferralStatus(decision)
    referral.responded_on = responded_on
    session.flush()
    if referral.direction is Direction.incoming:
        if referral.status is ReferralStatus.declined:
            discard_carried(session, referral.exchange_id)
        mirror_to_partner(session, referral, referral.status, responded_on)
    record_event(
        session,
        ctx,
        AuditAction.referral_responded,
        "referral",
        referral.id,
        decision=referral.status,
    )
    return referral


def take_on_referral(session: Session, ctx: Actor, referral: Referral) -> Client:
    """Register the person of an accepted incoming referral as a client here, with the
    coarse facts the referral carried and a new pseudonym code."""
    require(ctx, Permission.casework)
    if referral.direction is not Direction.incoming:
        raise NotFound(N_("No such referral."))
    require_status(referral, ReferralStatus.accepted)
    if referral.client_id is not None:
        raise Conflict(N_("This person is already a client here."))
    client = register_referred_client(session, ctx, referral.carried)
    referral.client_id = client.id
    session.flush()
    # Identity the referral carried under consent: sealed under the new client's own key.
    receive_identity(session, ctx, referral.exchange_id, client)
    record_event(
        session,
        ctx,
        AuditAction.referral_taken_on,
        "referral",
        referral.id,
        client_id=str(client.id),
    )
    return client


def register_referred_client(session: Session, ctx: Actor, carried: Mapping[str, Any]) -> Client:
    """A new client of this organisation built from a referral's coarse facts.

    XXX: the sender's code stays in ``carried`` only. Reusing it here would let two
    organisations' records be joined on the code (and codes are unique per organisation
    only, so it could collide).
    """
    facts = _trusted_facts(carried)
    try:
        client = register_client(session, ctx, ClientIntake(ClientFacts(**facts)))
    except ValidationFailed:
        # Unreadable facts (they come from another tenant) are dropped rather than
        # refusing the person: caseworkers complete them at the first meeting.
        fallback = ClientFacts(referral_source=ReferralSource.ngo)
        client = register_client(session, ctx, ClientIntake(fallback))
    while client.code == carried.get("code"):
        client.code = unique_code(session)
    region = carried.get("nationality_region")
    # Only the region travels, not the country: keep it so reports count the person.
    client.nationality_region = region if region in REGION_CODES else None
    session.flush()
    return client


def _trusted_facts(carried: Mapping[str, Any]) -> dict[str, Any]:
    names = ("gender", "age_band", "is_minor", "languages", "preferred_language")
    facts = {name: carried[name] for name in names if carried.get(name) is not None}
    facts["forms_of_exploitation"] = carried.get("forms_of_exploitation") or []
    facts["referral_source"] = ReferralSource.ngo
    return facts


def answer_incoming(
    session: Session, ctx: Actor, referral_id: uuid.UUID, answer: ReferralAnswer
) -> Client | None:
    """The inbox's one action: answer, and on acceptance register the person if asked."""
    referral = get_incoming(session, ctx, referral_id)
    respond_to_referral(session, ctx, referral, answer)
    if answer.take_on and referral.status is ReferralStatus.accepted:
        return take_on_referral(session, ctx, referral)
    return None
