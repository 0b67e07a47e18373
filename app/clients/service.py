"""Clients: the business rules. Everything here is tenant-scoped through the session.

A client is a pseudonym code plus coarse facts in the clear (reports need them) and
optional identity fields sealed one by one under the client's own key. Nothing here
decrypts except :func:`reveal_field` (audited) and :func:`search_identity` (which decrypts
candidates only to confirm them and returns clients, not values).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from itertools import starmap

from sqlalchemy import Uuid, bindparam, func, select, tuple_, update
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.auth.permissions import Permission, require
from app.clients import indexes
from app.clients.models import INDEXED_FIELDS, SEALED_FIELDS, Client
from app.clients.pseudonyms import canonical_code, new_code
from app.clients.validation import (
    FACT_FIELDS,
    ClientFacts,
    ClientIdentity,
    ClientIntake,
    read_facts,
    read_identity_change,
    read_intake,
)
from app.context import Actor
from app.db.base import utcnow
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import N_
from app.keys.sealed import sealed_tables
from app.keys.service import (
    active_tenant_key,
    binding,
    create_client_key,
    destroy_client_keys,
    live_tenant_keys,
    open_for_client,
    preload_client_keys,
    seal_for_client,
    wrapping_tenant_key,
)
from app.networks.linkage import refresh_tokens
from app.regions import region_of
from app.taxonomy import AgeBand, Gender, VictimStatus
from app.validation import CHOOSE, MAX_PAGE, NOT_A_DATE, FieldReader
from crypto import CryptoError, FieldBinding, KeyDestroyed, seal

log = logging.getLogger("haven.clients")

MAX_PER_PAGE = 200


class ClientErased(Conflict):
    """The client's identity was destroyed (crypto-shredding); only coarse facts remain."""


class FieldUnreadable(Conflict):
    """A sealed value failed to open: damaged, or moved from another row or tenant."""


@dataclass(frozen=True)
class ClientRow:
    """One line of the client list: the pseudonym and coarse facts, never identity."""

    id: uuid.UUID
    code: str
    created_at: datetime
    gender: Gender
    age_band: AgeBand
    is_minor: bool
    nationality: str | None
    nationality_region: str | None
    victim_status: VictimStatus
    erased: bool


@dataclass(frozen=True)
class ListCursor:
    """Where a page of the list starts: the (registered at, id) of the row next to it.
    Keyset pagination: a page deep in a large caseload costs what the first one does."""

    created_at: datetime
    id: uuid.UUID

    def __str__(self) -> str:
        micros = (_aware(self.created_at) - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.id.hex}"

    @classmethod
    def parse(cls, text: str | None) -> ListCursor | None:
        """None for anything that is not a cursor (the first page is shown)."""
        micros, _, hex_id = (text or "").partition("-")
        try:
            moment = _EPOCH + timedelta(microseconds=int(micros))
            return cls(moment, uuid.UUID(hex=hex_id))
        except (ValueError, OverflowError):
            return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes; everything Haven stores is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ClientPage:
    rows: list[ClientRow]
    page: int
    per_page: int
    has_next: bool
    #: Clients in the organisation; counted only when asked (a count(*) over a large
    #: caseload costs more than the page itself, and the screen does not need it).
    total: int | None = None
    has_previous: bool = False

    @property
    def next_cursor(self) -> ListCursor | None:
        last = self.rows[-1] if self.has_next and self.rows else None
        return ListCursor(_aware(last.created_at), last.id) if last else None

    @property
    def previous_cursor(self) -> ListCursor | None:
        first = self.rows[0] if self.has_previous and self.rows else None
        return ListCursor(_aware(first.created_at), first.id) if first else None


def get_client(session: Session, ctx: Actor, client_id: uuid.UUID) -> Client:
    """The client with this id in the actor's organisation; any other id is not found."""
    require(ctx, Permission.casework)
    client = session.get(Client, (ctx.tenant_id, client_id))
    if client is None:
        raise NotFound(N_("No such client."))
    return client


