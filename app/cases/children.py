"""The child module of a case: guardian, schooling and child-protection contact.

It applies when the client is a minor (``Client.is_minor``); for an adult client it does
not exist (409). Who may see and change it:

- supervisors of the organisation, who oversee every child case;
- caseworkers *assigned to that case* (assignment is a supervisor's act, see
  :mod:`app.cases.service`);
- for a limited time, a caseworker who opened the case by break-glass (a stated reason,
  supervisors alerted, reviewed afterwards: :mod:`app.disclosure.break_glass`).

Everyone else, including caseworkers of the same organisation who are not assigned, gets
403 on the child-module routes, and the case tab leaves the section out. Why this narrow:
the guardian and the child-protection contact locate a child, which is what a trafficker
looking for them needs; need-to-know is the case team.

XXX: the guardian and the contact are sealed under the client's key, bound to the case's
row; only :func:`reveal_child_details` opens them, after the check above, writing a
``case.revealed`` audit event. Schooling and the service's name stay in the clear (coarse).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, can
from app.cases.inputs import ChildModule
from app.cases.models import Case, ChildDetails, Schooling
from app.cases.service import changeable_case, get_case, is_assigned
from app.clients.models import Client
from app.clients.service import ERASED, ClientErased, get_client, open_for_reveal
from app.context import Actor
from app.errors import Conflict, Forbidden
from app.i18n import N_
from app.keys.service import binding, seal_for_client
from app.validation import FieldReader

log = logging.getLogger("haven.cases")

#: Name and contact details of a person: a little more than a name.
SEALED_MAX = 500
SERVICE_MAX = 120
SEALED = ("guardian", "child_protection_contact")


@dataclass(frozen=True)
class ChildSecrets:
    """The revealed plaintext of the child module's sealed fields (None when empty)."""

    guardian: str | None
    child_protection_contact: str | None


#: "Is this client's case open to this actor for a while, by exception?" (break-glass,
#: decided, time-limited and reviewed in :mod:`app.disclosure.break_glass`). Installed by
#: :mod:`app.wiring`, so that cases need not import the package that decides it.
OpenedByException = Callable[[Session, Actor, uuid.UUID], bool]
_opened_by_exception: list[OpenedByException] = []


def allow_opening_by_exception(check: OpenedByException) -> None:
    if check not in _opened_by_exception:
        _opened_by_exception.append(check)


def may_see_child_module(session: Session, ctx: Actor, case: Case) -> bool:
    """The visibility rule of this module's docstring (``case`` loaded by get_case), or a
    break-glass opening of this case by this actor that is still running."""
    see = Permission.reveal_child_module
    if can(ctx, see) or can(ctx, see, assigned=is_assigned(session, case, ctx.user_id)):
        return True
    return any(opened(session, ctx, case.client_id) for opened in _opened_by_exception)


def child_case(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID
) -> tuple[Client, Case]:
    """The minor client and their case, for an actor allowed to see the child module."""
    case = get_case(session, ctx, client_id, case_id)
    client = get_client(session, ctx, client_id)
    if not client.is_minor:
        raise Conflict(N_("The child module applies to minors only."))
    if not may_see_child_module(session, ctx, case):
        raise Forbidden(
            N_("Only supervisors and the caseworkers assigned to this case see its child module.")
        )
    return client, case


def recorded_sealed_fields(details: ChildDetails | None) -> list[str]:
    """The names of the sealed fields that hold a value (never the values)."""
    return [field for field in SEALED if getattr(details, f"sealed_{field}", None) is not None]


def child_details(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID
) -> ChildDetails | None:
    """The child module's row, still sealed; None until something was recorded."""
    _client, case = child_case(session, ctx, client_id, case_id)
    return session.get(ChildDetails, (ctx.tenant_id, case.id))


def update_child_details(
    session: Session, ctx: Actor, client_id: uuid.UUID, case_id: uuid.UUID, module: ChildModule
) -> ChildDetails:
    """Record the child module. For the sealed fields, None keeps the stored value (forms
    cannot show it without a reveal) and a blank clears it."""
    client, case = child_case(session, ctx, client_id, case_id)
    changeable_case(session, ctx, client_id, case_id)
    r = FieldReader.of(module)
    school = r.choice("schooling", Schooling)
    service_name = r.text("child_protection_service", SERVICE_MAX)
    given = [field for field in SEALED if getattr(module, field) is not None]
    sealed = {field: r.text(field, SEALED_MAX) for field in given}
    r.raise_if_failed()
    assert school is not None
    details = session.get(ChildDetails, (ctx.tenant_id, case.id))
    if details is None:
        details = ChildDetails(case_id=case.id)
        session.add(details)
    details.schooling, details.child_protection_service = school, service_name
    _seal_fields(session, client, case, details, sealed)
    session.flush()
    record_event(session, ctx, AuditAction.case_child_updated, "case", case.id, sealed_fields=given)
    return details


def _seal_fields(
    session: Session,
    client: Client,
    case: Case,
    details: ChildDetails,
    values: dict[str, str | None],
) -> None:
    """Seal each of ``values``; None clears the field."""
    for field, text in values.items():
        sealed = None
        if text:
            if client.erased_at is not None:
                raise ClientErased(N_("This client was erased: nothing sealed can be added."))
            where = binding(session, "child_details", field, case.id)
            sealed = seal_for_client(session, client.id, where, text)
        setattr(details, f"sealed_{field}", sealed)


def reveal_child_details(
    session: Session,
    ctx: Actor,
    client_id: uuid.UUID,
    case_id: uuid.UUID,
    fields: Sequence[str] = SEALED,
) -> ChildSecrets:
    """The guardian and the child-protection contact in plaintext (only ``fields`` of
    them; the others stay None), audited as ``case.revealed`` naming the fields opened,
    when at least one of them is recorded."""
    client, case = child_case(session, ctx, client_id, case_id)
    if client.erased_at is not None:  # erasure also cleared the values: say so first
        raise ClientErased(ERASED)
    details = session.get(ChildDetails, (ctx.tenant_id, case.id))
    opened: dict[str, str | None] = dict.fromkeys(SEALED)
    for field in SEALED:
        if field not in fields:
            continue
        sealed: bytes | None = getattr(details, f"sealed_{field}", None)
        if sealed is not None:
            opened[field] = _open(session, client, case, field, sealed)
    shown = sorted(field for field, text in opened.items() if text is not None)
    if shown:
        record_event(session, ctx, AuditAction.case_revealed, "case", case.id, fields=shown)
    return ChildSecrets(**opened)


def _open(session: Session, client: Client, case: Case, field: str, sealed: bytes) -> str:
    where = binding(session, "child_details", field, case.id)
    return open_for_reveal(session, client.id, sealed, where, ERASED)
