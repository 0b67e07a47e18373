"""The consent ledger's business rules: recording, withdrawing, the history, the
validity question and the expiring list. Everything is tenant-scoped through the session.

Records are never changed: a renewal or a narrowing is a new record that supersedes the
old one (a ``superseded`` event on the old); a withdrawal is a ``withdrawn`` event, one
action, in force at once for every later question; an expiry is a term of the record, and
the first time Haven sees it passed it writes an ``expired`` event (and audits it).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, can, require
from app.clients.models import Client
from app.clients.service import get_client
from app.consent.evidence import seal_scan
from app.consent.inputs import ConsentInput, ConsentQuestion, ConsentSettingsInput
from app.consent.models import (
    ConsentEvent,
    ConsentEvidence,
    ConsentRecord,
    ConsentSettings,
    Decision,
    EventKind,
    WithdrawalChannel,
)
from app.consent.notices import ensure_example_notices
from app.consent.reading import ConsentTermsInput, read_consent
from app.consent.validity import (
    ConsentAnswer,
    ConsentTerms,
    Recipient,
    consent_valid_for,
    status_at,
)
from app.context import Actor
from app.db.base import utcnow
from app.db.tenancy import current_tenant
from app.errors import Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.validation import FieldReader, field_names
from policies.vocabulary import FieldGroup, Purpose, RecipientType

log = logging.getLogger("haven.consent")

DEFAULT_MAX_MONTHS = 12
#: Receipt numbers: no 0/O, 1/I/L, so they can be read aloud and typed back.
_RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class RecordView:
    """A record with its story: its events, its terms for the question, its status now."""

    record: ConsentRecord
    events: list[ConsentEvent]
    terms: ConsentTerms
    status: str
    has_scan: bool

    @property
    def withdrawn(self) -> ConsentEvent | None:
        return next((e for e in self.events if e.kind is EventKind.withdrawn), None)

    @property
    def superseded(self) -> ConsentEvent | None:
        return next((e for e in self.events if e.kind is EventKind.superseded), None)


@dataclass(frozen=True)
class ExpiringConsent:
    record_id: uuid.UUID
    client_id: uuid.UUID
    client_code: str
    expires_at: datetime
    purposes: list[str]


def logged_refusal(action: str, error: ValidationFailed) -> ValidationFailed:
    """Log a refused attempt: which fields, never their values."""
    log.info("consent %s refused: fields %s", action, ",".join(sorted(error.fields)))
    return error


def maximum_months(session: Session) -> int:
    settings = session.scalar(select(ConsentSettings))
    return settings.max_months if settings else DEFAULT_MAX_MONTHS


def set_maximum_months(session: Session, ctx: Actor, given: ConsentSettingsInput) -> int:
    """The longest a consent may last in this organisation (1 to 36 months)."""
    require(ctx, Permission.manage_consent)
    r = FieldReader(vars(given), field_names(ConsentSettingsInput))
    raw = str(given.max_months or "").strip()
    if not raw.isdecimal() or not 1 <= int(raw) <= 36:
        r.fail("max_months", N_("Enter a whole number of months from 1 to 36."))
    r.raise_if_failed()
    settings = session.scalar(select(ConsentSettings)) or ConsentSettings(singleton=1)
    settings.max_months, settings.updated_at, settings.updated_by = int(raw), utcnow(), ctx.user_id
    session.add(settings)
    session.flush()
    record_event(
        session, ctx, AuditAction.consent_settings_changed, None, None, max_months=int(raw)
    )
    return int(raw)


def record_consent(
    session: Session, ctx: Actor, client_id: uuid.UUID, given: ConsentInput
) -> ConsentRecord:
    """Record what the client decided (given or refused), on the notice read to them."""
    require(ctx, Permission.record_consent)
    client = get_client(session, ctx, client_id)
    ensure_example_notices(session, ctx)
    try:
        terms = read_consent(session, ctx, client, given, maximum_months(session))
        old = _superseded_record(session, ctx, client, terms.supersedes)
    except ValidationFailed as error:
        raise logged_refusal("record", error) from None
    record = _new_record(session, ctx, client, terms)
    session.add(record)
    session.flush()
    if terms.scan is not None and terms.scan_type is not None:
        seal_scan(session, record, terms.scan, terms.scan_type)
    action = AuditAction.consent_given
    if terms.decision is Decision.refused:
        action = AuditAction.consent_refused
    record_event(
        session, ctx, action, "consent_record", record.id,
        client_id=str(client.id), purposes=list(record.purposes),
        field_groups=list(record.field_groups), legal_basis=record.legal_basis.value,
        notice_sha256=record.notice_sha256, receipt=record.receipt_kind.value,
    )  # fmt: skip
    if old is not None:
        add_event(session, ctx, old, EventKind.superseded, superseded_by=record.id)
        record_event(
            session, ctx, AuditAction.consent_superseded, "consent_record", old.id,
            superseded_by=str(record.id),
        )  # fmt: skip
    session.flush()
    return record


def _new_record(
    session: Session, ctx: Actor, client: Client, terms: ConsentTermsInput
) -> ConsentRecord:
    notice = terms.notice
    return ConsentRecord(
        id=uuid.uuid4(),
        client_id=client.id,
        decision=terms.decision,
        legal_basis=terms.legal_basis,
        legal_reference=terms.legal_reference,
        purposes=[p.value for p in terms.purposes],
        field_groups=[g.value for g in terms.field_groups],
        recipient_types=[t.value for t in terms.recipient_types],
        recipient_organisations=[str(o) for o in terms.recipient_organisations],
        recipient_names=list(terms.recipient_names),
        notice_text_id=notice.id,
        notice_id=notice.notice_id,
        notice_language=notice.language,
        notice_version=notice.version,
        notice_sha256=notice.sha256,
        language=terms.language,
        interpreter_used=terms.interpreter_used,
        interpreter_code=terms.interpreter_code,
        method=terms.method,
        evidence_kind=terms.evidence_kind,
        signature_sha256=terms.signature_sha256,
        witness_code=terms.witness_code,
        given_at=utcnow(),
        expires_at=datetime.combine(terms.expires_on, time(), UTC),
        supersedes_id=terms.supersedes,
        receipt_kind=terms.receipt_kind,
        receipt_number=_receipt_number(session),
        recorded_by=ctx.user_id,
    )


def _receipt_number(session: Session) -> str:
    for _ in range(20):
        draw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))
        number = f"R-{draw[:4]}-{draw[4:]}"
        taken = select(ConsentRecord.id).where(ConsentRecord.receipt_number == number)
        if session.scalar(taken) is None:
            return number
    raise RuntimeError("no free receipt number after 20 draws")  # 31**6: ~887 million


def _superseded_record(
    session: Session, ctx: Actor, client: Client, record_id: uuid.UUID | None
) -> ConsentRecord | None:
    if record_id is None:
        return None
    view = _view_or_none(session, client.id, record_id)
    if view is None:
        raise ValidationFailed({"supersedes": [N_("Choose a consent of this client.")]})
    if view.status not in ("given", "expired"):
        raise ValidationFailed(
            {"supersedes": [N_("Only a consent in force or expired can be renewed or changed.")]}
        )
    return view.record


def add_event(
    session: Session,
    ctx: Actor,
    record: ConsentRecord,
    kind: EventKind,
    *,
    channel: WithdrawalChannel | None = None,
    superseded_by: uuid.UUID | None = None,
    at: datetime | None = None,
) -> ConsentEvent:
    event = ConsentEvent(
        id=uuid.uuid4(),
        record_id=record.id,
        kind=kind,
        occurred_at=at or utcnow(),
        channel=channel,
        superseded_by=superseded_by,
        recorded_by=ctx.user_id,
    )
    session.add(event)
    return event


def terms_of(record: ConsentRecord, events: Iterable[ConsentEvent]) -> ConsentTerms:
    """The record as :func:`~app.consent.validity.consent_valid_for` reads it."""
    happened = {e.kind: e.occurred_at for e in sorted(events, key=lambda e: e.occurred_at)}
    return ConsentTerms(
        record_id=record.id,
        given=record.decision is Decision.given,
        given_at=_aware(record.given_at),
        expires_at=_aware(record.expires_at),
        purposes=frozenset(Purpose(p) for p in record.purposes),
        field_groups=frozenset(FieldGroup(g) for g in record.field_groups),
        recipient_types=frozenset(RecipientType(t) for t in record.recipient_types),
        legal_basis=record.legal_basis,
        recipient_organisations=frozenset(uuid.UUID(o) for o in record.recipient_organisations),
        recipient_names=frozenset(n.casefold() for n in record.recipient_names),
        withdrawn_at=_aware_or_none(happened.get(EventKind.withdrawn)),
        superseded_at=_aware_or_none(happened.get(EventKind.superseded)),
    )


def _aware(moment: datetime) -> datetime:
    """SQLite gives timestamps back without their zone; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _aware_or_none(moment: datetime | None) -> datetime | None:
    return _aware(moment) if moment else None


