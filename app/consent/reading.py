"""Reading a consent record's input: every rule of what a record may say, once.

:func:`read_consent` turns a :class:`~app.consent.inputs.ConsentInput` into
:class:`ConsentTermsInput` (clean, typed) or raises one
:class:`~app.errors.ValidationFailed` listing every problem, before anything is written.
"""

from __future__ import annotations

import calendar
import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy.orm import Session

from app.clients.models import Client
from app.consent.evidence import check_scan, check_signature_hash
from app.consent.inputs import ConsentInput
from app.consent.models import Decision, EvidenceKind, Method, NoticeText, ReceiptKind
from app.consent.notices import find_text
from app.context import Actor
from app.i18n import N_
from app.tenants.models import Organisation
from app.validation import CHOOSE_SEVERAL, REQUIRED, FieldReader, clean_text, field_names
from policies.vocabulary import (
    REFERENCE_REQUIRED,
    SENSITIVE_GROUPS,
    FieldGroup,
    LegalBasis,
    Purpose,
    RecipientType,
)

#: The purposes a client consents to (the others are disclosure purposes).
CONSENT_PURPOSES = (
    Purpose.criminal_proceedings_support,
    Purpose.referral,
    Purpose.nrm_registration,
    Purpose.case_conference,
    Purpose.return_country_contact,
    Purpose.funder_reporting,
    Purpose.media,
)
#: The data categories a consent names.
CONSENT_GROUPS = tuple(g for g in FieldGroup if g in SENSITIVE_GROUPS)
#: The legal bases a consent record may state.
RECORD_BASES = (
    LegalBasis.consent,
    LegalBasis.statutory_duty,
    LegalBasis.vital_interest,
    LegalBasis.legal_claims,
)
E = TypeVar("E", FieldGroup, RecipientType)
NAME_MAX = 200
REFERENCE_MAX = 200
MAX_NAMED = 20
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,39}")
NOT_A_CODE = N_("Enter a short code (letters, digits, - . _ /), never a person's name.")


