"""Reading the log for auditors: the access log, the consent ledger by pseudonym, and
statistics. Everything is the organisation's own, through the tenant guard; nothing
decrypts, and clients appear by pseudonym code only.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.events import clients_named
from app.audit.export import Exported, Period, export_bundle
from app.audit.log import (
    CheckpointMade,
    checkpoints,
    client_codes,
    client_id_for_code,
    latest_checkpoint,
    make_checkpoint,
    pending_count,
    verifier_keys,
)
from app.audit.models import AuditCheckpoint, AuditEvent
from app.audit.service import record_event
from app.audit.verifier import VerifierKey
from app.auditor.inputs import BundleQuery, LogQuery
from app.auth.models import Membership, User
from app.auth.permissions import Permission, require
from app.consent.models import ConsentEvent, ConsentRecord, EventKind
from app.context import Actor
from app.disclosure.deciding import CONSENT_RELIED_ON
from app.disclosure.models import DisclosureEvent, DisclosureRequest
from app.disclosure.models import EventKind as RegisterKind
from app.validation import FieldReader
from policies.vocabulary import LegalBasis

PAGE_SIZE = 100
#: Events that show sealed content to someone: what "reveals" counts.
REVEALS = (
    AuditAction.client_revealed,
    AuditAction.case_revealed,
    AuditAction.service_revealed,
    AuditAction.consent_evidence_revealed,
)
#: Identity carried with a referral to a partner (always under the client's consent).
REFERRAL_IDENTITY = (AuditAction.referral_identity_carried,)
#: The register's rows that count as a disclosure: a release, or a supervisor's approval
#: (the request may leave from then on; a later release of it is the same disclosure).
DISCLOSED = (RegisterKind.released, RegisterKind.approved)


@dataclass(frozen=True)
class LogFilters:
    actor: uuid.UUID | None = None
    action: str | None = None
    since: date | None = None
    until: date | None = None
    pseudonym: str | None = None
    page: int = 1


@dataclass(frozen=True)
class LogRow:
    event: AuditEvent
    #: Pseudonym codes of the clients the event is about.
    codes: tuple[str, ...]


@dataclass
class LogPage:
    rows: list[LogRow]
    filters: LogFilters
    more: bool
    #: The pseudonym asked for is not one of this organisation's clients.
    unknown_pseudonym: bool = False


def read_log_query(ctx: Actor, query: LogQuery) -> LogFilters:
    r = FieldReader.of(query, today=ctx.today())
    actor = r.ref("actor")
    action = r.text("action", 64)
    since, until = r.day("since"), r.day("until")
    pseudonym = r.text("pseudonym", 32)
    page = r.number("page", maximum=Decimal(10_000))
    r.raise_if_failed()
    return LogFilters(actor, action, since, until, pseudonym, int(page or 1) or 1)


def access_log(session: Session, ctx: Actor, filters: LogFilters) -> LogPage:
    """The organisation's events, newest first, a page at a time."""
    require(ctx, Permission.read_audit)
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id)
    if filters.actor is not None:
        query = query.where(
            or_(AuditEvent.actor_id == filters.actor, AuditEvent.api_token_id == filters.actor)
        )
    if filters.action:
        query = query.where(
            or_(
                AuditEvent.action == filters.action,
                AuditEvent.action.startswith(filters.action + "."),
            )
        )
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= _midnight(filters.since))
    if filters.until:
        query = query.where(AuditEvent.occurred_at < _midnight(filters.until + timedelta(days=1)))
    if filters.pseudonym:
        client_id = client_id_for_code(session, filters.pseudonym)
        if client_id is None:
            return LogPage([], filters, False, unknown_pseudonym=True)
        query = query.where(
            or_(
                AuditEvent.target_id == str(client_id),
                cast(AuditEvent.details, String).contains(str(client_id)),
            )
        )
    offset = (filters.page - 1) * PAGE_SIZE
    events = list(session.scalars(query.offset(offset).limit(PAGE_SIZE + 1)))
    codes = client_codes(session, {c for e in events for c in clients_named(e)})
    rows = [
        LogRow(e, tuple(sorted(codes[c] for c in clients_named(e) if c in codes)))
        for e in events[:PAGE_SIZE]
    ]
    return LogPage(rows, filters, len(events) > PAGE_SIZE)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def member_names(session: Session, ctx: Actor) -> dict[uuid.UUID, str]:
    """Names of the organisation's members (staff, never clients), by user id."""
    require(ctx, Permission.read_audit)
    rows = session.execute(
        select(User.id, User.display_name).join(Membership, Membership.user_id == User.id)
    )
    return {row.id: row.display_name for row in rows}


