"""The application wall of tenant isolation (the database wall is row-level security).

Every ORM statement run through a Haven session gets ``with_loader_criteria`` for the
session's tenant. A session with no tenant sees no tenant-owned row at all: deny by default.
On PostgreSQL the same tenant (and the signed-in user) is written into transaction-local
settings that the RLS policies read, so a pooled connection forgets them on commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from app.db.base import TenantScoped

TENANT_KEY = "tenant_id"
USER_KEY = "user_id"
#: Execution option for the few platform-level reads that must span tenants (none yet in
#: domain code). XXX: never set this on a request path that serves tenant users.
SKIP_GUARD = "haven_skip_tenant_guard"


class TenantMismatch(RuntimeError):
    """A tenant-owned row was about to be written into another tenant than the session's."""


def current_tenant(session: Session) -> uuid.UUID | None:
    value = session.info.get(TENANT_KEY)
    return value if isinstance(value, uuid.UUID) else None


def bind_actor(session: Session, tenant_id: uuid.UUID | None, user_id: uuid.UUID | None) -> None:
    """Point the session at a tenant and user; applies at once if a transaction is open."""
    if session.info.get(TENANT_KEY) == tenant_id and session.info.get(USER_KEY) == user_id:
        return  # already what the open transaction (if any) was given
    session.info[TENANT_KEY] = tenant_id
    session.info[USER_KEY] = user_id
    if session.in_transaction():
        for connection in _open_connections(session):
            _set_database_context(connection, tenant_id, user_id)


def note_database_context(
    session: Session, tenant_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> None:
    """Record a binding that a statement of this transaction has already set in the
    database (``haven_session_principal``), so that the guard filters by the same tenant.

    XXX: only after the database was told exactly this in the open transaction; anywhere
    else use :func:`bind_actor`, or the ORM guard and RLS would disagree.
    """
    session.info[TENANT_KEY] = tenant_id
    session.info[USER_KEY] = user_id


def _open_connections(session: Session) -> list[Connection]:
    transaction = session.get_transaction()
    if transaction is None:
        return []
    # The transaction indexes each connection under its engine and itself: dedupe.
    unique = {id(conn): conn for conn, *_ in transaction._connections.values()}
    return list(unique.values())


def _set_database_context(
    connection: Connection, tenant_id: uuid.UUID | None, user_id: uuid.UUID | None
) -> None:
    if connection.dialect.name != "postgresql":
        return
    # is_local=true: the settings die with the transaction, so the next borrower of this
    # pooled connection starts with none and sees nothing until it sets its own.
    settings = {"t": str(tenant_id) if tenant_id else "", "u": str(user_id) if user_id else ""}
    connection.execute(_SET_CONTEXT, settings)


_SET_CONTEXT = text(
    "SELECT set_config('app.tenant_id', :t, true), set_config('app.user_id', :u, true)"
)


def install_tenant_guard(session_class: type[Session]) -> None:
    """Attach the guard's listeners to a Session class (the app's sessionmaker's class)."""

    @event.listens_for(session_class, "do_orm_execute")
    def _filter_by_tenant(state: ORMExecuteState) -> None:
        if state.execution_options.get(SKIP_GUARD):
            return
        if not (state.is_select or state.is_update or state.is_delete):
            return
        tenant_id = current_tenant(state.session)
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantScoped,
                lambda cls: cls.tenant_id == tenant_id,
                include_aliases=True,
                track_closure_variables=True,
            )
        )

    @event.listens_for(session_class, "after_begin")
    def _set_rls_context(session: Session, _tx: SessionTransaction, conn: Connection) -> None:
        tenant_id, user_id = current_tenant(session), session.info.get(USER_KEY)
        # Nothing to say when nobody is bound yet (the sign-in lookup that starts every
        # request): settings are only ever set transaction-local, so a new transaction
        # starts with none and the policies deny; bind_actor sets them when known.
        if tenant_id is not None or user_id is not None:
            _set_database_context(conn, tenant_id, user_id)

    @event.listens_for(session_class, "before_flush")
    def _stamp_tenant(session: Session, _ctx: Any, _instances: Any) -> None:
        tenant_id = current_tenant(session)
        for obj in list(session.new) + list(session.dirty):
            if not isinstance(obj, TenantScoped):
                continue
            if obj.tenant_id is None and tenant_id is not None:
                obj.tenant_id = tenant_id
            elif obj.tenant_id != tenant_id:
                raise TenantMismatch(f"refusing to write a {type(obj).__name__} of another tenant")


@contextmanager
def acting_in(session: Session, tenant_id: uuid.UUID) -> Iterator[None]:
    """Temporarily bind the session to one tenant (platform work such as creating an
    organisation's first key), then restore the previous binding."""
    previous = (current_tenant(session), session.info.get(USER_KEY))
    bind_actor(session, tenant_id, previous[1])
    try:
        yield
        # Rows added inside belong to this tenant: write them before the binding changes.
        session.flush()
    finally:
        bind_actor(session, *previous)
