"""JSON API of the cases domain: the case overview, opening and closing, reflection period,
permit track, NRM state, and the risk register.

Every id is looked up inside the token's organisation by the services: another
organisation's client, case or risk is "not found", like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.cases import overview, risks, service
from app.cases.models import Case, NrmEvent, Risk
from app.cases.schemas import (
    AddRiskArgs,
    CaseOut,
    CaseOverviewOut,
    CloseCaseArgs,
    NrmEventOut,
    NrmStateArgs,
    OpenCaseArgs,
    PermitTrackArgs,
    ReflectionPeriodArgs,
    RevealedRiskNotes,
    ReviewRiskArgs,
    RiskOut,
)
from app.web.api import BEARER, casework_actor, casework_blueprint
from app.web.request import db

blp = casework_blueprint("cases", "Cases: support episodes, NRM state and the risk register")
CASE = "/clients/<uuid:client_id>/cases/<uuid:case_id>"
RISK = "/clients/<uuid:client_id>/risks/<uuid:risk_id>"


@blp.route("/clients/<uuid:client_id>/case")
@blp.response(200, CaseOverviewOut)
@blp.doc(security=BEARER)
def get_overview(client_id: uuid.UUID) -> overview.CaseOverview:
    """The client's cases, the current one with its NRM history and team."""
    return overview.case_overview(db(), casework_actor(), client_id)


@blp.route("/clients/<uuid:client_id>/cases", methods=["POST"])
@blp.arguments(OpenCaseArgs)
@blp.response(201, CaseOut)
@blp.doc(security=BEARER)
def open_case(args: dict[str, Any], client_id: uuid.UUID) -> Case:
    """Open a support episode (a client has at most one open case)."""
    return service.open_case(db(), casework_actor(), client_id, **args)


@blp.route(f"{CASE}/close", methods=["POST"])
@blp.arguments(CloseCaseArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def close_case(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Close the case with a reason; its open risks close with it."""
    return service.close_case(db(), casework_actor(), client_id, case_id, **args)


@blp.route(f"{CASE}/reflection-period", methods=["PUT"])
@blp.arguments(ReflectionPeriodArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def set_reflection_period(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Record the reflection period (the end may be unknown yet)."""
    ctx = casework_actor()
    return service.set_reflection_period(db(), ctx, client_id, case_id, **args)


@blp.route(f"{CASE}/permit-track", methods=["PUT"])
@blp.arguments(PermitTrackArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def set_permit_track(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Record the residence-permit track."""
    return service.set_permit_track(db(), casework_actor(), client_id, case_id, **args)


@blp.route(f"{CASE}/nrm-states", methods=["POST"])
@blp.arguments(NrmStateArgs)
@blp.response(201, NrmEventOut)
@blp.doc(security=BEARER)
def record_nrm_state(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> NrmEvent:
    """A change of the case's NRM referral state, added to its history."""
    return service.record_nrm_state(db(), casework_actor(), client_id, case_id, **args)


@blp.route("/clients/<uuid:client_id>/risks")
@blp.response(200, RiskOut(many=True))
@blp.doc(security=BEARER)
def list_risks(client_id: uuid.UUID) -> list[Risk]:
    """The risks of all the client's cases, open ones first, soonest review first."""
    return risks.risks_of(db(), casework_actor(), client_id)


@blp.route(f"{CASE}/risks", methods=["POST"])
@blp.arguments(AddRiskArgs)
@blp.response(201, RiskOut)
@blp.doc(security=BEARER)
def add_risk(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Risk:
    """A new risk on an open case; its notes are sealed and not returned."""
    return risks.add_risk(db(), casework_actor(), client_id, case_id, **args)


@blp.route(f"{RISK}/review", methods=["POST"])
@blp.arguments(ReviewRiskArgs)
@blp.response(200, RiskOut)
@blp.doc(security=BEARER)
def review_risk(args: dict[str, Any], client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    """Record a review: the level found and the day of the next review."""
    return risks.review_risk(db(), casework_actor(), client_id, risk_id, **args)


@blp.route(f"{RISK}/close", methods=["POST"])
@blp.response(200, RiskOut)
@blp.doc(security=BEARER)
def close_risk(client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    """Close a risk."""
    return risks.close_risk(db(), casework_actor(), client_id, risk_id)


@blp.route(f"{RISK}/reveal", methods=["POST"])
@blp.response(200, RevealedRiskNotes)
@blp.doc(security=BEARER)
def reveal_risk_notes(client_id: uuid.UUID, risk_id: uuid.UUID) -> dict[str, Any]:
    """The risk's notes in plaintext; audited as a reveal."""
    notes = risks.reveal_risk_notes(db(), casework_actor(), client_id, risk_id)
    return {"risk_id": risk_id, "notes": notes}
