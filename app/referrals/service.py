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
from collections.abc import Iterable
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
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import N_
from app.referrals.models import Direction, PartnerKind, Referral, ReferralStatus
from app.regions import COUNTRIES
from app.taxonomy import ServiceCategory
from app.tenants.models import Organisation

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


def _services(values: Iterable[str], errors: dict[str, list[str]]) -> list[str]:
    chosen = list(dict.fromkeys(values))
    if not chosen:
        errors["services_requested"] = [N_("Choose at least one service.")]
    elif any(v not in ServiceCategory.__members__ for v in chosen):
        errors["services_requested"] = [N_("Choose services from the list.")]
    return chosen


def _check_common(
    services: Iterable[str], sent_on: date | None, include_identity: bool, today: date
) -> tuple[list[str], dict[str, list[str]]]:
    """The rules every referral shares; ``include_identity`` is refused here (referrals
    off the platform), platform referrals carry identity through the consent ledger."""
    errors: dict[str, list[str]] = {}
    chosen = _services(services, errors)
    if sent_on is None:
        errors["sent_on"] = [N_("Enter the date the referral was sent.")]
    elif sent_on > today:
        errors["sent_on"] = [N_("This date is in the future.")]
    if include_identity:
        errors["include_identity"] = [IDENTITY_BLOCKED]
    return chosen, errors


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


def _receiver(session: Session, ctx: Actor, organisation_id: uuid.UUID | None) -> Organisation:
    if organisation_id is None:
        raise ValidationFailed({"organisation_id": [N_("Choose an organisation from the list.")]})
    org = session.get(Organisation, organisation_id)
    if org is None or org.disabled_at is not None:
        raise NotFound(N_("No such organisation."))
    if org.id == ctx.tenant_id:
        raise ValidationFailed(
            {"organisation_id": [N_("Choose another organisation than your own.")]}
        )
    return org


def refer_to_platform_organisation(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    organisation_id: uuid.UUID | None,
    services_requested: Iterable[str],
    sent_on: date | None,
    *,
    include_identity: bool = False,
    carry_groups: Iterable[str] = (),
    today: date | None = None,
) -> Referral:
    """Refer the client to another organisation on the platform: the outgoing row here,
    the incoming row in the receiver's tenant. Returns the outgoing row.

    ``carry_groups`` (``include_identity``: the identity group) are carried only when a
    valid consent for a referral to this organisation covers each of them now (else 422,
    one message per group); see :mod:`app.consent.sharing`."""
    client = get_client(session, ctx, client_id)
    receiver = _receiver(session, ctx, organisation_id)
    services, errors = _check_common(services_requested, sent_on, False, today or ctx.today())
    if errors:
        raise ValidationFailed(errors)
    groups = sharing.read_groups([*carry_groups, *(["identity"] if include_identity else [])])
    if groups:
        sharing.check_carry(session, ctx, client, receiver.id, groups)  # 422 before any write
    assert sent_on is not None and ctx.tenant_id is not None
    carried = carried_facts(client)
    if groups:
        carried["identity_groups"] = [g.value for g in groups]
    outgoing = Referral(
        id=uuid.uuid4(),
        tenant_id=ctx.tenant_id,
        exchange_id=uuid.uuid4(),
        direction=Direction.outgoing,
        client_id=client.id,
        partner_kind=PartnerKind.platform_organisation,
        partner_organisation_id=receiver.id,
        services_requested=services,
        carried=carried,
        status=ReferralStatus.sent,
        sent_on=sent_on,
        recorded_by=ctx.user_id,
    )
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
    partner_kind: str,
    partner_name: str | None,
    partner_country: str | None,
    services_requested: Iterable[str],
    sent_on: date | None,
    *,
    include_identity: bool = False,
    today: date | None = None,
) -> Referral:
    """Record a referral to a partner off the platform: an organisation, the NRM, or a
    partner in another country (which then needs the country)."""
    client = get_client(session, ctx, client_id)
    services, errors = _check_common(
        services_requested, sent_on, include_identity, today or ctx.today()
    )
    kind = PartnerKind(partner_kind) if partner_kind in PartnerKind.__members__ else None
    if kind not in EXTERNAL_KINDS:
        errors["partner_kind"] = [N_("Choose a kind of partner from the list.")]
    name = (partner_name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["partner_name"] = [N_("Enter the partner's name, at most 200 characters.")]
    country = (partner_country or "").strip().upper() or None
    if country is not None and country not in COUNTRIES:
        errors["partner_country"] = [N_("Enter a two-letter ISO 3166 country code, e.g. FR.")]
    elif country is None and kind is PartnerKind.transnational:
        errors["partner_country"] = [N_("A transnational referral needs the partner's country.")]
    if errors:
        raise ValidationFailed(errors)
    assert kind is not None and sent_on is not None
    referral = Referral(
        id=uuid.uuid4(),
        tenant_id=ctx.tenant_id,
        exchange_id=uuid.uuid4(),
        direction=Direction.outgoing,
        client_id=client.id,
        partner_kind=kind,
        partner_name=name,
        partner_country=country,
        services_requested=services,
        carried=carried_facts(client),
        status=ReferralStatus.sent,
        sent_on=sent_on,
        recorded_by=ctx.user_id,
    )
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


def complete_referral(session: Session, ctx: Actor, referral: Referral, outcome: str) -> Referral:
    """The sender closes an accepted referral with its outcome."""
    require(ctx, Permission.casework)
    if referral.direction is not Direction.outgoing:
        raise Conflict(N_("Only the referring organisation can close this referral."))
    require_status(referral, ReferralStatus.accepted)
    if outcome not in ReferralOutcome.__members__:
        raise ValidationFailed({"outcome": [N_("Choose an outcome from the list.")]})
    referral.status = ReferralStatus.completed
    referral.outcome = outcome
    session.flush()
    mirror_to_partner(session, referral, ReferralStatus.completed)
    record_event(
        session, ctx, AuditAction.referral_completed, "referral", referral.id, outcome=outcome
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
