"""Consent notices: the organisation's texts, one per language, versioned and hashed.

A record points at the exact version read to the client (id, language, version and
SHA-256), so versions are never changed or deleted: saving a text adds a version.

The example set (:mod:`app.consent.defaults`) is created lazily, the first time anyone in
the organisation opens a notice (the notices page, the consent form, the API): no change
to organisation creation, and an organisation that predates the ledger gets it too.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, can, require
from app.consent.defaults import EXAMPLE_NOTICES
from app.consent.inputs import NoticeTextInput
from app.consent.models import ConsentNotice, NoticeText
from app.context import Actor
from app.errors import Forbidden, NotFound
from app.i18n import N_
from app.validation import FieldReader, field_names

TITLE_MAX = 200
BODY_MAX = 10_000


@dataclass(frozen=True)
class NoticeView:
    """A notice with the newest version of its text in each language."""

    notice: ConsentNotice
    #: language -> newest text, languages in alphabetical order.
    current: dict[str, NoticeText]


def text_sha256(title: str, body: str) -> str:
    """The hash a record keeps: of the title and body as the client heard them."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


#: Who reads notices: those who read them to clients, write them, or audit the ledger.
READERS = (Permission.record_consent, Permission.manage_consent, Permission.read_audit)


def _may_read(ctx: Actor) -> None:
    if not any(can(ctx, p) for p in READERS):
        raise Forbidden()


def ensure_example_notices(session: Session, ctx: Actor) -> None:
    """Create the shipped example notices if the organisation has no notice yet."""
    if session.scalar(select(func.count()).select_from(ConsentNotice)):
        return
    for example in EXAMPLE_NOTICES:
        notice = ConsentNotice(
            id=uuid.uuid4(), key=example.key, purposes=[p.value for p in example.purposes]
        )
        session.add(notice)
        session.flush()
        for language, (title, body) in example.texts.items():
            session.add(_text(notice.id, language, 1, title, body, None, example=True))
    session.flush()


def _text(
    notice_id: uuid.UUID,
    language: str,
    version: int,
    title: str,
    body: str,
    author: uuid.UUID | None,
    *,
    example: bool = False,
) -> NoticeText:
    return NoticeText(
        id=uuid.uuid4(),
        notice_id=notice_id,
        language=language,
        version=version,
        title=title,
        body=body,
        sha256=text_sha256(title, body),
        is_example=example,
        created_by=author,
    )


def notices_of(session: Session, ctx: Actor) -> list[NoticeView]:
    """Every notice of the organisation with its current texts."""
    _may_read(ctx)
    ensure_example_notices(session, ctx)
    notices = session.scalars(select(ConsentNotice).order_by(ConsentNotice.created_at)).all()
    texts = session.scalars(
        select(NoticeText).order_by(NoticeText.language, NoticeText.version)
    ).all()
    current: dict[uuid.UUID, dict[str, NoticeText]] = {n.id: {} for n in notices}
    for text in texts:
        current.setdefault(text.notice_id, {})[text.language] = text  # newest wins
    return [NoticeView(n, dict(sorted(current[n.id].items()))) for n in notices]


def get_notice(session: Session, ctx: Actor, notice_id: uuid.UUID) -> ConsentNotice:
    _may_read(ctx)
    notice = session.get(ConsentNotice, (ctx.tenant_id, notice_id))
    if notice is None:
        raise NotFound(N_("No such notice."))
    return notice


def versions_of(session: Session, ctx: Actor, notice_id: uuid.UUID) -> list[NoticeText]:
    """Every version of every language of a notice, newest first: old ones stay readable."""
    notice = get_notice(session, ctx, notice_id)
    return list(
        session.scalars(
            select(NoticeText)
            .where(NoticeText.notice_id == notice.id)
            .order_by(NoticeText.language, NoticeText.version.desc())
        )
    )


def find_text(
    session: Session, notice_id: uuid.UUID, language: str, version: int
) -> NoticeText | None:
    """The exact version of a notice in a language, or None (the caller says which field)."""
    return session.scalar(
        select(NoticeText).where(
            NoticeText.notice_id == notice_id,
            NoticeText.language == language,
            NoticeText.version == version,
        )
    )


def get_text(session: Session, ctx: Actor, text_id: uuid.UUID) -> NoticeText:
    _may_read(ctx)
    text = session.get(NoticeText, (ctx.tenant_id, text_id))
    if text is None:
        raise NotFound(N_("No such notice."))
    return text


def add_notice_text(
    session: Session, ctx: Actor, notice_id: uuid.UUID, given: NoticeTextInput
) -> NoticeText:
    """Save a text of a notice in a language: its next version (1 for a new language)."""
    notice = get_notice(session, ctx, notice_id)  # another organisation's: 404 first
    require(ctx, Permission.manage_consent)
    r = FieldReader(vars(given), field_names(NoticeTextInput))
    language = r.language("language")
    if not r.given("language") and r.ok("language"):
        r.fail("language", N_("This field is required."))
    title = r.text("title", TITLE_MAX, required=True)
    body = r.text("body", BODY_MAX, required=True)
    r.raise_if_failed()
    assert language and title and body
    latest = session.scalar(
        select(func.max(NoticeText.version)).where(
            NoticeText.notice_id == notice.id, NoticeText.language == language
        )
    )
    text = _text(notice.id, language, (latest or 0) + 1, title, body, ctx.user_id)
    session.add(text)
    session.flush()
    record_event(
        session,
        ctx,
        AuditAction.consent_notice_saved,
        "consent_notice",
        notice.id,
        language=language,
        version=text.version,
        sha256=text.sha256,
    )
    return text
