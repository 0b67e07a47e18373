"""Referrals: sending a client to another organisation on the platform, to an external
partner, to the NRM or across a border; the receiving organisation's answer; the outcome.

A platform referral is two rows linked by ``exchange_id``: the sender's (outgoing) and the
receiver's (incoming), each written in its own tenant through ``acting_in`` so that
PostgreSQL's row-level security accepts it. Neither side ever reads the other's data: the
only crossing is a status written onto the partner row of the same exchange.

XXX: what crosses in ``carried`` is the sender's pseudonym code and coarse facts, built by
:func:`carried_facts` from named columns. No sealed column, no free text and no other
client may ever be added to it. Identity crosses only to an organisation on the platform,
only as far as a valid consent covers it, re-sealed for the receiver by
:mod:`app.consent.sharing` (``carried`` then names the groups, never the values).

Status changes: ``sent`` → ``accepted`` | ``declined`` (the receiver; for partners off the
platform the sender records their answer) or ``cancelled`` (the sender); ``accepted`` →
``completed`` with an outcome, or ``cancelled`` (the sender). The others are final.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients.models import Client
from app.clients.service import get_client
from app.consent import sharing
from app.context import Actor
from app.db.tenancy import acting_in
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.referrals.inputs import (
    EXTERNAL_REFERRAL_FIELDS,
    PLATFORM_REFERRAL_FIELDS,
    ExternalReferral,
    PlatformReferral,
)
from app.referrals.models import Direction, PartnerKind, Referral, ReferralStatus
from app.taxonomy import ServiceCategory
from app.tenants.models import Organisation
from app.validation import CHOOSE, FieldReader

#: Partners off the platform: Haven records the referral, the caseworker sends it.
EXTERNAL_KINDS = (PartnerKind.external_organisation, PartnerKind.nrm, PartnerKind.transnational)
NAME_MAX = 200
IDENTITY_BLOCKED = N_(
    "Identifying details can be carried only to an organisation on Haven, under the "
    "client's consent. A referral outside Haven records the pseudonym code and coarse facts."
)


class ReferralOutcome(enum.StrEnum):
    """How a completed referral ended (the ``outcome`` column: a code, no narrative)."""

    services_provided = "services_provided"
    partially_provided = "partially_provided"
    client_did_not_attend = "client_did_not_attend"
    client_withdrew = "client_withdrew"
    no_capacity = "no_capacity"
    other = "other"


#: The coarse facts a referral carries, besides the code. Never a ``sealed_*`` column.
CARRIED_FACTS = (
    "gender",
    "age_band",
    "is_minor",
    "nationality_region",
    "languages",
    "preferred_language",
    "forms_of_exploitation",
)


def carried_facts(client: Client) -> dict[str, Any]:
    """What a referral of this client carries: the pseudonym code and coarse facts."""
    carried: dict[str, Any] = {"code": client.code}
    for name in CARRIED_FACTS:
        value = getattr(client, name)
        carried[name] = list(value) if isinstance(value, list) else value
    return carried


def _read_common(r: FieldReader, include_identity: bool) -> tuple[list[str], date | None]:
    """The rules every referral shares: the services asked for, the day it was sent (not
    in the future), and no identity."""
    services = r.choices("services_requested", ServiceCategory)
    if not services and r.ok("services_requested"):
        r.fail("services_requested", N_("Choose at least one service."))
    sent_on = r.past_day("sent_on", required=True)
    if include_identity:
        r.fail("include_identity", IDENTITY_BLOCKED)
    return [s.value for s in services], sent_on


def referral_partners(session: Session, ctx: Actor) -> list[Organisation]:
    """Organisations on the platform this one can refer to: all others that are active."""
    require(ctx, Permission.casework)
    return list(
        session.scalars(
            select(Organisation)
            .where(Organisation.id != ctx.tenant_id, Organisation.disabled_at.is_(None))
            .order_by(Organisation.name)
        )
    )


def _receiver(session: Session, ctx: Actor, r: FieldReader) -> Organisation | None:
    """The organisation chosen: an unknown or disabled one is "not found" (404), like any
    id of no organisation; none chosen, or one's own, is a message on the field."""
    organisation_id = r.ref("organisation_id", required=True)
    if organisation_id is None:
        return None
    org = session.get(Organisation, organisation_id)
    if org is None or org.disabled_at is not None:
        raise NotFound(N_("No such organisation."))
    if org.id == ctx.tenant_id:
        r.fail("organisation_id", N_("Choose another organisation than your own."))
    return org


