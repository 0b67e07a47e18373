"""JSON API of the referrals domain: a client's referrals, sending (to an organisation on
the platform or to a partner off it), the sender's follow-up, and the receiving
organisation's inbox.

Every id is looked up inside the token's organisation by the services: another
organisation's client or referral is "not found", like a missing one. The inbox shows only
what each referral carried.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.auth.access import caller, casework_blueprint
from app.referrals import receiving, service
from app.referrals.inputs import ExternalReferral, PlatformReferral, ReferralAnswer
from app.referrals.models import Referral
from app.referrals.schemas import (
    CompleteReferralArgs,
    ExternalReferralArgs,
    IncomingAnswerOut,
    IncomingResponseArgs,
    PartnerOrganisationOut,
    PlatformReferralArgs,
    ReferralOut,
    ReferralResponseArgs,
)
from app.tenants.models import Organisation
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint(
    "referrals", "Referrals to and from other organisations, the NRM and partners abroad"
)
REFERRAL = "/clients/<uuid:client_id>/referrals/<uuid:referral_id>"


def _referral(client_id: uuid.UUID, referral_id: uuid.UUID) -> Referral:
    """One referral of the client, in the token's organisation (else 404)."""
    return service.get_referral(db(), caller(), referral_id, client_id)


@blp.route("/referral-partners")
@blp.response(200, PartnerOrganisationOut(many=True))
@blp.doc(security=BEARER)
def partners() -> list[Organisation]:
    """Organisations on the platform this one can refer to."""
    return service.referral_partners(db(), caller())


@blp.route("/clients/<uuid:client_id>/referrals")
@blp.response(200, ReferralOut(many=True))
@blp.doc(security=BEARER)
def list_referrals(client_id: uuid.UUID) -> list[Referral]:
    """The client's referrals, newest first."""
    return service.referrals_of(db(), caller(), client_id)


@blp.route("/clients/<uuid:client_id>/referrals/platform", methods=["POST"])
@blp.arguments(PlatformReferralArgs)
@blp.response(201, ReferralOut)
@blp.doc(security=BEARER)
def refer_on_platform(args: dict[str, Any], client_id: uuid.UUID) -> Referral:
    """Refer the client to another organisation on the platform; it receives the
    pseudonym code and coarse facts, and the field groups of ``carry_groups`` as far as a
    valid consent covers them (else 422), re-sealed for it."""
    data = PlatformReferral(**args)
    return service.refer_to_platform_organisation(db(), caller(), client_id, data)


@blp.route("/clients/<uuid:client_id>/referrals/external", methods=["POST"])
@blp.arguments(ExternalReferralArgs)
@blp.response(201, ReferralOut)
@blp.doc(security=BEARER)
def refer_externally(args: dict[str, Any], client_id: uuid.UUID) -> Referral:
    """Record a referral to a partner off the platform: an organisation, the NRM, or a
    partner in another country (which then needs ``partner_country``)."""
    return service.refer_externally(db(), caller(), client_id, ExternalReferral(**args))


@blp.route(f"{REFERRAL}/response", methods=["POST"])
@blp.arguments(ReferralResponseArgs)
@blp.response(200, ReferralOut)
@blp.doc(security=BEARER)
def record_response(args: dict[str, Any], client_id: uuid.UUID, referral_id: uuid.UUID) -> Referral:
    """Record the answer of a partner off the platform (accepted or declined)."""
    referral = _referral(client_id, referral_id)
    return receiving.respond_to_referral(db(), caller(), referral, ReferralAnswer(**args))


@blp.route(f"{REFERRAL}/complete", methods=["POST"])
@blp.arguments(CompleteReferralArgs)
@blp.response(200, ReferralOut)
@blp.doc(security=BEARER)
def complete(args: dict[str, Any], client_id: uuid.UUID, referral_id: uuid.UUID) -> Referral:
    """Close an accepted referral with its outcome."""
    referral = _referral(client_id, referral_id)
    return service.complete_referral(db(), caller(), referral, args["outcome"].value)


@blp.route(f"{REFERRAL}/cancel", methods=["POST"])
@blp.response(200, ReferralOut)
@blp.doc(security=BEARER)
def cancel(client_id: uuid.UUID, referral_id: uuid.UUID) -> Referral:
    """Withdraw a referral that is not finished; the receiver sees it cancelled."""
    return service.cancel_referral(db(), caller(), _referral(client_id, referral_id))


@blp.route("/referrals/incoming")
@blp.response(200, ReferralOut(many=True))
@blp.doc(security=BEARER)
def incoming() -> list[Referral]:
    """The inbox: referrals received from other organisations, newest first."""
    return receiving.incoming_referrals(db(), caller())


@blp.route("/referrals/incoming/<uuid:referral_id>/respond", methods=["POST"])
@blp.arguments(IncomingResponseArgs)
@blp.response(200, IncomingAnswerOut)
@blp.doc(security=BEARER)
def respond(args: dict[str, Any], referral_id: uuid.UUID) -> dict[str, Any]:
    """Accept or decline a referral received; on acceptance, ``take_on`` registers the
    person as a client here under a new pseudonym code."""
    ctx = caller()
    taken = receiving.answer_incoming(db(), ctx, referral_id, ReferralAnswer(**args))
    referral = receiving.get_incoming(db(), ctx, referral_id)
    return {"referral": referral, "client_id": taken.id if taken else None}
