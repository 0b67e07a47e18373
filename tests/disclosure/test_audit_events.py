"""Every step of disclosure is an audit event that names what decided it: the deciding
policy ids and the set's hash (the entry's ``policy``), the consent record relied on and
the hash of the context the decision was made on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.entries import context_hash
from app.audit.models import AuditEvent
from app.consent.inputs import Withdrawal
from app.consent.withdrawal import withdraw_consent
from app.disclosure import service
from app.disclosure.break_glass import open_break_glass, review_break_glass
from app.disclosure.deciding import audit_context, consent_answers, policy_request
from app.disclosure.inputs import ApprovalInput, BreakGlassInput, PolicyChoiceInput
from app.disclosure.models import DisclosureEvent, DisclosureRequest, EventKind
from app.disclosure.package import release_package
from app.disclosure.policy import active_policy, choose_policy
from app.errors import Conflict
from policies import Action
from tests.disclosure.conftest import SUPERVISOR, to_police


def _events(work, org, action: str) -> list[AuditEvent]:
    with work(org) as (session, _ctx):
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == action)
                .order_by(AuditEvent.occurred_at)
            )
        )


def _register(work, org, kind: EventKind) -> DisclosureEvent:
    with work(org) as (session, _ctx):
        return session.scalars(select(DisclosureEvent).where(DisclosureEvent.kind == kind)).one()


def test_a_release_names_its_policies_set_hash_consent_and_context(
    casework, work, new_client, give
):
    client_id = new_client(casework.north)
    consent_id = give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        release_package(session, ctx, row.id)
        # The context the release was decided on, built again the same way.
        stored = session.get(DisclosureRequest, (casework.north.id, row.id))
        asked = service._asked(stored)
        finding = consent_answers(session, ctx, client_id, asked)
        request = policy_request(
            ctx, asked, finding.consented, is_minor=False, action=Action.release
        )
        set_hash = active_policy(session).sha256
    (released,) = _events(work, casework.north, "disclosure.released")
    register = _register(work, casework.north, EventKind.released)
    ids = register.details["policy_ids"]
    assert ids, "the release names no policy"
    assert released.policy == {"ids": sorted(ids), "set_hash": f"sha256:{set_hash}"}
    assert released.policy["set_hash"] == f"sha256:{register.policy_set_hash}"
    assert released.consent_id == consent_id
    assert released.context_hash == context_hash(audit_context(request))
    (decided,) = _events(work, casework.north, "disclosure.decided")
    assert decided.policy["set_hash"] == f"sha256:{set_hash}" and decided.policy["ids"]
    assert decided.consent_id == consent_id
    assert decided.context_hash is not None


def test_approvals_refusals_declines_name_what_decided(casework, work, new_client, give):
    statute = {
        "purpose": "criminal_investigation",
        "legal_basis": "statutory_duty",
        "legal_reference": "CPP 60-1",
        "field_groups": ["identity"],
    }
    approved_client, declined_client = new_client(casework.north), new_client(casework.north)
    with work(casework.north, casework.worker) as (session, ctx):
        to_approve = service.ask_for_disclosure(session, ctx, approved_client, to_police(**statute))
        to_decline = service.ask_for_disclosure(session, ctx, declined_client, to_police(**statute))
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        service.approve_disclosure(session, ctx, to_approve.id, ApprovalInput())
        service.decline_disclosure(session, ctx, to_decline.id)
    (approved,) = _events(work, casework.north, "disclosure.approved")
    assert approved.policy["ids"] and approved.policy["set_hash"].startswith("sha256:")
    assert approved.context_hash is not None
    assert approved.consent_id is None  # a statutory duty without consent relies on none
    (declined,) = _events(work, casework.north, "disclosure.declined")
    # Declining makes no new decision: the request's own decision is named.
    expected = sorted({p for d in to_decline.decision["groups"].values() for p in d["policy_ids"]})
    assert declined.policy == {"ids": expected, "set_hash": f"sha256:{to_decline.policy_set_hash}"}

    # A release refused because consent was withdrawn names the decision that refused it.
    client_id = new_client(casework.north)
    consent_id = give(casework.north, client_id)
    with work(casework.north, casework.worker) as (session, ctx):
        row = service.ask_for_disclosure(session, ctx, client_id, to_police())
    with work(casework.north, casework.worker) as (session, ctx):
        withdraw_consent(session, ctx, client_id, consent_id, Withdrawal())
    with work(casework.north, casework.worker) as (session, ctx), pytest.raises(Conflict):
        release_package(session, ctx, row.id)  # the refusal is kept, as the web layer does
    (refused,) = _events(work, casework.north, "disclosure.release_refused")
    assert refused.details["refused"] == "decision_changed"
    assert refused.policy["ids"] and refused.policy["set_hash"] == approved.policy["set_hash"]
    assert refused.consent_id is None and refused.context_hash is not None


def test_policy_change_and_break_glass_name_the_set_and_policies(casework, work, new_client):
    with work(casework.north, casework.admin, ("org_admin",)) as (session, ctx):
        choose_policy(session, ctx, PolicyChoiceInput("example_labour_firewall", ""))
        chosen = active_policy(session).sha256
    (changed,) = _events(work, casework.north, "disclosure_policy.changed")
    assert changed.policy == {"ids": [], "set_hash": f"sha256:{chosen}"}

    client_id = new_client(casework.north)
    reason = BreakGlassInput("emergency", "Called from hospital", "30")
    with work(casework.north, casework.worker) as (session, ctx):
        opening = open_break_glass(session, ctx, client_id, reason)
    with work(casework.north, casework.supervisor, SUPERVISOR) as (session, ctx):
        review_break_glass(session, ctx, opening.id)
    (opened,) = _events(work, casework.north, "break_glass.opened")
    assert opened.policy == {"ids": sorted(opening.policy_ids), "set_hash": f"sha256:{chosen}"}
    assert opening.policy_ids and opened.context_hash is not None
    (reviewed,) = _events(work, casework.north, "break_glass.reviewed")
    assert reviewed.policy == opened.policy
