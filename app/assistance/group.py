"""Group intake: the same service recorded for several clients at once (a raid, a group
referral, DOMAIN.md). All or nothing: one unknown client and no record is kept."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from app.assistance.inputs import ServiceInput
from app.assistance.models import AssistanceRecord
from app.assistance.service import new_record, read_service_input, require_not_erased
from app.auth.permissions import Permission, require
from app.cases.service import open_case_ids
from app.clients.models import Client
from app.clients.pseudonyms import canonical_code
from app.context import Actor
from app.errors import NotFound, ValidationFailed
from app.i18n import N_
from app.keys.service import preload_client_keys

#: Larger groups are split by the caseworker; it keeps one request short.
GROUP_MAX = 200


def record_group_service(
    session: Session, ctx: Actor, client_ids: Sequence[uuid.UUID], data: ServiceInput
) -> list[AssistanceRecord]:
    """The same service for several clients at once (a raid, a group referral): one record
    per client sharing a ``group_id``. All or nothing: one unknown client and none is kept."""
    require(ctx, Permission.casework)
    wanted = list(dict.fromkeys(client_ids))
    if not wanted:
        raise ValidationFailed({"clients": [N_("Name at least one client.")]})
    if len(wanted) > GROUP_MAX:
        raise ValidationFailed({"clients": [N_("Record at most 200 clients at once.")]})
    clients = {c.id: c for c in session.scalars(select(Client).where(Client.id.in_(wanted)))}
    if len(clients) != len(wanted):
        raise NotFound(N_("No such client."))
    clean = read_service_input(session, ctx, data)
    for client in clients.values():
        require_not_erased(client)
    cases = open_case_ids(session, wanted)
    if clean.notes:
        preload_client_keys(session, wanted)
    group_id = uuid.uuid4()
    records = [new_record(session, ctx, cid, cases.get(cid), clean, group_id) for cid in wanted]
    session.flush()
    return records


def find_clients(session: Session, ctx: Actor, references: str) -> list[uuid.UUID]:
    """Client ids for a group intake typed as pseudonym codes (or client ids), one per line.

    Lines that match no client of this organisation are reported by number, never echoed:
    someone may have typed a name instead of a code.
    """
    require(ctx, Permission.casework)
    lines = [(n, line.strip()) for n, line in enumerate(references.splitlines(), 1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise ValidationFailed({"clients": [N_("Name at least one client.")]})
    if len(lines) > GROUP_MAX:
        raise ValidationFailed({"clients": [N_("Record at most 200 clients at once.")]})
    refs = [(n, _as_uuid(line), canonical_code(line)) for n, line in lines]
    ids = {as_id for _, as_id, _ in refs if as_id is not None}
    codes = {code for _, as_id, code in refs if as_id is None and code is not None}
    query = select(Client.id, Client.code, Client.erased_at).where(
        or_(Client.id.in_(ids), Client.code.in_(codes))
    )
    rows = session.execute(query).all() if ids or codes else []
    found, missing, erased = _match(refs, rows)
    # Line numbers follow each translated sentence as a second, untranslated message.
    problems: list[str] = []
    if missing:
        problems += [N_("These lines match no client:"), ", ".join(missing)]
    if erased:
        problems += [N_("These lines are clients who were erased:"), ", ".join(erased)]
    if problems:
        raise ValidationFailed({"clients": problems})
    return found


def _match(
    refs: list[tuple[int, uuid.UUID | None, str | None]],
    rows: Sequence[Row[uuid.UUID, str, datetime | None]],
) -> tuple[list[uuid.UUID], list[str], list[str]]:
    """The clients the lines name, and the numbers of the lines naming no client or an
    erased one."""
    known_ids = {client_id for client_id, _, _ in rows}
    by_code = {code: client_id for client_id, code, _ in rows}
    erased_ids = {client_id for client_id, _, erased_at in rows if erased_at is not None}
    found: list[uuid.UUID] = []
    missing: list[str] = []
    erased: list[str] = []
    for n, as_id, code in refs:
        client_id = as_id if as_id in known_ids else by_code.get(code or "")
        if client_id is None:
            missing.append(str(n))
        elif client_id in erased_ids:
            erased.append(str(n))
        else:
            found.append(client_id)
    return found, missing, erased


def _as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