def actions_seen(session: Session, ctx: Actor) -> list[str]:
    require(ctx, Permission.read_audit)
    return sorted(
        {a.value for a in AuditAction} | set(session.scalars(select(AuditEvent.action).distinct()))
    )


@dataclass(frozen=True)
class LedgerRow:
    """One consent record, as an auditor sees it: terms and history, a pseudonym only."""

    record: ConsentRecord
    client_code: str | None
    withdrawn_at: datetime | None
    superseded: bool
    expired: bool
    named_recipients: int


def consent_ledger(session: Session, ctx: Actor, limit: int = 500) -> list[LedgerRow]:
    """Every consent record, newest first, with what became of it."""
    require(ctx, Permission.read_audit)
    records = list(
        session.scalars(select(ConsentRecord).order_by(ConsentRecord.given_at.desc()).limit(limit))
    )
    events: dict[uuid.UUID, list[ConsentEvent]] = {}
    ids = [r.id for r in records]
    for event in session.scalars(select(ConsentEvent).where(ConsentEvent.record_id.in_(ids))):
        events.setdefault(event.record_id, []).append(event)
    codes = client_codes(session, {str(r.client_id) for r in records})
    now = datetime.now(UTC)
    rows = []
    for record in records:
        story = events.get(record.id, [])
        withdrawn = [e.occurred_at for e in story if e.kind == EventKind.withdrawn]
        expires = (
            record.expires_at if record.expires_at.tzinfo else record.expires_at.replace(tzinfo=UTC)
        )
        rows.append(
            LedgerRow(
                record=record,
                client_code=codes.get(str(record.client_id)),
                withdrawn_at=withdrawn[0] if withdrawn else None,
                superseded=any(e.kind == EventKind.superseded for e in story),
                expired=expires <= now,
                named_recipients=len(record.recipient_organisations or [])
                + len(record.recipient_names or []),
            )
        )
    return rows


@dataclass
class MonthlyCounts:
    """Counts per person (rows) and month (columns, ``YYYY-MM``), oldest month first."""

    months: list[str]
    rows: dict[str, Counter[str]] = field(default_factory=dict)

    def total(self, month: str) -> int:
        return sum(c[month] for c in self.rows.values())


def reveals_per_month(session: Session, ctx: Actor, months: int = 12) -> MonthlyCounts:
    """How many sealed values each member revealed per month, over the last ``months``."""
    require(ctx, Permission.read_audit)
    names = member_names(session, ctx)
    return _monthly(
        session, months, REVEALS, lambda e: names.get(e.actor_id, "—") if e.actor_id else "—"
    )


def disclosures_without_consent(session: Session, ctx: Actor, months: int = 12) -> MonthlyCounts:
    """Disclosures from the register that did not rest on valid consent, per legal basis
    (rows) and month: requests approved or released whose legal basis is not consent, or
    whose consent answer at the request covered none of the groups asked for. A request
    counts once, in the month of its release (or of its approval until it is released)."""
    require(ctx, Permission.read_audit)
    firsts = _month_starts(months)
    counts = MonthlyCounts(_month_labels(firsts))
    rows = session.execute(
        select(
            DisclosureEvent.request_id,
            DisclosureEvent.kind,
            DisclosureEvent.occurred_at,
            DisclosureRequest.legal_basis,
        )
        .join(
            DisclosureRequest,
            and_(
                DisclosureRequest.tenant_id == DisclosureEvent.tenant_id,
                DisclosureRequest.id == DisclosureEvent.request_id,
            ),
        )
        .where(
            DisclosureEvent.kind.in_(DISCLOSED),
            DisclosureEvent.occurred_at >= _midnight(firsts[0]),
            or_(
                DisclosureRequest.legal_basis != LegalBasis.consent,
                DisclosureRequest.consent_reason.not_in(CONSENT_RELIED_ON),
            ),
        )
    )
    counted: dict[uuid.UUID | None, tuple[bool, datetime, str]] = {}
    for request_id, kind, when, legal_basis in rows:
        released = kind == RegisterKind.released
        if request_id not in counted or (released and not counted[request_id][0]):
            counted[request_id] = (released, when, str(legal_basis))
    for _released, when, basis in counted.values():
        counts.rows.setdefault(basis, Counter())[when.strftime("%Y-%m")] += 1
    return counts


