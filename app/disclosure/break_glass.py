"""Break-glass: a named person opens a case outside their normal access, for a stated
reason (a code and their own words) and a limited time (1 hour unless said, at most 4).
Supervisors see every opening on their home page at once and review it afterwards; one
left unreviewed for more than 3 days is shown in red.

The opening is decided by the organisation's policy set too (``view_break_glass``), so a
jurisdiction or an organisation can forbid it for minors, say, without touching code.
A refused opening (no reason, too long) is answered 422 and recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients.models import Client
from app.clients.service import get_client
from app.context import Actor
from app.db.base import utcnow
from app.db.session import keep_refusal
from app.disclosure.deciding import deciding_ids, policy_ref, requester
from app.disclosure.inputs import BreakGlassInput
from app.disclosure.models import BreakGlass, BreakGlassReason, DisclosureEvent, EventKind
from app.disclosure.policy import active_policy
from app.disclosure.wording import reason_text
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.i18n import N_
from app.keys.service import binding, seal_for_client
from app.validation import FieldReader
from policies import BreakGlassRequest, Outcome, decide
from policies.decide import break_glass_context
from policies.vocabulary import FieldGroup

DEFAULT_MINUTES = 60
MAX_MINUTES = 240
REASON_MAX = 2_000
#: An opening not reviewed after this long is shown in red.
OVERDUE_AFTER = timedelta(days=3)
TOO_LONG = N_("A case can be opened for at most 4 hours (240 minutes).")
NOT_A_DURATION = N_("Enter a number of minutes between 1 and 240.")
OWN_OPENING = N_("Another supervisor must review your own opening.")
ALREADY_REVIEWED = N_("This opening was reviewed already.")


@dataclass(frozen=True)
class OpeningView:
    opening: BreakGlass
    client_code: str
    #: Unreviewed for more than 3 days.
    overdue: bool
    #: Still open now.
    active: bool


def open_break_glass(
    session: Session, ctx: Actor, client_id: uuid.UUID, data: BreakGlassInput
) -> BreakGlass:
    """Open the client's case for a stated reason and time; supervisors are alerted."""
    require(ctx, Permission.break_glass)
    client = get_client(session, ctx, client_id)
    r = FieldReader.of(data)
    code = r.choice("reason_code", BreakGlassReason)
    text = r.text("reason_text", REASON_MAX, required=True)
    minutes = _minutes(r)
    if r.fields:
        _refuse(session, ctx, client, sorted(r.fields))
        r.raise_if_failed()
    assert code is not None and text is not None and minutes is not None
    policy_set = active_policy(session)
    asked = BreakGlassRequest(
        requester=requester(ctx),
        field_groups=frozenset(FieldGroup),
        reason_code=code.value,
        reason_given=True,
        duration_minutes=minutes,
        is_minor=client.is_minor,
    )
    decision = decide(policy_set, asked)
    context = break_glass_context(asked)
    denied = [g for g in decision.groups if g.outcome is Outcome.denied]
    if denied:
        _refuse(
            session, ctx, client, ["policy"], deciding_ids(decision), policy_set.sha256, context
        )
        messages = list(
            dict.fromkeys(reason_text(r.code, r.text) for g in denied for r in g.reasons)
        )
        raise ValidationFailed({"reason_code": messages})
    now = utcnow()
    opening = BreakGlass(
        id=uuid.uuid4(),
        client_id=client.id,
        opened_by=ctx.user_id,
        reason_code=code,
        duration_minutes=minutes,
        opened_at=now,
        expires_at=now + timedelta(minutes=minutes),
        policy_ids=deciding_ids(decision),
        policy_set_hash=policy_set.sha256,
    )
    opening.sealed_reason = seal_for_client(
        session, client.id, binding(session, "break_glass_openings", "reason", opening.id), text
    )
    session.add(opening)
    _register(session, ctx, EventKind.break_glass_opened, client.id, policy_set.sha256, opening)
    record_event(
        session, ctx, AuditAction.break_glass_opened, "client", client.id,
        opening=str(opening.id), reason_code=code.value, minutes=minutes,
        policy_ids=opening.policy_ids, set_sha256=policy_set.sha256,
        deciding_policy=policy_ref(opening.policy_ids, policy_set.sha256),
        request_context=context,
    )  # fmt: skip
    session.flush()
    return opening


