"""The words of disclosure decisions, in the caseworker's language.

Each policy names a reason code (``@reason``); the screens and the API show the text
below, translated. A code without text here falls back to the policy's ``@explain``
(English): tests/disclosure check that every shipped code has its text.
"""

from __future__ import annotations

from app.i18n import N_

#: One sentence per reason code of the shipped sets and of the evaluator.
REASONS: dict[str, str] = {
    # What the defaults forbid
    "immigration_needs_court_order": N_(
        "Denied: immigration authorities receive nothing without a court order."
    ),
    "location_needs_court_order": N_(
        "Denied: where the client lives or stays never leaves without a court order."
    ),
    "media_nothing_identifying": N_(
        "Denied: journalists receive nothing that identifies or could endanger the client."
    ),
    "media_nothing_about_minors": N_("Denied: journalists receive nothing about a minor."),
    "funder_nothing_identifying": N_(
        "Denied: funders receive aggregate reports only, never data about one person."
    ),
    "no_consent_no_obligation": N_(
        "Denied: the client has not consented to share this with this recipient for this "
        "purpose, and no legal obligation requires it."
    ),
    "reference_required": N_("Denied: a court order or a statute must be cited by its reference."),
    "court_order_must_be_recorded": N_(
        "Denied: the court order must be recorded with the request."
    ),
    "child_protection_duty_only_for_minors": N_(
        "Denied: a child-protection report can only be made about a minor."
    ),
    "proceedings_support_needs_consent": N_(
        "Denied: support during criminal proceedings happens only with the client's consent."
    ),
    "investigators_need_consent_or_court_order": N_(
        "Denied: investigators receive this only with the client's consent or a court order."
    ),
    "labour_inspectorate_claims_only": N_(
        "Denied: the labour inspectorate receives data only for a compensation claim."
    ),
    "labour_inspectorate_no_immigration_status": N_(
        "Denied: the labour inspectorate never receives the client's residence status."
    ),
    "child_report_account_and_health": N_(
        "Needs approval: a mandatory child-protection report describes what happened to the "
        "child and any harm to their health; a supervisor other than you must approve."
    ),
    "child_report_cites_statute": N_("Denied: a child-protection report must cite the statute."),
    "break_glass_needs_reason": N_("Refused: opening a case needs a reason."),
    "break_glass_at_most_four_hours": N_("Refused: a case can be opened for at most 4 hours."),
    # What the sets allow
    "share_with_consent": N_(
        "Allowed: the client has consented to share this with this recipient for this purpose."
    ),
    "statutory_duty_disclosure": N_(
        "Needs approval: a statutory duty obliges the organisation to disclose this; a "
        "supervisor other than you must approve, and the client is told unless that would "
        "endanger them."
    ),
    "court_order_disclosure": N_(
        "Needs approval: a court order requires this disclosure; a supervisor other than you "
        "must approve, and the client is told unless that would endanger them."
    ),
    "child_protection_report": N_(
        "Needs approval: a mandatory child-protection report about a minor carries only who "
        "the child is and the coarse facts; a supervisor other than you must approve."
    ),
    "child_report_to_police": N_(
        "Needs approval: a mandatory report of child abuse may go to the police (who the "
        "child is and the coarse facts only); a supervisor other than you must approve."
    ),
    "labour_inspectorate_wage_claim": N_(
        "Allowed: with the client's consent, the labour inspectorate receives what a wage "
        "claim needs."
    ),
    "client_own_copy": N_(
        "Needs approval: the client receives a copy of their own data under their right of "
        "access; a supervisor other than you checks the request first."
    ),
    "break_glass_casework_staff": N_(
        "Allowed: caseworkers and supervisors may open a case for a stated reason and a "
        "limited time; a supervisor reviews it."
    ),
    # The evaluator's own
    "no_rule_permits": N_("Denied: no rule of your organisation's policy allows this."),
    "policy_evaluation_error": N_(
        "Denied: the policy could not be evaluated for this request; an administrator should "
        "check the policy set."
    ),
    "outside_min_fields": N_(
        "Denied: the rule that allows this disclosure limits it to fewer field groups."
    ),
}


def reason_text(code: str, fallback: str) -> str:
    """The sentence for ``code`` (to translate with ``_()``), else the policy's English."""
    return REASONS.get(code, fallback)
