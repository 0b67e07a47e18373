"""API schemas of the cases domain: input (``…Args``, unknown fields refused) and output.

Each ``…Args`` loads into the keyword arguments of one input object of
:mod:`app.cases.inputs` (the same field names), which the service checks.

XXX: output schemas list their fields one by one and never name a ``sealed_*`` column; a
sealed value is reported as recorded or not, and its plaintext leaves only through a
reveal endpoint (``RevealedRiskNotes``), which the service audits.
"""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app.cases.children import SEALED
from app.cases.models import CloseReason, NrmState, PermitTrack, RiskKind, RiskLevel, Schooling
from app.clients.schemas import UtcDateTime
from app.context import Role


class _Args(Schema):
    class Meta:
        unknown = RAISE


class OpenCaseArgs(_Args):
    opened_on = fields.Date(required=True)
    permit_track = fields.Enum(PermitTrack, by_value=True, load_default=PermitTrack.none)


class CloseCaseArgs(_Args):
    closed_on = fields.Date(required=True)
    reason = fields.Enum(CloseReason, by_value=True, required=True)


class ReflectionPeriodArgs(_Args):
    reflection_start = fields.Date(required=True)
    reflection_end = fields.Date(allow_none=True, load_default=None)


class PermitTrackArgs(_Args):
    permit_track = fields.Enum(PermitTrack, by_value=True, required=True)


class NrmStateArgs(_Args):
    nrm_state = fields.Enum(NrmState, by_value=True, required=True)
    changed_on = fields.Date(required=True)


class AddRiskArgs(_Args):
    kind = fields.Enum(RiskKind, by_value=True, required=True)
    level = fields.Enum(RiskLevel, by_value=True, required=True)
    review_on = fields.Date(required=True)
    #: Sealed by the service; never echoed back.
    notes = fields.String(allow_none=True, load_default=None)


class ReviewRiskArgs(_Args):
    level = fields.Enum(RiskLevel, by_value=True, required=True)
    review_on = fields.Date(required=True)


class AssignArgs(_Args):
    #: Checked by the service: a caseworker or supervisor of the token's organisation.
    user_id = fields.UUID(required=True)


class ChildDetailsArgs(_Args):
    """The whole child module. For the sealed fields, absent or null keeps the stored value
    and an empty string clears it; the coarse fields are replaced."""

    schooling = fields.Enum(Schooling, by_value=True, required=True)
    child_protection_service = fields.String(allow_none=True, load_default=None)
    #: Sealed by the service; never echoed back.
    guardian = fields.String(allow_none=True, load_default=None)
    #: Sealed by the service; never echoed back.
    child_protection_contact = fields.String(allow_none=True, load_default=None)


class RevealChildArgs(_Args):
    field = fields.String(required=True, validate=validate.OneOf(SEALED))


class CaseOut(Schema):
    id = fields.UUID(required=True)
    client_id = fields.UUID(required=True)
    opened_on = fields.Date(required=True)
    closed_on = fields.Date(allow_none=True)
    close_reason = fields.Enum(CloseReason, by_value=True, allow_none=True)
    reflection_start = fields.Date(allow_none=True)
    reflection_end = fields.Date(allow_none=True)
    permit_track = fields.Enum(PermitTrack, by_value=True, required=True)
    nrm_state = fields.Enum(NrmState, by_value=True, required=True)
    created_at = UtcDateTime(required=True)


class NrmEventOut(Schema):
    id = fields.UUID(required=True)
    case_id = fields.UUID(required=True)
    state = fields.Enum(NrmState, by_value=True, required=True)
    changed_on = fields.Date(required=True)
    recorded_at = UtcDateTime(required=True)


class CaseMemberOut(Schema):
    """Staff on the case team (staff names, never client data)."""

    user_id = fields.UUID(required=True)
    display_name = fields.String(required=True)


class TeamMemberOut(Schema):
    """A member of staff assigned to a case: id, name and roles here; no e-mail address."""

    user_id = fields.UUID(required=True)
    display_name = fields.String(required=True)
    roles = fields.Function(
        lambda member: sorted(role.value for role in member.roles),
        metadata={"type": "array", "items": {"type": "string", "enum": [r.value for r in Role]}},
    )


class ChildDetailsOut(Schema):
    """The child module of one case: coarse fields, and the names of the sealed fields
    that hold a value (never their values). ``recorded`` is false until it is first
    saved; then ``schooling`` is null."""

    case_id = fields.UUID(required=True)
    recorded = fields.Boolean(required=True)
    schooling = fields.Enum(Schooling, by_value=True, allow_none=True, required=True)
    child_protection_service = fields.String(allow_none=True, required=True)
    recorded_sealed_fields = fields.List(
        fields.String(validate=validate.OneOf(SEALED)), required=True
    )


class RevealedChildField(Schema):
    """Plaintext of one sealed field (null when empty), for a supervisor token that asked;
    audited as a reveal."""

    case_id = fields.UUID(required=True)
    field = fields.String(required=True)
    value = fields.String(allow_none=True, required=True)


class ChildModuleOut(Schema):
    """The child module's coarse fields; the guardian and contact only as recorded or not."""

    schooling = fields.Enum(Schooling, by_value=True, required=True)
    child_protection_service = fields.String(allow_none=True)
    guardian_recorded = fields.Function(
        lambda child: child.sealed_guardian is not None, metadata={"type": "boolean"}
    )
    child_protection_contact_recorded = fields.Function(
        lambda child: child.sealed_child_protection_contact is not None,
        metadata={"type": "boolean"},
    )


class CaseOverviewOut(Schema):
    """The case tab of one client: every case, the current one with NRM history and team,
    and the child module when the caller may see it (supervisor tokens)."""

    client_id = fields.UUID(attribute="client.id", required=True)
    client_code = fields.String(attribute="client.code", required=True)
    cases = fields.List(fields.Nested(CaseOut), required=True)
    current = fields.Nested(CaseOut, allow_none=True)
    nrm_history = fields.List(fields.Nested(NrmEventOut), attribute="history", required=True)
    team = fields.List(fields.Nested(CaseMemberOut), required=True)
    shows_child_module = fields.Boolean(required=True)
    child = fields.Nested(ChildModuleOut, allow_none=True)


class RiskOut(Schema):
    id = fields.UUID(required=True)
    case_id = fields.UUID(required=True)
    kind = fields.Enum(RiskKind, by_value=True, required=True)
    level = fields.Enum(RiskLevel, by_value=True, required=True)
    review_on = fields.Date(required=True)
    closed_at = UtcDateTime(allow_none=True)
    recorded_at = UtcDateTime(required=True)
    notes_recorded = fields.Function(
        lambda risk: risk.sealed_notes is not None, metadata={"type": "boolean"}
    )


class RevealedRiskNotes(Schema):
    """Plaintext, for a caseworker or supervisor token that asked; audited as a reveal."""

    risk_id = fields.UUID(required=True)
    notes = fields.String(allow_none=True, required=True)
