"""The consent ledger's rules, one test each, through the real services and database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.consent import notices, receipts
from app.consent.inputs import NoticeTextInput, Withdrawal
from app.consent.models import ConsentEvent, ConsentRecord, EventKind
from app.consent.service import consent_for, consent_history, consents_expiring, get_record
from app.consent.validity import Reason, Recipient
from app.consent.withdrawal import withdraw_consent
from app.db.base import utcnow
from app.errors import Forbidden, NotFound, ValidationFailed
from policies.vocabulary import FieldGroup, Purpose, RecipientType
from tests.consent.conftest import consent_input, in_days, notice_id

SOUTH_NAME = Recipient(RecipientType.partner_ngo, name="Refuge Sud")


def _count(work, org, model):
    with work(org) as (session, _ctx):
        return session.scalar(select(func.count()).select_from(model))


def _actions(work, org):
    with work(org) as (session, _ctx):
        return [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _refused(work, org, client_id, **overrides):
    """Record with ``overrides``: must fail with field messages and store nothing."""
    notice = overrides.pop("notice", None) or notice_id(work, org)
    before = _count(work, org, ConsentRecord)
    with pytest.raises(ValidationFailed) as failed, work(org) as (session, ctx):
        from app.consent.service import record_consent

        record_consent(session, ctx, client_id, consent_input(notice, **overrides))
    assert _count(work, org, ConsentRecord) == before
    return failed.value.fields


def _answer(work, org, client_id, groups=("identity",), recipient=SOUTH_NAME, **kw):
    with work(org) as (session, ctx):
        return consent_for(session, ctx, client_id, Purpose.referral, recipient, groups, **kw)


def test_recording_consent_keeps_the_exact_notice_version_and_audits_codes_only(
    world, work, new_client, give
):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    with work(world.north) as (session, ctx):
        view = get_record(session, ctx, client_id, record_id)
        text = notices.find_text(session, view.record.notice_id, "ar", 1)
        assert text is not None
        assert (
            view.record.notice_sha256 == text.sha256 == notices.text_sha256(text.title, text.body)
        )
        assert view.status == "given"
        assert view.record.interpreter_code == "INT-07"
        assert view.record.receipt_number.startswith("R-")
    assert "consent.given" in _actions(work, world.north)


def test_valid_consent_answers_with_the_record_and_its_expiry(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    answer = _answer(work, world.north, client_id, ("identity", "contact"))
    assert answer.valid and answer.record_id == record_id
    assert answer.reason is Reason.covered and answer.params["until"] == in_days(90)


def test_a_narrower_consent_says_which_groups_it_does_not_cover(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    answer = _answer(work, world.north, client_id, ("identity", "location"))
    assert not answer.valid and answer.reason is Reason.field_groups_not_covered
    assert answer.record_id == record_id and answer.params["missing"] == "location"


def test_another_recipient_or_purpose_is_not_covered(world, work, new_client, give):
    client_id = new_client(world.north)
    give(world.north, client_id)
    other = Recipient(RecipientType.partner_ngo, name="Another Shelter")
    assert _answer(work, world.north, client_id, recipient=other).reason is (
        Reason.recipient_not_covered
    )
    with work(world.north) as (session, ctx):
        answer = consent_for(
            session, ctx, client_id, Purpose.media, SOUTH_NAME, [FieldGroup.identity]
        )
    assert answer.reason is Reason.no_record


def test_withdrawal_is_one_action_and_blocks_at_once(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    with work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, client_id, record_id, Withdrawal("phone"))
    answer = _answer(work, world.north, client_id)
    assert not answer.valid and answer.reason is Reason.withdrawn
    assert answer.params["date"] == utcnow().date().isoformat()
    assert "consent.withdrawn" in _actions(work, world.north)


def test_withdrawing_twice_is_refused_with_the_date(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    with work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, client_id, record_id, Withdrawal())
    with pytest.raises(ValidationFailed) as failed, work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, client_id, record_id, Withdrawal())
    assert "already withdrawn" in failed.value.fields["record"][0]
    assert _count(work, world.north, ConsentEvent) == 1


def test_renewal_supersedes_and_history_is_never_rewritten(world, work, new_client, give):
    client_id = new_client(world.north)
    old = give(world.north, client_id)
    with work(world.north) as (session, _ctx):
        before = session.get(ConsentRecord, (world.north.id, old))
        snapshot = {c: getattr(before, c) for c in ("field_groups", "expires_at", "purposes")}
    new = give(world.north, client_id, supersedes=str(old), field_groups=["identity"])
    with work(world.north) as (session, ctx):
        history = consent_history(session, ctx, client_id)
        after = session.get(ConsentRecord, (world.north.id, old))
        assert {c: getattr(after, c) for c in snapshot} == snapshot
    assert [v.record.id for v in history] == [new, old]
    assert [v.status for v in history] == ["given", "superseded"]
    assert history[1].superseded.superseded_by == new
    # The narrower renewal now decides: contact is no longer covered.
    assert _answer(work, world.north, client_id, ("contact",)).reason is (
        Reason.field_groups_not_covered
    )
    assert "consent.superseded" in _actions(work, world.north)


def test_a_later_refusal_prevails_over_an_earlier_consent(world, work, new_client, give):
    client_id = new_client(world.north)
    give(world.north, client_id)
    give(world.north, client_id, decision="refused")
    answer = _answer(work, world.north, client_id)
    assert not answer.valid and answer.reason is Reason.refused
    assert "consent.refused" in _actions(work, world.north)


def test_expiry_is_observed_once_and_audited(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id, expires_on=in_days(1))
    later = utcnow() + timedelta(days=2)
    answer = _answer(work, world.north, client_id, at=later)
    assert answer.reason is Reason.expired and answer.params["date"] == in_days(1)
    # Now: still valid; nothing observed yet.
    assert _answer(work, world.north, client_id).valid
    with work(world.north) as (session, ctx):
        row = session.get(ConsentRecord, (world.north.id, record_id))
        session.add(
            ConsentRecord(
                **{
                    c.key: getattr(row, c.key)
                    for c in ConsentRecord.__table__.columns
                    if c.key not in ("id", "receipt_number", "expires_at", "given_at")
                },
                id=uuid.uuid4(),
                receipt_number="R-TEST-01",
                given_at=utcnow() - timedelta(days=40),
                expires_at=utcnow() - timedelta(days=1),
            )
        )
    for _ in range(2):
        with work(world.north) as (session, ctx):
            statuses = [v.status for v in consent_history(session, ctx, client_id)]
    assert sorted(statuses) == ["expired", "given"]
    assert _actions(work, world.north).count("consent.expired") == 1
    with work(world.north) as (session, _ctx):
        kinds = session.scalars(select(ConsentEvent.kind)).all()
    assert kinds == [EventKind.expired]


def test_expiring_dashboard_lists_the_next_30_days_only(world, work, new_client, give):
    soon, later = new_client(world.north), new_client(world.north)
    give(world.north, soon, expires_on=in_days(10))
    give(world.north, later, expires_on=in_days(60))
    withdrawn = give(world.north, later, expires_on=in_days(5))
    with work(world.north) as (session, ctx):
        withdraw_consent(session, ctx, later, withdrawn, Withdrawal())
    with work(world.north) as (session, ctx):
        rows = consents_expiring(session, ctx, 30)
    assert [r.client_id for r in rows] == [soon]
    with work(world.south) as (session, ctx):
        assert consents_expiring(session, ctx, 30) == []


def test_assistance_is_never_conditional_on_consent(world, work, new_client):
    from app.assistance.inputs import ServiceInput
    from app.assistance.service import record_service

    client_id = new_client(world.north)
    service = ServiceInput(category="material", started_on=utcnow().date(), quantity=Decimal(1))
    with work(world.north) as (session, ctx):
        row = record_service(session, ctx, client_id, service)
    assert row.id


def test_a_new_notice_text_is_a_new_version_and_old_ones_stay(world, work, people):
    from app.context import Actor

    sharing = notice_id(work, world.north)
    with work(world.north) as (session, ctx):
        admin = Actor(ctx.user_id, world.north.id, frozenset({"org_admin"}))
        text = notices.add_notice_text(
            session, admin, sharing, NoticeTextInput("ar", "عنوان", "نص جديد")
        )
        assert text.version == 2 and not text.is_example
        versions = [(t.language, t.version) for t in notices.versions_of(session, ctx, sharing)]
    assert ("ar", 1) in versions and ("ar", 2) in versions
    with pytest.raises(Forbidden), work(world.north) as (session, ctx):
        notices.add_notice_text(session, ctx, sharing, NoticeTextInput("ar", "x", "y"))


def test_a_notice_in_any_language_is_kept_with_its_bcp47_tag(world, work):
    sharing = notice_id(work, world.north)
    from app.context import Actor

    with work(world.north) as (session, ctx):
        admin = Actor(ctx.user_id, world.north.id, frozenset({"supervisor"}))
        text = notices.add_notice_text(
            session, admin, sharing, NoticeTextInput("TI_er", "ትርጉም", "ጽሑፍ")
        )
        assert text.language == "ti-ER" and text.version == 1


def test_receipt_names_nothing_but_the_number(world, work, new_client, give):
    import pypdfium2

    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    with work(world.north) as (session, ctx):
        data, name = receipts.print_receipt(session, ctx, client_id, record_id, "full")
        number = get_record(session, ctx, client_id, record_id).record.receipt_number
    assert name == f"{number}.pdf"
    text = pypdfium2.PdfDocument(data)[0].get_textpage().get_text_range()
    assert number in text
    for word in ("North", "shelter", "Shelter", "referral", "Refuge", "consent", "2026"):
        assert word not in text
    assert "consent.receipt_printed" in _actions(work, world.north)


# Bad input: one test per case of the issue; each stores nothing.


def test_no_expiry_is_refused(world, work, new_client):
    assert "expires_on" in _refused(work, world.north, new_client(world.north), expires_on=None)


def test_an_expiry_in_the_past_is_refused(world, work, new_client):
    fields = _refused(work, world.north, new_client(world.north), expires_on=in_days(-1))
    assert fields["expires_on"] == ["The expiry must be after today."]


def test_an_expiry_beyond_the_maximum_is_refused(world, work, new_client):
    fields = _refused(work, world.north, new_client(world.north), expires_on=in_days(400))
    assert "12 months" in str(fields["expires_on"][0] % {"months": 12})


def test_an_unknown_purpose_is_refused(world, work, new_client):
    fields = _refused(work, world.north, new_client(world.north), purposes=["gossip"])
    assert "purposes" in fields
    # A disclosure purpose is not something a client consents to here.
    fields = _refused(work, world.north, new_client(world.north), purposes=["vital_interest"])
    assert "purposes" in fields


def test_media_consent_for_a_minor_is_refused(world, work, new_client):
    minor = new_client(world.north, age_band="12_17")
    fields = _refused(work, world.north, minor, purposes=["media"], recipient_types=["media"])
    assert fields["purposes"] == ["Consent to media contact cannot be recorded for a minor."]


def test_a_notice_version_that_does_not_exist_in_that_language_is_refused(world, work, new_client):
    client_id = new_client(world.north)
    fields = _refused(work, world.north, client_id, notice_version=7)
    assert "notice_version" in fields
    fields = _refused(work, world.north, client_id, notice_language="ti")
    assert "notice_version" in fields
    # Another organisation's notice does not exist here either.
    fields = _refused(work, world.north, client_id, notice=notice_id(work, world.south))
    assert "notice_version" in fields


def test_a_named_recipient_that_is_no_organisation_is_refused(world, work, new_client):
    fields = _refused(
        work, world.north, new_client(world.north), recipient_organisations=[str(uuid.uuid4())]
    )
    assert "recipient_organisations" in fields


def test_an_interpreter_without_a_code_and_a_statutory_duty_without_reference_are_refused(
    world, work, new_client
):
    fields = _refused(
        work,
        world.north,
        new_client(world.north),
        interpreter_code="",
        legal_basis="statutory_duty",
    )
    assert set(fields) == {"interpreter_code", "legal_reference"}


def test_another_organisations_client_or_record_is_not_found(world, work, new_client, give):
    client_id = new_client(world.north)
    record_id = give(world.north, client_id)
    their_client = new_client(world.south)
    for call in (
        lambda s, c: consent_history(s, c, client_id),
        lambda s, c: get_record(s, c, client_id, record_id),
        lambda s, c: get_record(s, c, their_client, record_id),
        lambda s, c: withdraw_consent(s, c, client_id, record_id, Withdrawal()),
    ):
        with pytest.raises(NotFound), work(world.south) as (session, ctx):
            call(session, ctx)
    assert _answer(work, world.north, client_id).valid