def referral_identity_per_month(session: Session, ctx: Actor, months: int = 12) -> MonthlyCounts:
    """Identity carried with referrals to partners, per month (always under the client's
    consent: referrals are not in the disclosure register)."""
    require(ctx, Permission.read_audit)
    return _monthly(
        session, months, REFERRAL_IDENTITY, lambda e: str(e.details.get("legal_basis") or "consent")
    )


def _month_starts(months: int) -> list[date]:
    """The first days of the last ``months`` months, oldest first (this month last)."""
    firsts = [datetime.now(UTC).date().replace(day=1)]
    while len(firsts) < months:
        firsts.append((firsts[-1] - timedelta(days=1)).replace(day=1))
    firsts.reverse()
    return firsts


def _month_labels(firsts: list[date]) -> list[str]:
    return [f"{d.year:04d}-{d.month:02d}" for d in firsts]


def _monthly(
    session: Session, months: int, actions: tuple[AuditAction, ...], key: Any
) -> MonthlyCounts:
    firsts = _month_starts(months)
    counts = MonthlyCounts(_month_labels(firsts))
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.action.in_([a.value for a in actions]),
            AuditEvent.occurred_at >= _midnight(firsts[0]),
        )
    )
    for event in events:
        month = event.occurred_at.strftime("%Y-%m")
        counts.rows.setdefault(key(event), Counter())[month] += 1
    return counts


def read_bundle_query(ctx: Actor, query: BundleQuery) -> tuple[Period, int | None]:
    require(ctx, Permission.read_audit)
    r = FieldReader.of(query, today=ctx.today())
    since, until = r.day("since"), r.day("until")
    size = r.number("since_size", maximum=Decimal(2**62))
    r.raise_if_failed()
    period = Period(
        _midnight(since) if since else None,
        _midnight(until + timedelta(days=1)) if until else None,
    )
    return period, int(size) if size is not None else None


def request_checkpoint(session: Session, ctx: Actor, host: str) -> CheckpointMade:
    """A checkpoint now (the workspace's button): the request is itself an entry of it."""
    require(ctx, Permission.read_audit)
    record_event(session, ctx, AuditAction.audit_checkpoint_requested)
    session.flush()
    return make_checkpoint(session, host)


def export_for_auditor(
    session: Session, ctx: Actor, host: str, target: IO[bytes], query: BundleQuery
) -> Exported:
    """The bundle of the period asked for; the download is logged (in the next checkpoint)."""
    period, since_size = read_bundle_query(ctx, query)
    done = export_bundle(session, host, target, period, since_size=since_size)
    record_event(
        session,
        ctx,
        AuditAction.audit_bundle_exported,
        "audit_checkpoint",
        str(done.checkpoint.size),
        start=done.start,
        end=done.end,
    )
    return done


@dataclass(frozen=True)
class LogState:
    latest: AuditCheckpoint | None
    history: list[AuditCheckpoint]
    pending: int
    keys: list[VerifierKey]


def log_state(session: Session, ctx: Actor, host: str) -> LogState:
    require(ctx, Permission.read_audit)
    return LogState(
        latest_checkpoint(session),
        checkpoints(session, limit=20),
        pending_count(session),
        verifier_keys(session, host),
    )