def register_client(session: Session, ctx: Actor, intake: ClientIntake) -> Client:
    """Intake: a new client with a fresh pseudonym, coarse facts and optional identity."""
    require(ctx, Permission.casework)
    facts, given = read_intake(intake, ctx.today())
    client = Client(id=uuid.uuid4(), code=unique_code(session), created_by=ctx.user_id)
    _apply_facts(client, facts)
    session.add(client)
    session.flush()  # the client row first: its key row refers to it
    key = create_client_key(session, client.id)
    for field, text in given.items():
        where = binding(session, "clients", field, client.id)
        setattr(client, f"sealed_{field}", seal(key, text, where))
    indexes.set_indexes(client, active_tenant_key(session), given)
    refresh_tokens(session, client.id, given)
    session.flush()
    record_event(
        session, ctx, AuditAction.client_registered, "client", client.id, fields=sorted(given)
    )
    return client


def unique_code(session: Session) -> str:
    """A pseudonym code no client of the session's organisation has yet."""
    for _ in range(50):
        code = new_code()
        if session.scalar(select(Client.id).where(Client.code == code)) is None:
            return code
    raise RuntimeError("no free pseudonym code after 50 draws")  # ~117 million codes


def _clear_sealed_records(session: Session, client_id: uuid.UUID) -> None:
    for table in sealed_tables():
        if table.model is Client:
            continue  # the row in hand, cleared attribute by attribute
        owned = table.select(table.row_id).where(table.client_id == client_id)
        session.execute(
            update(table.model)
            .where(table.row_id.in_(owned))
            .values(dict.fromkeys(table.columns + table.owner.erase_also))
            # Nothing of these tables is loaded on the erasure path.
            .execution_options(synchronize_session=False)
        )


def _apply_facts(client: Client, facts: ClientFacts) -> None:
    for name, value in asdict(facts).items():
        setattr(client, name, value)
    client.nationality_region = region_of(facts.nationality)


def current_facts(client: Client) -> ClientFacts:
    return ClientFacts(**{name: getattr(client, name) for name in FACT_FIELDS})


def editable_client(session: Session, ctx: Actor, client_id: uuid.UUID) -> Client:
    """The client, if their record may still change: an erased client's may not."""
    client = get_client(session, ctx, client_id)
    if client.erased_at is not None:
        raise ClientErased(N_("This client was erased: their identity no longer exists."))
    return client


def update_client_facts(
    session: Session, ctx: Actor, client_id: uuid.UUID, facts: ClientFacts
) -> Client:
    """Replace the client's coarse facts (an API change of some of them starts from
    :func:`current_facts`); the audit event names the facts that changed. An erased
    client's facts stay as they were at erasure: the statistics keep them, nobody edits
    them."""
    client = editable_client(session, ctx, client_id)
    before, updated = current_facts(client), read_facts(facts, ctx.today())
    _apply_facts(client, updated)
    session.flush()
    changed = sorted(f for f in FACT_FIELDS if getattr(before, f) != getattr(updated, f))
    record_event(
        session, ctx, AuditAction.client_facts_updated, "client", client.id, fields=changed
    )
    return client


def update_identity(
    session: Session, ctx: Actor, client_id: uuid.UUID, change: ClientIdentity
) -> Client:
    """Seal new values for the identity fields given; a blank one clears its field."""
    client = _live_client(session, ctx, client_id)
    clean = read_identity_change(change, ctx.today())
    for field, text in clean.items():
        sealed = None
        if text is not None:
            sealed = seal_for_client(
                session, client.id, binding(session, "clients", field, client.id), text
            )
        setattr(client, f"sealed_{field}", sealed)
    indexes.set_indexes(client, wrapping_tenant_key(session, client.id), clean)
    refresh_tokens(session, client.id, clean)
    session.flush()
    record_event(
        session, ctx, AuditAction.client_identity_updated, "client", client.id, fields=sorted(clean)
    )
    return client


def _live_client(session: Session, ctx: Actor, client_id: uuid.UUID) -> Client:
    client = get_client(session, ctx, client_id)
    if client.erased_at is not None:
        raise ClientErased(N_("This client was erased: their identity no longer exists."))
    return client


