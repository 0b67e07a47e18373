"""``haven keys verify``: unwrap every live key and open a sample of the sealed values of
every sealed table (app.keys.sealed) in every organisation. Failures name ids, tables,
columns and error classes, never a value. Never on a request path."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.tenancy import acting_in
from app.key_admin.maintenance import _live_tenant_rows, _organisations, safe_error
from app.keys.models import ClientKey, PlatformKey
from app.keys.sealed import SealedTable, sealed_tables
from app.keys.service import binding, keyring, open_for_client, tenant_key
from crypto import CryptoError


@dataclass(frozen=True)
class VerifyFailure:
    #: The client whose value failed, or None for a tenant or platform key.
    client_id: uuid.UUID | None
    #: ``table.column`` (``clients.sealed_name``) or key id (``t2``) that failed.
    what: str
    #: Error class only, e.g. ``SealBroken``: never a value.
    error: str


@dataclass(frozen=True)
class TenantCheck:
    slug: str
    keys_checked: int
    values_checked: int
    failures: list[VerifyFailure]


def verify_sample(session: Session, sample: int = 20) -> list[TenantCheck]:
    """Unwrap every live key and open the sealed values of up to ``sample`` random rows
    per sealed table and organisation."""
    checks = [_check_platform(session)]
    for org in _organisations(session):
        with acting_in(session, org.id):
            checks.append(_check_tenant(session, org.slug, sample))
    return checks


def _check_platform(session: Session) -> TenantCheck:
    failures, checked = [], 0
    for row in session.scalars(select(PlatformKey)):
        checked += 1
        try:
            keyring(session).get("platform", row.key_id)
        except CryptoError as error:
            failures.append(VerifyFailure(None, row.key_id, safe_error(error)))
    return TenantCheck("(platform)", checked, 0, failures)


def _check_tenant(session: Session, slug: str, sample: int) -> TenantCheck:
    failures: list[VerifyFailure] = []
    live = _live_tenant_rows(session)
    for row in live:
        try:
            tenant_key(session, row.key_id)
        except CryptoError as error:
            failures.append(VerifyFailure(None, row.key_id, safe_error(error)))
    opened = 0
    for table in sealed_tables():
        table_opened, table_failures = _check_table(session, table, sample)
        opened += table_opened
        failures += table_failures
    return TenantCheck(slug, len(live), opened, failures)


def _check_table(
    session: Session, table: SealedTable, sample: int
) -> tuple[int, list[VerifyFailure]]:
    """Rows of clients whose key still exists (an erased client has none), with at least
    one sealed value, in random order."""
    stmt = (
        table.rows()
        .join(ClientKey, ClientKey.client_id == table.client_id)
        .where(ClientKey.wrapped.is_not(None))
        .where(or_(*[getattr(table.model, c).is_not(None) for c in table.columns]))
        .order_by(func.random())
        .limit(sample)
    )
    opened, failures = 0, []
    for client_id, row_id, *values in session.execute(stmt):
        for column, sealed in zip(table.columns, values, strict=True):
            if sealed is None:
                continue
            where = binding(session, table.name, column.removeprefix("sealed_"), row_id)
            try:
                open_for_client(session, client_id, sealed, where)
                opened += 1
            except CryptoError as error:
                what = f"{table.name}.{column}"
                failures.append(VerifyFailure(client_id, what, safe_error(error)))
    return opened, failures
