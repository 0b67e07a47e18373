"""JSON API of the cases domain: the case overview, opening and closing, reflection period,
permit track, NRM state, the risk register, the case team (assignments) and the child module.

Every id is looked up inside the token's organisation by the services: another
organisation's client, case, risk or member is "not found", like a missing one.

Roles, as on the screens: any casework token reads the team; only a supervisor token
assigns and unassigns. The child module (minors' cases only, 409 otherwise) is for
supervisors and the caseworkers assigned to the case; a token stands for no person and so
is never assigned: a supervisor token may use it, a caseworker token gets 403, the answer
the screens give a caseworker who is not on the case.
"""

from __future__ import annotations

import uuid
from typing import Any

from app.auth.access import caller, casework_blueprint
from app.cases import children, inputs, overview, risks, service
from app.cases.models import Case, ChildDetails, NrmEvent, Risk
from app.cases.schemas import (
    AddRiskArgs,
    AssignArgs,
    CaseOut,
    CaseOverviewOut,
    ChildDetailsArgs,
    ChildDetailsOut,
    CloseCaseArgs,
    NrmEventOut,
    NrmStateArgs,
    OpenCaseArgs,
    PermitTrackArgs,
    ReflectionPeriodArgs,
    RevealChildArgs,
    RevealedChildField,
    RevealedRiskNotes,
    ReviewRiskArgs,
    RiskOut,
    TeamMemberOut,
)
from app.web.api import BEARER
from app.web.request import db

blp = casework_blueprint("cases", "Cases: support episodes, NRM state and the risk register")
CASE = "/clients/<uuid:client_id>/cases/<uuid:case_id>"
RISK = "/clients/<uuid:client_id>/risks/<uuid:risk_id>"


@blp.route("/clients/<uuid:client_id>/case")
@blp.response(200, CaseOverviewOut)
@blp.doc(security=BEARER)
def get_overview(client_id: uuid.UUID) -> overview.CaseOverview:
    """The client's cases, the current one with its NRM history and team."""
    return overview.case_overview(db(), caller(), client_id)


@blp.route("/clients/<uuid:client_id>/cases", methods=["POST"])
@blp.arguments(OpenCaseArgs)
@blp.response(201, CaseOut)
@blp.doc(security=BEARER)
def open_case(args: dict[str, Any], client_id: uuid.UUID) -> Case:
    """Open a support episode (a client has at most one open case)."""
    return service.open_case(db(), caller(), client_id, inputs.CaseOpening(**args))