def list_clients(
    session: Session,
    ctx: Actor,
    page: int = 1,
    per_page: int = 50,
    *,
    after: ListCursor | None = None,
    before: ListCursor | None = None,
    count: bool = False,
) -> ClientPage:
    """Newest first, one page; pseudonym and coarse facts only (no sealed column loaded).
    One row more than the page is read to know whether another page follows.

    ``after`` / ``before`` (keyset) start the page next to a row of the page shown, one
    index seek at any depth; without them ``page`` counts from the newest (an offset,
    bounded by MAX_PAGE: the API's numbered pages)."""
    require(ctx, Permission.casework)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = min(max(page, 1), MAX_PAGE)
    window = {"limit": per_page + 1}
    if before is not None:
        params = {**window, "created_at": before.created_at, "id": before.id}
        rows = list(starmap(ClientRow, session.execute(_CLIENTS_BEFORE, params)))
        newer_still = len(rows) > per_page
        rows = rows[:per_page][::-1]
        return ClientPage(rows, page, per_page, True, None, newer_still)
    if after is not None:
        params = {**window, "created_at": after.created_at, "id": after.id}
        result = session.execute(_CLIENTS_AFTER, params)
    else:
        result = session.execute(_CLIENT_PAGE, {**window, "offset": (page - 1) * per_page})
    rows = list(starmap(ClientRow, result))
    total = session.scalar(select(func.count()).select_from(Client)) if count else None
    has_previous = after is not None or page > 1
    return ClientPage(rows[:per_page], page, per_page, len(rows) > per_page, total, has_previous)


