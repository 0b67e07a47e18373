"""Correcting and removing assistance records entered in error.

A correction applies every rule of recording (:func:`read_service_input`) to the record as
it would become, so a corrected record is one that could have been recorded that way. A
removal deletes the row: the schema keeps no history of records, the audit log does.

Records of an erased client are frozen: neither corrected nor removed (409).

XXX: the audit events name the fields that changed, or the reason code of a removal, never a
value. The log is read by auditors who must not see client content; a value here (a date, a
language, a note) would make it a second, unsealed copy of the record.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.assistance.inputs import SERVICE_FIELDS, Changes, CorrectionInput, ServiceInput
from app.assistance.models import AssistanceRecord
from app.assistance.service import get_service, read_service_input
from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.clients.service import get_client
from app.context import Actor
from app.errors import Conflict, ValidationFailed
from app.i18n import N_
from app.keys.service import binding, seal_for_client
from app.validation import FieldReader, typed_input

#: The columns a correction may change: a service's fields but the notes (they are sealed).
COLUMNS = SERVICE_FIELDS - {"notes"}


class RemovalReason(enum.StrEnum):
    """Why a record entered in error is removed (a wrong detail is corrected instead)."""

    duplicate = "duplicate"
    wrong_client = "wrong_client"
    never_delivered = "never_delivered"


@dataclass(frozen=True)
class Correction:
    record: AssistanceRecord
    #: Names of the fields that changed, ``notes`` when they were replaced or cleared.
    changed: tuple[str, ...]


def recorded_fields(record: AssistanceRecord) -> dict[str, object]:
    """The record's values as service fields; the notes are left out, they stay sealed."""
    return {name: getattr(record, name) for name in COLUMNS}


def correct_service(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    record_id: uuid.UUID,
    changes: Changes[CorrectionInput],
) -> Correction:
    """Correct one record; fields left out keep their value.

    ``notes``: text replaces the sealed notes, None or blank clears them, left out keeps
    them; ``clear_notes`` true clears them too. Nothing changed, nothing is written.
    """
    record = changeable_service(session, ctx, client_id, record_id)
    merged = changes.applied_to(recorded_fields(record))
    clear, problems = _read_clear_notes(merged)
    data = typed_input(ServiceInput, {n: merged[n] for n in SERVICE_FIELDS if n in merged})
    try:
        clean = read_service_input(session, ctx, data, kept_subtype=record.subtype_id)
    except ValidationFailed as failed:
        raise ValidationFailed({**failed.fields, **problems}) from None  # all at once
    if problems:
        raise ValidationFailed(problems)
    changed = [name for name in COLUMNS if getattr(record, name) != getattr(clean, name)]
    for name in changed:
        setattr(record, name, getattr(clean, name))
    if _replace_notes(session, record, clean.notes, clear=clear or "notes" in changes.fields):
        changed.append("notes")
    if changed:
        session.flush()
        record_event(
            session,
            ctx,
            AuditAction.service_corrected,
            "assistance_record",
            record.id,
            fields=sorted(changed),
        )
    return Correction(record, tuple(sorted(changed)))


def remove_service(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID, reason: object
) -> RemovalReason:
    """Delete one record entered in error, for one of the :class:`RemovalReason`."""
    record = changeable_service(session, ctx, client_id, record_id)
    code = _read_reason(reason)
    session.delete(record)
    session.flush()
    record_event(
        session, ctx, AuditAction.service_removed, "assistance_record", record.id, reason=code.value
    )
    return code


def changeable_service(
    session: Session, ctx: Actor, client_id: uuid.UUID, record_id: uuid.UUID
) -> AssistanceRecord:
    """One record of this client that may still be corrected or removed."""
    client = get_client(session, ctx, client_id)
    record = get_service(session, ctx, client.id, record_id)  # the client from the identity map
    if client.erased_at is not None:
        raise Conflict(N_("This client was erased; their records can no longer be changed."))
    return record


def _read_clear_notes(changes: Mapping[str, object]) -> tuple[bool, dict[str, list[str]]]:
    """The "clear the notes" box; ticked together with new notes, it is a contradiction."""
    r = FieldReader({"clear_notes": changes.get("clear_notes")}, {"clear_notes"})
    clear = bool(r.flag("clear_notes"))
    if clear and _has_text(changes.get("notes")):
        r.fail("clear_notes", N_("Either write new notes or clear the notes, not both."))
    return clear, r.fields


def _replace_notes(
    session: Session, record: AssistanceRecord, notes: str | None, *, clear: bool
) -> bool:
    """Seal new notes, or clear the old ones when asked; True when the notes changed.
    The old notes are never opened: new text counts as a change even if it is the same."""
    if notes:
        where = binding(session, "assistance_records", "notes", record.id)
        record.sealed_notes = seal_for_client(session, record.client_id, where, notes)
        return True
    if clear and record.sealed_notes is not None:
        record.sealed_notes = None
        return True
    return False


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _read_reason(reason: object) -> RemovalReason:
    r = FieldReader({"reason": reason}, {"reason"})
    code = r.choice("reason", RemovalReason)
    r.raise_if_failed()
    assert code is not None
    return code
