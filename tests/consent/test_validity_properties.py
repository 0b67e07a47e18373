"""Properties of :func:`consent_valid_for`: a withdrawn, expired, superseded, future-dated
or narrower record never yields "valid"; a record that covers the question and is in force
always does; the answer never relies on a record that does not cover it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.consent.validity import (
    ConsentTerms,
    Decision,
    Reason,
    Recipient,
    consent_valid_for,
    status_at,
)
from policies.vocabulary import SENSITIVE_GROUPS, FieldGroup, Purpose, RecipientType

BASE = datetime(2026, 6, 1, 12, tzinfo=UTC)
GROUPS = sorted(SENSITIVE_GROUPS)
PURPOSES = [Purpose.referral, Purpose.case_conference, Purpose.media]
TYPES = [RecipientType.partner_ngo, RecipientType.police]
ORG = uuid.UUID(int=1)

moments = st.integers(-400, 400).map(lambda d: BASE + timedelta(days=d))
group_sets = st.frozensets(st.sampled_from(GROUPS), min_size=1)


@st.composite
def records(draw: st.DrawFn) -> ConsentTerms:
    given_at = draw(moments)
    expires_at = given_at + timedelta(days=draw(st.integers(1, 365)))
    ended = st.none() | st.integers(0, 400).map(lambda d: given_at + timedelta(days=d))
    return ConsentTerms(
        record_id=uuid.UUID(int=draw(st.integers(2, 2**64))),
        given=draw(st.booleans()),
        given_at=given_at,
        expires_at=expires_at,
        purposes=draw(st.frozensets(st.sampled_from(PURPOSES), min_size=1)),
        field_groups=draw(group_sets),
        recipient_types=draw(st.frozensets(st.sampled_from(TYPES), min_size=1)),
        recipient_organisations=draw(st.sampled_from([frozenset(), frozenset({ORG})])),
        withdrawn_at=draw(ended),
        superseded_at=draw(ended),
    )


questions = st.tuples(
    st.sampled_from(PURPOSES),
    st.sampled_from(TYPES),
    st.sampled_from([ORG, uuid.UUID(int=99)]),
    group_sets,
    moments,
)


def _covers(record: ConsentTerms, purpose, kind, org, groups) -> bool:
    named = not record.recipient_organisations or org in record.recipient_organisations
    return (
        purpose in record.purposes
        and kind in record.recipient_types
        and named
        and groups <= record.field_groups
    )


@given(st.lists(records(), max_size=6, unique_by=lambda r: r.record_id), questions)
def test_valid_only_on_a_record_that_covers_the_question_and_is_in_force(recs, question):
    purpose, kind, org, groups, at = question
    answer = consent_valid_for(recs, purpose, Recipient(kind, org), groups, at)
    if answer.valid:
        (relied,) = [r for r in recs if r.record_id == answer.record_id]
        assert relied.given and relied.given_at <= at < relied.expires_at
        assert relied.withdrawn_at is None or relied.withdrawn_at > at
        assert relied.superseded_at is None or relied.superseded_at > at
        assert _covers(relied, purpose, kind, org, groups)
        assert answer.reason is Reason.covered
    else:
        assert answer.decision is Decision.not_valid and answer.reason is not Reason.covered


@given(records(), questions)
def test_a_withdrawn_expired_superseded_future_or_narrower_record_never_yields_valid(
    record, question
):
    purpose, kind, org, groups, at = question
    bad = (
        not record.given
        or record.given_at > at
        or at >= record.expires_at
        or (record.withdrawn_at is not None and record.withdrawn_at <= at)
        or (record.superseded_at is not None and record.superseded_at <= at)
        or not _covers(record, purpose, kind, org, groups)
    )
    answer = consent_valid_for([record], purpose, Recipient(kind, org), groups, at)
    assert answer.valid is (not bad)


@given(records(), questions)
def test_withdrawing_never_turns_a_refusal_into_consent(record, question):
    """Adding a withdrawal (at any moment) to any record can only take validity away."""
    purpose, kind, org, groups, at = question
    before = consent_valid_for([record], purpose, Recipient(kind, org), groups, at)
    withdrawn = ConsentTerms(**{**record.__dict__, "withdrawn_at": record.given_at})
    after = consent_valid_for([withdrawn], purpose, Recipient(kind, org), groups, at)
    assert not after.valid
    if not before.valid:
        assert not after.valid


@given(st.lists(records(), min_size=1, max_size=4, unique_by=lambda r: r.record_id), questions)
def test_a_later_refusal_for_the_same_purpose_and_recipient_blocks(recs, question):
    purpose, kind, org, groups, at = question
    latest = max(r.given_at for r in recs)
    refusal = ConsentTerms(
        record_id=uuid.UUID(int=1),
        given=False,
        given_at=min(latest + timedelta(seconds=1), at),
        expires_at=at + timedelta(days=1),
        purposes=frozenset({purpose}),
        field_groups=frozenset(GROUPS),
        recipient_types=frozenset({kind}),
    )
    if refusal.given_at < latest:
        return  # the refusal would not be the latest word at ``at``
    answer = consent_valid_for([*recs, refusal], purpose, Recipient(kind, org), groups, at)
    assert not answer.valid


@given(records(), moments)
def test_status_is_one_of_the_dpv_statuses(record, at):
    assert status_at(record, at) in {"given", "refused", "withdrawn", "superseded", "expired"}


def test_reason_codes_name_the_date_a_person_can_read():
    record = ConsentTerms(
        record_id=uuid.uuid4(),
        given=True,
        given_at=BASE,
        expires_at=BASE + timedelta(days=30),
        purposes=frozenset({Purpose.referral}),
        field_groups=frozenset({FieldGroup.identity}),
        recipient_types=frozenset({RecipientType.police}),
        withdrawn_at=datetime(2026, 6, 3, 9, tzinfo=UTC),
    )
    police = Recipient(RecipientType.police)
    at = BASE + timedelta(days=5)
    answer = consent_valid_for([record], Purpose.referral, police, [FieldGroup.identity], at)
    assert (answer.reason, answer.params) == (Reason.withdrawn, {"date": "2026-06-03"})
    assert answer.as_context() == {
        "decision": "not_valid",
        "record_id": str(record.record_id),
        "reason": "withdrawn",
        "params": {"date": "2026-06-03"},
    }
    narrower = consent_valid_for(
        [ConsentTerms(**{**record.__dict__, "withdrawn_at": None})],
        Purpose.referral,
        police,
        [FieldGroup.identity, FieldGroup.location],
        at,
    )
    assert (narrower.reason, narrower.params) == (
        Reason.field_groups_not_covered,
        {"missing": "location"},
    )
