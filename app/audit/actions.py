"""Every kind of audit event, named once: ``<object>.<what happened>``, the object singular.

Auditors filter and count by these names, so a name never changes meaning; a new kind of
event adds a member here. Events written before these names were unified (plural objects
such as ``grants.created``) keep their old names in the log: it is append-only.
"""

from __future__ import annotations

import enum


class AuditAction(enum.StrEnum):
    # Signing in: recorded in each organisation the account belongs to. Failures are
    # recorded only for existing accounts (an unknown address names no organisation).
    signed_in = "auth.signed_in"
    sign_in_failed = "auth.sign_in_failed"
    # Organisations, members, sessions, tokens
    organisation_created = "organisation.created"
    member_added = "member.added"
    member_roles_assigned = "member.roles_assigned"
    member_sessions_revoked = "member.sessions_revoked"
    member_deactivated = "member.deactivated"
    member_reactivated = "member.reactivated"
    member_password_reset = "member.password_reset"  # noqa: S105 - an event name
    member_second_factor_reset = "member.second_factor_reset"
    api_token_created = "api_token.created"  # noqa: S105 - an event name, not a secret
    api_token_revoked = "api_token.revoked"  # noqa: S105 - an event name, not a secret
    # Clients
    client_registered = "client.registered"
    client_facts_updated = "client.facts_updated"
    client_identity_updated = "client.identity_updated"
    client_searched = "client.searched"
    client_revealed = "client.revealed"
    client_erased = "client.erased"
    # Cases, risks, the child module
    case_opened = "case.opened"
    case_closed = "case.closed"
    case_reflection_period_set = "case.reflection_period_set"
    case_permit_track_set = "case.permit_track_set"
    case_nrm_state_recorded = "case.nrm_state_recorded"
    case_assigned = "case.assigned"
    case_unassigned = "case.unassigned"
    case_child_updated = "case.child_updated"
    case_revealed = "case.revealed"
    risk_added = "risk.added"
    risk_reviewed = "risk.reviewed"
    risk_closed = "risk.closed"
    # Assistance and its catalogue
    service_corrected = "service.corrected"
    service_removed = "service.removed"
    service_revealed = "service.revealed"
    grant_created = "grant.created"
    grant_updated = "grant.updated"
    grant_deleted = "grant.deleted"
    service_subtype_created = "service_subtype.created"
    service_subtype_updated = "service_subtype.updated"
    service_subtype_retired = "service_subtype.retired"
    service_subtype_reinstated = "service_subtype.reinstated"
    service_subtype_deleted = "service_subtype.deleted"
    # Claims
    claim_filed = "claim.filed"
    claim_status_changed = "claim.status_changed"
    # Referrals
    referral_sent = "referral.sent"
    referral_received = "referral.received"
    referral_responded = "referral.responded"
    referral_taken_on = "referral.taken_on"
    referral_completed = "referral.completed"
    referral_cancelled = "referral.cancelled"
    referral_identity_carried = "referral.identity_carried"
    # The consent ledger
    consent_given = "consent.given"
    consent_refused = "consent.refused"
    consent_withdrawn = "consent.withdrawn"
    #: The first time Haven saw a record past its expiry.
    consent_expired = "consent.expired"
    consent_superseded = "consent.superseded"
    consent_receipt_printed = "consent.receipt_printed"
    consent_evidence_revealed = "consent.evidence_revealed"
    #: An organisation that received identity under a consent was told it was withdrawn.
    consent_withdrawal_notified = "consent.withdrawal_notified"
    consent_withdrawal_acknowledged = "consent.withdrawal_acknowledged"
    consent_notice_saved = "consent_notice.saved"
    consent_settings_changed = "consent_settings.changed"
    # Disclosure
    disclosure_policy_changed = "disclosure_policy.changed"
    disclosure_policy_refused = "disclosure_policy.refused"
    disclosure_refused = "disclosure.refused"
    disclosure_decided = "disclosure.decided"
    disclosure_approved = "disclosure.approved"
    disclosure_approval_failed = "disclosure.approval_failed"
    disclosure_declined = "disclosure.declined"
    disclosure_released = "disclosure.released"
    disclosure_release_refused = "disclosure.release_refused"
    #: A "what if" question was asked (nothing was disclosed).
    disclosure_what_if = "disclosure.what_if"
    break_glass_opened = "break_glass.opened"
    break_glass_refused = "break_glass.refused"
    break_glass_reviewed = "break_glass.reviewed"
    # Keys: rotations (the operator's commands) in each organisation whose keys moved
    key_master_rotated = "key.master_rotated"
    key_tenant_rotated = "key.tenant_rotated"
    key_signing_rotated = "key.signing_rotated"
    # The audit log itself
    audit_checkpoint_requested = "audit_checkpoint.requested"
    audit_bundle_exported = "audit_bundle.exported"
    # Reports
    #: A report shown on screen (kind, grant id, period and threshold; never a number).
    report_run = "report.run"
    #: A report exported (kind, format, grant id, period, SHA-256 of the signed file).
    report_exported = "report.exported"
    grant_funder_linked = "grant_funder.linked"
    grant_funder_unlinked = "grant_funder.unlinked"