_ROW_COLUMNS = (
    Client.id,
    Client.code,
    Client.created_at,
    Client.gender,
    Client.age_band,
    Client.is_minor,
    Client.nationality,
    Client.nationality_region,
    Client.victim_status,
    Client.erased_at.is_not(None).label("erased"),
)
_NEWEST_FIRST = (Client.created_at.desc(), Client.id.desc())
_KEY = tuple_(Client.created_at, Client.id)
_AT = tuple_(bindparam("created_at", type_=Client.created_at.type), bindparam("id", type_=Uuid()))
#: Built once (the list is the most requested page); columns in ClientRow's order. Each
#: reads the index ix_clients_keyset (tenant_id, created_at, id) from its start point.
_CLIENT_PAGE = (
    select(*_ROW_COLUMNS)
    .order_by(*_NEWEST_FIRST)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_CLIENTS_AFTER = (
    select(*_ROW_COLUMNS).where(_KEY < _AT).order_by(*_NEWEST_FIRST).limit(bindparam("limit"))
)
_CLIENTS_BEFORE = (
    select(*_ROW_COLUMNS)
    .where(_KEY > _AT)
    .order_by(Client.created_at, Client.id)
    .limit(bindparam("limit"))
)


def find_by_code(session: Session, ctx: Actor, code: str) -> Client:
    """The client with this pseudonym ("k7 mora 42" finds K7-MORA-42)."""
    require(ctx, Permission.casework)
    canonical = canonical_code(code)
    client = None
    if canonical is not None:
        client = session.scalar(select(Client).where(Client.code == canonical))
    if client is None:
        raise NotFound(N_("No client has this code."))
    return client


def search_identity(session: Session, ctx: Actor, field: str, value: str) -> list[Client]:
    """Clients whose sealed ``field`` equals ``value`` (normalised), through the blind index.

    XXX: the index is truncated, so it returns candidates shared by several people; each
    is decrypted and compared here, and only confirmed matches leave this function.
    """
    require(ctx, Permission.casework)
    _check_search(field, value)
    column = getattr(Client, f"blind_index_{field}")
    wanted = {indexes.index_of(key, field, value) for key in live_tenant_keys(session)}
    candidates = list(
        session.scalars(select(Client).where(Client.erased_at.is_(None), column.in_(wanted)))
    )
    preload_client_keys(session, [c.id for c in candidates])
    matches = [c for c in candidates if confirmed_match(session, c, field, value)]
    record_event(
        session, ctx, AuditAction.client_searched, None, None, field=field, matches=len(matches)
    )
    return sorted(matches, key=lambda c: c.code)


def _check_search(field: str, value: str) -> None:
    """A search is no command, but what is typed into it follows the same rules."""
    r = FieldReader({"field": field, "value": value}, ("field", "value"))
    if field not in INDEXED_FIELDS:
        r.fail("field", CHOOSE)
    text = r.text("value", 200, required=True)
    if text is not None and r.ok("field"):
        try:
            indexes.NORMALISERS[field](text)
        except ValueError:
            r.fail("value", NOT_A_DATE)
    r.raise_if_failed()


def confirmed_match(session: Session, client: Client, field: str, value: str) -> bool:
    """Whether the client's sealed ``field``, opened, equals ``value`` (normalised)."""
    sealed: bytes | None = getattr(client, f"sealed_{field}")
    if sealed is None:
        return False
    try:
        stored = open_for_client(
            session, client.id, sealed, binding(session, "clients", field, client.id)
        )
    except CryptoError as error:
        log.warning("search: client %s %s unreadable (%s)", client.id, field, type(error).__name__)
        return False
    return indexes.same_value(field, stored, value)


def sealed_fields(client: Client) -> dict[str, bool]:
    """Which identity fields hold a value, in form order (without opening any)."""
    return {field: getattr(client, f"sealed_{field}") is not None for field in SEALED_FIELDS}


def reveal_field(session: Session, ctx: Actor, client_id: uuid.UUID, field: str) -> str | None:
    """Plaintext of one identity field, audited as ``client.reveal``; None if empty."""
    if field not in SEALED_FIELDS:
        raise ValidationFailed({"field": [CHOOSE]})
    client = _live_client(session, ctx, client_id)
    sealed: bytes | None = getattr(client, f"sealed_{field}")
    if sealed is None:
        return None
    text = open_for_reveal(
        session, client.id, sealed, binding(session, "clients", field, client.id), ERASED
    )
    record_event(session, ctx, AuditAction.client_revealed, "client", client.id, field=field)
    return text


ERASED = N_("This client was erased: their identity no longer exists.")


def open_for_reveal(
    session: Session, client_id: uuid.UUID, sealed: bytes, where: FieldBinding, erased: str
) -> str:
    """Plaintext of one sealed value of a client, for a reveal path that checks and audits.
    A destroyed key (erasure) is ``ClientErased`` with the ``erased`` message; any other
    failure (damaged, moved from another row) is ``FieldUnreadable``, logged by position."""
    try:
        return open_for_client(session, client_id, sealed, where)
    except KeyDestroyed:
        raise ClientErased(erased) from None
    except CryptoError as error:
        # XXX: log ids and the error class only; the value could be someone else's.
        log.warning(
            "reveal: %s.%s of row %s unreadable (%s)",
            where.table, where.column, where.row_id, type(error).__name__,
        )  # fmt: skip
        raise FieldUnreadable(N_("This field cannot be opened: it is damaged.")) from None


def erase_client(session: Session, ctx: Actor, client_id: uuid.UUID) -> Client:
    """Crypto-shredding: destroy the client's key so no sealed value of theirs (identity,
    notes in every record) can be opened again. The pseudonym, coarse facts and records
    stay, so reports still count the person. Supervisors only; repeating it is harmless.

    XXX: a backup taken before the erasure still holds the wrapped key, and the tenant
    and master keys that unwrap it, until that backup expires; see the README.
    """
    require(ctx, Permission.erase_client)
    client = get_client(session, ctx, client_id)
    if client.erased_at is not None:
        return client
    destroyed = destroy_client_keys(session, client.id)
    indexes.clear_indexes(client)
    refresh_tokens(session, client.id, {"name": None, "date_of_birth": None})  # tokens go too
    # The ciphertext is unreadable already; clearing it as well means that an old wrapped
    # key restored from a backup meets nothing in the live database: the identity here,
    # and the client's notes in every other sealed table (app.keys.sealed).
    for field in SEALED_FIELDS:
        setattr(client, f"sealed_{field}", None)
    _clear_sealed_records(session, client.id)
    client.erased_at = utcnow()
    session.flush()
    record_event(
        session, ctx, AuditAction.client_erased, "client", client.id, keys_destroyed=destroyed
    )
    return client