def refer_to_platform_organisation(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    data: PlatformReferral,
    *,
    today: date | None = None,
) -> Referral:
    """Refer the client to another organisation on the platform: the outgoing row here,
    the incoming row in the receiver's tenant. Returns the outgoing row. ``today``: the
    organisation's today unless a test fixes it.

    ``data.carry_groups`` are carried only when a valid consent for a referral to this
    organisation covers each of them now (else 422, one message per group), re-sealed for
    the receiver: see :mod:`app.consent.sharing`."""
    client = get_client(session, ctx, client_id)
    r = FieldReader(asdict(data), PLATFORM_REFERRAL_FIELDS, today=today or ctx.today())
    receiver = _receiver(session, ctx, r)
    services, sent_on = _read_common(r, include_identity=False)
    r.raise_if_failed()
    assert receiver is not None and sent_on is not None and ctx.tenant_id is not None
    groups = sharing.read_groups(data.carry_groups)
    if groups:
        sharing.check_carry(session, ctx, client, receiver.id, groups)  # 422 before any write
    outgoing = _outgoing(ctx, client, PartnerKind.platform_organisation, services, sent_on)
    outgoing.partner_organisation_id = receiver.id
    if groups:
        outgoing.carried = {**outgoing.carried, "identity_groups": [g.value for g in groups]}
    session.add(outgoing)
    session.flush()
    if groups:
        sharing.carry_identity(
            session, ctx, client, receiver.id, groups,
            referral_id=outgoing.id, exchange_id=outgoing.exchange_id,
        )  # fmt: skip
    _deliver(session, ctx, outgoing, receiver.id)
    record_event(
        session,
        ctx,
        AuditAction.referral_sent,
        "referral",
        outgoing.id,
        partner_kind=outgoing.partner_kind,
    )
    return outgoing


def _outgoing(
    ctx: Actor, client: Client, kind: PartnerKind, services: list[str], sent_on: date
) -> Referral:
    """The sender's row of a referral: what it asks for and what it carries."""
    return Referral(
        id=uuid.uuid4(),
        tenant_id=ctx.tenant_id,
        exchange_id=uuid.uuid4(),
        direction=Direction.outgoing,
        client_id=client.id,
        partner_kind=kind,
        services_requested=services,
        carried=carried_facts(client),
        status=ReferralStatus.sent,
        sent_on=sent_on,
        recorded_by=ctx.user_id,
    )


def _deliver(session: Session, ctx: Actor, outgoing: Referral, receiver_id: uuid.UUID) -> None:
    """Write the receiver's copy in the receiver's tenant (RLS WITH CHECK needs the switch)."""
    assert ctx.tenant_id is not None
    session.flush()  # this tenant's pending rows are written before the switch
    with acting_in(session, receiver_id):
        incoming = Referral(
            id=uuid.uuid4(),
            tenant_id=receiver_id,
            exchange_id=outgoing.exchange_id,
            direction=Direction.incoming,
            client_id=None,
            partner_kind=PartnerKind.platform_organisation,
            partner_organisation_id=ctx.tenant_id,
            services_requested=list(outgoing.services_requested),
            carried=dict(outgoing.carried),
            status=ReferralStatus.sent,
            sent_on=outgoing.sent_on,
        )
        session.add(incoming)
        session.flush()
        record_event(
            session,
            Actor(ctx.user_id, receiver_id),
            AuditAction.referral_received,
            "referral",
            incoming.id,
        )


def refer_externally(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    data: ExternalReferral,
    *,
    today: date | None = None,
) -> Referral:
    """Record a referral to a partner off the platform: an organisation, the NRM, or a
    partner in another country (which then needs the country)."""
    client = get_client(session, ctx, client_id)
    r = FieldReader(asdict(data), EXTERNAL_REFERRAL_FIELDS, today=today or ctx.today())
    services, sent_on = _read_common(r, data.include_identity)
    kind = r.choice("partner_kind", PartnerKind)
    if kind is not None and kind not in EXTERNAL_KINDS:
        r.fail("partner_kind", CHOOSE)
    name = r.text("partner_name", NAME_MAX, required=True)
    country = r.country("partner_country")
    if country is None and kind is PartnerKind.transnational and r.ok("partner_country"):
        r.fail("partner_country", N_("A transnational referral needs the partner's country."))
    r.raise_if_failed()
    assert kind is not None and sent_on is not None
    referral = _outgoing(ctx, client, kind, services, sent_on)
    referral.partner_name, referral.partner_country = name, country
    session.add(referral)
    session.flush()
    record_event(
        session, ctx, AuditAction.referral_sent, "referral", referral.id, partner_kind=kind
    )
    return referral


