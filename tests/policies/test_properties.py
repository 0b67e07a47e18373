"""Properties that hold for every shipped set, whatever the rest of the request says."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from policies import Action, DisclosureRequest, Outcome, Requester, decide, load_set, shipped_sets
from policies.vocabulary import LEGAL_OBLIGATION, FieldGroup, LegalBasis, Purpose, RecipientType

GUARDED = frozenset(
    {FieldGroup.identity, FieldGroup.location, FieldGroup.health, FieldGroup.immigration}
)
ROLES = ["caseworker", "supervisor", "org_admin", "auditor", "funder"]


def _requests(bases: list[LegalBasis], consented: bool) -> st.SearchStrategy[DisclosureRequest]:
    groups = st.frozensets(st.sampled_from(list(FieldGroup)), min_size=1)
    return st.builds(
        DisclosureRequest,
        requester=st.builds(
            Requester,
            user_id=st.just("user-1"),
            organisation_id=st.just("org-1"),
            roles=st.frozensets(st.sampled_from(ROLES)),
        ),
        recipient_type=st.sampled_from(list(RecipientType)),
        purpose=st.sampled_from(list(Purpose)),
        legal_basis=st.sampled_from(bases),
        field_groups=groups,
        consented_groups=groups if consented else st.just(frozenset()),
        is_minor=st.booleans(),
        legal_reference_present=st.booleans(),
        court_order_present=st.booleans(),
        action=st.sampled_from([Action.disclose, Action.release]),
    )


NOT_OBLIGING = [b for b in LegalBasis if b not in LEGAL_OBLIGATION]


@settings(max_examples=300)
@given(
    request=_requests(NOT_OBLIGING, consented=False),
    set_name=st.sampled_from(shipped_sets()),
)
def test_no_consent_and_no_legal_obligation_never_releases_guarded_groups(
    request: DisclosureRequest, set_name: str
) -> None:
    decision = decide(load_set(set_name), request)
    for group in decision.groups:
        if group.field_group in GUARDED:
            assert group.outcome == Outcome.denied, (set_name, group)
    assert not decision.releasable  # in the shipped sets, nothing at all leaves


@settings(max_examples=200)
@given(
    request=_requests(list(LegalBasis), consented=True), set_name=st.sampled_from(shipped_sets())
)
def test_shipped_defaults_hold_for_any_request(request: DisclosureRequest, set_name: str) -> None:
    decision = decide(load_set(set_name), request)
    court_order = request.legal_basis == LegalBasis.court_order
    for group in decision.groups:
        assert group.errors == ()
        if group.outcome == Outcome.denied:
            continue
        assert court_order or request.recipient_type != RecipientType.immigration
        assert court_order or group.field_group != FieldGroup.location
        if request.recipient_type == RecipientType.media:
            assert group.field_group in {FieldGroup.case_facts, FieldGroup.service_history}
            assert not request.is_minor
        if request.legal_basis in LEGAL_OBLIGATION:
            # Without consent a legal obligation needs a second person.
            assert group.field_group in request.consented_groups or (
                group.outcome == Outcome.needs_approval
            )
        if request.legal_basis in {LegalBasis.court_order, LegalBasis.statutory_duty}:
            assert request.legal_reference_present
