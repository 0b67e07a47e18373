"""Anonymous contacts: a helpline or outreach conversation recorded with no client at all.

They are assistance (DOMAIN.md category 14, "including anonymous counselling") and count in
reports, but they hold coarse facts only: no name, no notes, nothing that could single the
caller out.
"""

from __future__ import annotations

import enum
from dataclasses import asdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.assistance.inputs import CONTACT_FIELDS, ContactInput
from app.assistance.service import INTERPRETER_NEEDS_LANGUAGE
from app.auth.permissions import Permission, require
from app.clients.models import AnonymousContact
from app.context import Actor
from app.errors import ValidationFailed
from app.taxonomy import AgeBand, FormOfExploitation, Gender, ServiceCategory
from app.validation import ENDS_BEFORE_START, FieldReader


class ContactChannel(enum.StrEnum):
    phone = "phone"
    chat = "chat"
    email = "email"
    outreach = "outreach"
    in_person = "in_person"


#: A list page shows at most this many rows; the count covers the whole period.
LIST_MAX = 500


def record_anonymous_contact(session: Session, ctx: Actor, data: ContactInput) -> AnonymousContact:
    require(ctx, Permission.casework)
    r = FieldReader(asdict(data), CONTACT_FIELDS, today=ctx.today())
    occurred_on = r.past_day("occurred_on", required=True)
    channel = r.choice("channel", ContactChannel)
    language = r.language("language")
    interpreter = bool(r.flag("interpreter_used"))
    if interpreter and language is None and r.ok("language"):
        r.fail("language", INTERPRETER_NEEDS_LANGUAGE)
    topics = r.choices("topics", ServiceCategory)
    gender = r.choice("gender", Gender, default=Gender.not_stated)
    age_band = r.choice("age_band", AgeBand, default=AgeBand.unknown)
    form = None
    if r.given("form_of_exploitation"):
        form = r.choice("form_of_exploitation", FormOfExploitation)
    referral_made = bool(r.flag("referral_made"))
    r.raise_if_failed()
    assert occurred_on and channel and gender and age_band
    contact = AnonymousContact(
        tenant_id=ctx.tenant_id,
        occurred_on=occurred_on,
        channel=channel.value,
        language=language,
        interpreter_used=interpreter,
        topics=[t.value for t in topics],
        gender=gender,
        age_band=age_band,
        form_of_exploitation=form.value if form else None,
        referral_made=referral_made,
        recorded_by=ctx.user_id,
    )
    session.add(contact)
    session.flush()
    return contact


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed({"end": [ENDS_BEFORE_START]})


def list_anonymous_contacts(
    session: Session, ctx: Actor, start: date, end: date, *, limit: int = LIST_MAX
) -> list[AnonymousContact]:
    """Contacts from ``start`` to ``end`` (both included), newest first."""
    require(ctx, Permission.casework)
    _check_period(start, end)
    query = (
        select(AnonymousContact)
        .where(AnonymousContact.occurred_on.between(start, end))
        .order_by(AnonymousContact.occurred_on.desc(), AnonymousContact.recorded_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def count_anonymous_contacts(session: Session, ctx: Actor, start: date, end: date) -> int:
    require(ctx, Permission.casework)
    _check_period(start, end)
    query = (
        select(func.count())
        .select_from(AnonymousContact)
        .where(AnonymousContact.occurred_on.between(start, end))
    )
    return session.scalar(query) or 0