def referrals_of(session: Session, ctx: Actor, client_id: uuid.UUID) -> list[Referral]:
    """The client's referrals: sent by this organisation, or received and taken on."""
    client = get_client(session, ctx, client_id)
    return list(
        session.scalars(
            select(Referral)
            .where(Referral.client_id == client.id)
            .order_by(Referral.sent_on.desc(), Referral.created_at.desc())
        )
    )


def get_referral(
    session: Session, ctx: Actor, referral_id: uuid.UUID, client_id: uuid.UUID | None = None
) -> Referral:
    """A referral of this organisation (of this client, when given); else not found."""
    require(ctx, Permission.casework)
    referral = session.get(Referral, (ctx.tenant_id, referral_id))
    if referral is None or (client_id is not None and referral.client_id != client_id):
        raise NotFound(N_("No such referral."))
    return referral


def _partner_row(session: Session, referral: Referral) -> Referral | None:
    """The other side's row of a platform referral, read in the partner's tenant.

    XXX: called only inside ``acting_in(partner)``; matched on the exchange id *and* on the
    partner pointing back at this organisation, so no id can reach an unrelated row.
    """
    other = Direction.outgoing if referral.direction is Direction.incoming else Direction.incoming
    return session.scalar(
        select(Referral).where(
            Referral.exchange_id == referral.exchange_id,
            Referral.direction == other,
            Referral.partner_organisation_id == referral.tenant_id,
        )
    )


def mirror_to_partner(
    session: Session, referral: Referral, status: ReferralStatus, responded_on: date | None = None
) -> None:
    """Write a status onto the partner's row of the same platform referral."""
    if referral.partner_kind is not PartnerKind.platform_organisation:
        return
    if referral.partner_organisation_id is None:
        return
    session.flush()  # this tenant's pending rows are written before the switch
    with acting_in(session, referral.partner_organisation_id):
        partner = _partner_row(session, referral)
        if partner is None:  # the sender erased the client, or the row is gone
            return
        partner.status = status
        if responded_on is not None:
            partner.responded_on = responded_on
        if status is ReferralStatus.cancelled:
            sharing.discard_carried(session, partner.exchange_id)
        session.flush()
        # Nothing of the partner's stays in this session once the switch ends.
        session.expunge(partner)


def require_status(referral: Referral, *allowed: ReferralStatus) -> None:
    if referral.status not in allowed:
        raise Conflict(N_("This referral is no longer in a state that allows this."))


def complete_referral(
    session: Session, ctx: Actor, referral: Referral, outcome: str | None
) -> Referral:
    """The sender closes an accepted referral with its outcome (a ReferralOutcome)."""
    require(ctx, Permission.casework)
    if referral.direction is not Direction.outgoing:
        raise Conflict(N_("Only the referring organisation can close this referral."))
    require_status(referral, ReferralStatus.accepted)
    r = FieldReader({"outcome": outcome}, {"outcome"})
    chosen = r.choice("outcome", ReferralOutcome)
    r.raise_if_failed()
    assert chosen is not None
    referral.status = ReferralStatus.completed
    referral.outcome = chosen.value
    session.flush()
    mirror_to_partner(session, referral, ReferralStatus.completed)
    record_event(
        session, ctx, AuditAction.referral_completed, "referral", referral.id, outcome=chosen.value
    )
    return referral


def cancel_referral(session: Session, ctx: Actor, referral: Referral) -> Referral:
    """The sender withdraws a referral that is not finished; the receiver sees it cancelled."""
    require(ctx, Permission.casework)
    if referral.direction is not Direction.outgoing:
        raise Conflict(N_("Only the referring organisation can cancel this referral."))
    require_status(referral, ReferralStatus.sent, ReferralStatus.accepted)
    referral.status = ReferralStatus.cancelled
    session.flush()
    mirror_to_partner(session, referral, ReferralStatus.cancelled)
    record_event(session, ctx, AuditAction.referral_cancelled, "referral", referral.id)
    return referral