def review_break_glass(session: Session, ctx: Actor, opening_id: uuid.UUID) -> BreakGlass:
    """A supervisor (not the one who opened it) records the review."""
    require(ctx, Permission.review_break_glass)
    opening = session.get(BreakGlass, (ctx.tenant_id, opening_id))
    if opening is None:
        raise NotFound(N_("No such break-glass opening."))
    if opening.opened_by == ctx.user_id:
        raise Forbidden(OWN_OPENING)
    if opening.reviewed_at is not None:
        raise Conflict(ALREADY_REVIEWED)
    opening.reviewed_by, opening.reviewed_at = ctx.user_id, utcnow()
    _register(
        session,
        ctx,
        EventKind.break_glass_reviewed,
        opening.client_id,
        opening.policy_set_hash,
        opening,
    )
    record_event(
        session,
        ctx,
        AuditAction.break_glass_reviewed,
        "client",
        opening.client_id,
        # The review is of an opening those policies permitted: they are named again.
        deciding_policy=policy_ref(opening.policy_ids, opening.policy_set_hash),
        opening=str(opening.id),
        policy_ids=opening.policy_ids,
        set_sha256=opening.policy_set_hash,
    )
    session.flush()
    return opening


def openings_to_review(session: Session, ctx: Actor) -> list[OpeningView]:
    """Every unreviewed opening, oldest first (for supervisors' home page)."""
    require(ctx, Permission.review_break_glass)
    rows = session.execute(
        select(BreakGlass, Client.code)
        .join(
            Client,
            and_(Client.tenant_id == BreakGlass.tenant_id, Client.id == BreakGlass.client_id),
        )
        .where(BreakGlass.reviewed_at.is_(None))
        .order_by(BreakGlass.opened_at)
    )
    now = utcnow()
    return [_view(opening, code, now) for opening, code in rows]


def active_opening(session: Session, ctx: Actor, client_id: uuid.UUID) -> BreakGlass | None:
    """The actor's opening of this client's case that is still running, if any."""
    return session.scalar(
        select(BreakGlass)
        .where(
            BreakGlass.client_id == client_id,
            BreakGlass.opened_by == ctx.user_id,
            BreakGlass.expires_at > utcnow(),
        )
        .order_by(BreakGlass.expires_at.desc())
        .limit(1)
    )


def opened_by_break_glass(session: Session, ctx: Actor, client_id: uuid.UUID) -> bool:
    """For :func:`app.cases.children.allow_opening_by_exception`: the actor's own opening
    of this case is still running (a user, never an API token)."""
    return ctx.user_id is not None and active_opening(session, ctx, client_id) is not None


def _view(opening: BreakGlass, code: str, now: datetime) -> OpeningView:
    opened = _aware(opening.opened_at)
    return OpeningView(
        opening, code, now - opened > OVERDUE_AFTER, _aware(opening.expires_at) > now
    )


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _minutes(r: FieldReader) -> int | None:
    if not r.given("duration_minutes"):
        return DEFAULT_MINUTES
    try:
        minutes = int(str(r.raw["duration_minutes"]).strip())
    except ValueError:
        r.fail("duration_minutes", NOT_A_DURATION)
        return None
    if minutes > MAX_MINUTES:
        r.fail("duration_minutes", TOO_LONG)
        return None
    if minutes < 1:
        r.fail("duration_minutes", NOT_A_DURATION)
        return None
    return minutes


def _refuse(
    session: Session,
    ctx: Actor,
    client: Client,
    codes: list[str],
    policy_ids: list[str] | None = None,
    set_sha256: str | None = None,
    context: dict[str, Any] | None = None,
) -> None:
    """Record a refused opening: bad input (``codes``), or the policies that denied it."""
    session.add(
        DisclosureEvent(
            kind=EventKind.break_glass_refused,
            client_id=client.id,
            actor_id=ctx.user_id,
            details={"fields": codes, "policy_ids": policy_ids or []},
        )
    )
    record_event(
        session, ctx, AuditAction.break_glass_refused, "client", client.id,
        fields=codes, policy_ids=policy_ids or [],
        deciding_policy=None if set_sha256 is None else policy_ref(policy_ids or [], set_sha256),
        request_context=context,
    )  # fmt: skip
    keep_refusal(session)


def _register(
    session: Session,
    ctx: Actor,
    kind: EventKind,
    client_id: uuid.UUID,
    set_hash: str,
    opening: BreakGlass,
) -> None:
    session.add(
        DisclosureEvent(
            kind=kind,
            client_id=client_id,
            actor_id=ctx.user_id,
            policy_set_hash=set_hash,
            details={
                "opening": str(opening.id),
                "reason_code": opening.reason_code.value,
                "minutes": opening.duration_minutes,
            },
        )
    )