@blp.route(f"{CASE}/close", methods=["POST"])
@blp.arguments(CloseCaseArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def close_case(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Close the case with a reason; its open risks close with it."""
    return service.close_case(db(), caller(), client_id, case_id, inputs.CaseClosing(**args))


@blp.route(f"{CASE}/reflection-period", methods=["PUT"])
@blp.arguments(ReflectionPeriodArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def set_reflection_period(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Record the reflection period (the end may be unknown yet)."""
    period = inputs.ReflectionPeriod(**args)
    return service.set_reflection_period(db(), caller(), client_id, case_id, period)


@blp.route(f"{CASE}/permit-track", methods=["PUT"])
@blp.arguments(PermitTrackArgs)
@blp.response(200, CaseOut)
@blp.doc(security=BEARER)
def set_permit_track(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Case:
    """Record the residence-permit track."""
    track = inputs.PermitTrackChoice(**args)
    return service.set_permit_track(db(), caller(), client_id, case_id, track)


@blp.route(f"{CASE}/nrm-states", methods=["POST"])
@blp.arguments(NrmStateArgs)
@blp.response(201, NrmEventOut)
@blp.doc(security=BEARER)
def record_nrm_state(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> NrmEvent:
    """A change of the case's NRM referral state, added to its history."""
    return service.record_nrm_state(db(), caller(), client_id, case_id, inputs.NrmChange(**args))


@blp.route("/clients/<uuid:client_id>/risks")
@blp.response(200, RiskOut(many=True))
@blp.doc(security=BEARER)
def list_risks(client_id: uuid.UUID) -> list[Risk]:
    """The risks of all the client's cases, open ones first, soonest review first."""
    return risks.risks_of(db(), caller(), client_id)


@blp.route(f"{CASE}/risks", methods=["POST"])
@blp.arguments(AddRiskArgs)
@blp.response(201, RiskOut)
@blp.doc(security=BEARER)
def add_risk(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> Risk:
    """A new risk on an open case; its notes are sealed and not returned."""
    return risks.add_risk(db(), caller(), client_id, case_id, inputs.RiskInput(**args))


@blp.route(f"{RISK}/review", methods=["POST"])
@blp.arguments(ReviewRiskArgs)
@blp.response(200, RiskOut)
@blp.doc(security=BEARER)
def review_risk(args: dict[str, Any], client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    """Record a review: the level found and the day of the next review."""
    return risks.review_risk(db(), caller(), client_id, risk_id, inputs.RiskReview(**args))


@blp.route(f"{RISK}/close", methods=["POST"])
@blp.response(200, RiskOut)
@blp.doc(security=BEARER)
def close_risk(client_id: uuid.UUID, risk_id: uuid.UUID) -> Risk:
    """Close a risk."""
    return risks.close_risk(db(), caller(), client_id, risk_id)


@blp.route(f"{RISK}/reveal", methods=["POST"])
@blp.response(200, RevealedRiskNotes)
@blp.doc(security=BEARER)
def reveal_risk_notes(client_id: uuid.UUID, risk_id: uuid.UUID) -> dict[str, Any]:
    """The risk's notes in plaintext; audited as a reveal."""
    notes = risks.reveal_risk_notes(db(), caller(), client_id, risk_id)
    return {"risk_id": risk_id, "notes": notes}


CHILD_ACCESS = (
    "For a minor's case only (409 otherwise). Supervisor tokens only: the screens show the "
    "child module to supervisors and to the caseworkers assigned to the case, and a token "
    "is never assigned, so a caseworker token gets 403."
)


@blp.route(f"{CASE}/assignments")
@blp.response(200, TeamMemberOut(many=True))
@blp.doc(security=BEARER)
def list_assignments(client_id: uuid.UUID, case_id: uuid.UUID) -> list[service.TeamMember]:
    """The staff assigned to the case, by name, with their roles here.

    Caseworker and supervisor tokens; closed cases too. Names and roles, never e-mail
    addresses."""
    return service.case_team(db(), caller(), client_id, case_id)


@blp.route(f"{CASE}/assignments", methods=["POST"])
@blp.arguments(AssignArgs)
@blp.response(201, TeamMemberOut)
@blp.doc(security=BEARER)
def assign(args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID) -> service.TeamMember:
    """Assign a caseworker or supervisor of the organisation to an open case.

    Supervisor tokens only (403). A user id that is not a member of the token's
    organisation is 404, like an unknown one; a member without the caseworker or
    supervisor role is 422. Assigning someone already assigned changes nothing."""
    ctx = caller()
    assignment = service.assign_caseworker(db(), ctx, client_id, case_id, inputs.Assignee(**args))
    team = service.case_team(db(), ctx, client_id, case_id)
    return next(member for member in team if member.user_id == assignment.user_id)


@blp.route(f"{CASE}/assignments/<uuid:user_id>", methods=["DELETE"])
@blp.response(204)
@blp.doc(security=BEARER)
def unassign(client_id: uuid.UUID, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Take a member of staff off an open case.

    Supervisor tokens only (403); 404 when that person is not assigned to the case."""
    service.unassign(db(), caller(), client_id, case_id, user_id)


def _child_out(case_id: uuid.UUID, details: ChildDetails | None) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "recorded": details is not None,
        "schooling": details.schooling if details else None,
        "child_protection_service": details.child_protection_service if details else None,
        "recorded_sealed_fields": children.recorded_sealed_fields(details),
    }


@blp.route(f"{CASE}/child")
@blp.response(200, ChildDetailsOut)
@blp.doc(security=BEARER, description=CHILD_ACCESS)
def get_child_details(client_id: uuid.UUID, case_id: uuid.UUID) -> dict[str, Any]:
    """The case's child module: coarse fields and which sealed fields are recorded."""
    details = children.child_details(db(), caller(), client_id, case_id)
    return _child_out(case_id, details)


@blp.route(f"{CASE}/child", methods=["PUT"])
@blp.arguments(ChildDetailsArgs)
@blp.response(200, ChildDetailsOut)
@blp.doc(security=BEARER, description=CHILD_ACCESS)
def update_child_details(
    args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID
) -> dict[str, Any]:
    """Record the child module of an open case; the guardian and contact are sealed."""
    module = inputs.ChildModule(**args)
    details = children.update_child_details(db(), caller(), client_id, case_id, module)
    return _child_out(case_id, details)


@blp.route(f"{CASE}/child/reveal", methods=["POST"])
@blp.arguments(RevealChildArgs)
@blp.response(200, RevealedChildField)
@blp.doc(security=BEARER, description=CHILD_ACCESS)
def reveal_child_field(
    args: dict[str, Any], client_id: uuid.UUID, case_id: uuid.UUID
) -> dict[str, Any]:
    """One sealed field of the child module in plaintext; audited as a reveal."""
    field = args["field"]
    opened = children.reveal_child_details(db(), caller(), client_id, case_id, [field])
    return {"case_id": case_id, "field": field, "value": getattr(opened, field)}