@dataclass(frozen=True)
class ConsentTermsInput:
    """A record's terms, read and checked."""

    decision: Decision
    purposes: list[Purpose]
    field_groups: list[FieldGroup]
    recipient_types: list[RecipientType]
    recipient_organisations: list[uuid.UUID]
    recipient_names: list[str]
    notice: NoticeText
    language: str
    method: Method
    expires_on: date
    legal_basis: LegalBasis
    legal_reference: str | None
    interpreter_used: bool
    interpreter_code: str | None
    evidence_kind: EvidenceKind
    scan: bytes | None
    scan_type: str | None
    signature_sha256: str | None
    witness_code: str | None
    receipt_kind: ReceiptKind
    supersedes: uuid.UUID | None


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months (31 January + 1 month is the last day of February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def read_consent(
    session: Session, ctx: Actor, client: Client, given: ConsentInput, max_months: int
) -> ConsentTermsInput:
    raw = {k: v for k, v in vars(given).items() if k != "evidence_scan"}
    r = FieldReader(raw, field_names(ConsentInput), today=ctx.today())
    decision = r.choice("decision", Decision)
    purposes = _purposes(r, client, decision)
    groups = _listed(r, "field_groups", FieldGroup, CONSENT_GROUPS)
    types = _listed(r, "recipient_types", RecipientType, tuple(RecipientType))
    organisations = _organisations(session, ctx, r)
    names = _names(r)
    if decision is Decision.given and Purpose.referral in purposes and not (organisations or names):
        r.fail("recipient_organisations", N_("A referral consent names the organisation."))
    notice = _notice(session, r)
    language = r.language("language")
    if language is None and r.ok("language"):
        r.fail("language", REQUIRED)
    method = r.choice("method", Method)
    expires_on = _expiry(r, ctx.today(), max_months)
    basis, reference = _basis(r)
    used, interpreter = _interpreter(r)
    kind, scan, scan_type, signature = _evidence(r, given)
    witness = _code(r, "witness_code", required=kind is EvidenceKind.signature)
    receipt = r.choice("receipt_kind", ReceiptKind, ReceiptKind.full)
    supersedes = r.ref("supersedes")
    r.raise_if_failed()
    assert decision and notice and language and method and expires_on and basis and kind
    assert receipt is not None
    return ConsentTermsInput(
        decision, purposes, groups, types, organisations, names, notice, language, method,
        expires_on, basis, reference, used, interpreter, kind, scan, scan_type, signature,
        witness, receipt, supersedes,
    )  # fmt: skip


def _listed(r: FieldReader, name: str, kind: type[E], allowed: tuple[E, ...]) -> list[E]:
    values = r.choices(name, kind)
    if not r.ok(name):
        return []
    if any(v not in allowed for v in values):
        r.fail(name, CHOOSE_SEVERAL)
    elif not values:
        r.fail(name, N_("Choose at least one."))
    return values


def _purposes(r: FieldReader, client: Client, decision: Decision | None) -> list[Purpose]:
    values = r.choices("purposes", Purpose)
    if not r.ok("purposes"):
        return []
    if any(p not in CONSENT_PURPOSES for p in values):
        r.fail("purposes", CHOOSE_SEVERAL)
    elif not values:
        r.fail("purposes", N_("Choose at least one."))
    elif decision is Decision.given and Purpose.media in values and client.is_minor:
        r.fail("purposes", N_("Consent to media contact cannot be recorded for a minor."))
    return values


def _items(raw: object) -> list[object]:
    """A list sent as a list, or one value sent alone."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple | set | frozenset):
        return list(raw)
    return [raw]


def _organisations(session: Session, ctx: Actor, r: FieldReader) -> list[uuid.UUID]:
    items = _items(r.raw.get("recipient_organisations"))
    found: list[uuid.UUID] = []
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        try:
            org_id = item if isinstance(item, uuid.UUID) else uuid.UUID(str(item).strip())
        except ValueError:
            org_id = None
        org = session.get(Organisation, org_id) if org_id else None
        if org is None or org.disabled_at is not None or org.id == ctx.tenant_id:
            r.fail("recipient_organisations", N_("Choose organisations on Haven from the list."))
            return []
        if org.id not in found:
            found.append(org.id)
    if len(found) > MAX_NAMED:
        r.fail("recipient_organisations", N_("Name at most 20 organisations."))
    return found


def _names(r: FieldReader) -> list[str]:
    raw = r.raw.get("recipient_names")
    items: list[object] = list(raw.splitlines()) if isinstance(raw, str) else _items(raw)
    names: list[str] = []
    for item in items:
        text = clean_text(str(item)) if isinstance(item, str) else None
        if text is None:
            r.fail("recipient_names", N_("This text contains characters that are not allowed."))
            return []
        if len(text) > NAME_MAX:
            r.fail("recipient_names", N_("At most %(limit)s characters.", limit=NAME_MAX))
            return []
        if text and text.casefold() not in (n.casefold() for n in names):
            names.append(text)
    if len(names) > MAX_NAMED:
        r.fail("recipient_names", N_("Name at most 20 organisations."))
    return names


def _notice(session: Session, r: FieldReader) -> NoticeText | None:
    notice_id = r.ref("notice_id", required=True)
    language = r.language("notice_language")
    version = _version(r)
    if notice_id is None or language is None or version is None:
        if r.ok("notice_language") and language is None:
            r.fail("notice_language", REQUIRED)
        return None
    text = find_text(session, notice_id, language, version)
    if text is None:
        r.fail("notice_version", N_("This notice has no such version in this language."))
    return text


def _version(r: FieldReader) -> int | None:
    raw = r.raw.get("notice_version")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        r.fail("notice_version", REQUIRED)
        return None
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.isdecimal() or len(text) > 6:
        r.fail("notice_version", N_("This notice has no such version in this language."))
        return None
    return int(text)


def _expiry(r: FieldReader, today: date, max_months: int) -> date | None:
    expires_on = r.day("expires_on", required=True)
    if expires_on is None:
        return None
    if expires_on <= today:
        r.fail("expires_on", N_("The expiry must be after today."))
        return None
    if expires_on > add_months(today, max_months):
        r.fail(
            "expires_on",
            N_("A consent lasts at most %(months)s months from today.", months=max_months),
        )
        return None
    return expires_on


def _basis(r: FieldReader) -> tuple[LegalBasis | None, str | None]:
    basis = r.choice("legal_basis", LegalBasis, LegalBasis.consent)
    if basis is not None and basis not in RECORD_BASES:
        r.fail("legal_basis", N_("Choose a value from the list."))
    reference = r.text("legal_reference", REFERENCE_MAX)
    if basis in REFERENCE_REQUIRED and not reference and r.ok("legal_reference"):
        r.fail("legal_reference", N_("A legal obligation needs the statute's reference."))
    return basis, (reference or None) if basis in REFERENCE_REQUIRED else None


def _interpreter(r: FieldReader) -> tuple[bool, str | None]:
    used = bool(r.flag("interpreter_used"))
    code = _code(r, "interpreter_code", required=used)
    return used, code if used else None


def _code(r: FieldReader, name: str, *, required: bool) -> str | None:
    value = r.text(name, 40)
    if not value:
        if required and r.ok(name):
            r.fail(name, REQUIRED)
        return None
    if not _CODE.fullmatch(value):
        r.fail(name, NOT_A_CODE)
        return None
    return value


def _evidence(
    r: FieldReader, given: ConsentInput
) -> tuple[EvidenceKind | None, bytes | None, str | None, str | None]:
    kind = r.choice("evidence_kind", EvidenceKind, EvidenceKind.none)
    scan = given.evidence_scan.data if given.evidence_scan else None
    if kind is EvidenceKind.scan:
        return kind, scan, check_scan(scan, r), None
    if scan:
        r.fail("evidence_scan", N_("Choose “scan” as the evidence to attach a scan."))
    if kind is EvidenceKind.signature:
        raw = r.raw.get("signature_sha256")
        signature = check_signature_hash(
            raw if isinstance(raw, str) else None, r, "signature_sha256"
        )
        return kind, None, None, signature
    return kind, None, None, None