def _views(
    session: Session, ctx: Actor | None, records: Sequence[ConsentRecord]
) -> list[RecordView]:
    ids = [r.id for r in records]
    events = session.scalars(select(ConsentEvent).where(ConsentEvent.record_id.in_(ids))).all()
    scans = set(
        session.scalars(select(ConsentEvidence.record_id).where(ConsentEvidence.record_id.in_(ids)))
    )
    by_record: dict[uuid.UUID, list[ConsentEvent]] = {i: [] for i in ids}
    for event in sorted(events, key=lambda e: e.occurred_at):
        by_record[event.record_id].append(event)
    now = utcnow()
    views = []
    for record in records:
        terms = terms_of(record, by_record[record.id])
        status = status_at(terms, now)
        if ctx is not None and status == "expired":
            _observe_expiry(session, ctx, record, by_record[record.id])
        views.append(RecordView(record, by_record[record.id], terms, status, record.id in scans))
    return views


def _observe_expiry(
    session: Session, ctx: Actor, record: ConsentRecord, events: list[ConsentEvent]
) -> None:
    """The first time Haven sees a record past its expiry: an event, audited once."""
    if any(e.kind is EventKind.expired for e in events):
        return
    event = add_event(session, ctx, record, EventKind.expired)
    events.append(event)
    record_event(
        session, ctx, AuditAction.consent_expired, "consent_record", record.id,
        client_id=str(record.client_id),
    )  # fmt: skip


def consent_history(session: Session, ctx: Actor, client_id: uuid.UUID) -> list[RecordView]:
    """Every record of the client, newest first, with its story and status now."""
    client = get_client(session, ctx, client_id)
    records = session.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.client_id == client.id)
        .order_by(ConsentRecord.given_at.desc(), ConsentRecord.id)
    ).all()
    views = _views(session, ctx, records)
    session.flush()
    return views


def _view_or_none(
    session: Session, client_id: uuid.UUID, record_id: uuid.UUID
) -> RecordView | None:
    record = session.get(ConsentRecord, (current_tenant(session), record_id))
    if record is None or record.client_id != client_id:
        return None
    return _views(session, None, [record])[0]


def get_record(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID
) -> RecordView:
    """One record of this client; another client's or organisation's is not found."""
    client = get_client(session, ctx, client_id)
    view = _view_or_none(session, client.id, record_id)
    if view is None:
        raise NotFound(N_("No such consent record."))
    if view.status == "expired":
        _observe_expiry(session, ctx, view.record, view.events)
        session.flush()
    return view


def consent_for(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    purpose: Purpose,
    recipient: Recipient,
    field_groups: Iterable[FieldGroup],
    at: datetime | None = None,
) -> ConsentAnswer:
    """The validity question for one client: loads the records and asks
    :func:`~app.consent.validity.consent_valid_for` (the only place that answers it)."""
    views = consent_history(session, ctx, client_id)
    return consent_valid_for(
        [v.terms for v in views], purpose, recipient, field_groups, at or utcnow()
    )


def answer_question(
    session: Session, ctx: Actor, client_id: uuid.UUID, question: ConsentQuestion
) -> ConsentAnswer:
    """The validity question as the API asks it, read like any input."""
    r = FieldReader(vars(question), field_names(ConsentQuestion))
    purpose = r.choice("purpose", Purpose)
    kind = r.choice("recipient_type", RecipientType)
    groups = r.choices("field_groups", FieldGroup)
    organisation = r.ref("organisation_id")
    name = r.text("recipient_name", 200)
    r.raise_if_failed()
    assert purpose is not None and kind is not None
    recipient = Recipient(kind, organisation, name or None)
    return consent_for(session, ctx, client_id, purpose, recipient, groups, question.at)


def consents_expiring(session: Session, ctx: Actor, days: int = 30) -> list[ExpiringConsent]:
    """The organisation's consents in force that expire within ``days``, soonest first
    (the dashboard; the home page can ask it too)."""
    if not (can(ctx, Permission.record_consent) or can(ctx, Permission.read_audit)):
        raise Forbidden()
    now = utcnow()
    ended = exists().where(
        ConsentEvent.record_id == ConsentRecord.id,
        ConsentEvent.kind.in_([EventKind.withdrawn, EventKind.superseded]),
    )
    rows = session.execute(
        select(ConsentRecord, Client.code)
        .join(
            Client,
            (Client.tenant_id == ConsentRecord.tenant_id) & (Client.id == ConsentRecord.client_id),
        )
        .where(
            ConsentRecord.decision == Decision.given,
            ConsentRecord.expires_at > now,
            ConsentRecord.expires_at <= now + timedelta(days=max(0, min(days, 366))),
            ~ended,
        )
        .order_by(ConsentRecord.expires_at, Client.code)
    ).all()
    return [
        ExpiringConsent(rec.id, rec.client_id, code, _aware(rec.expires_at), list(rec.purposes))
        for rec, code in rows
    ]
