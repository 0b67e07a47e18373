"""Where sealed values live: every mapped table with ``sealed_*`` columns, and how each
row finds the client whose key sealed it (its own ``client_id``, the client row itself,
or its case's client). Key status and verification walk this list, so a new sealed table
is counted and checked without touching them; one with no way to its client is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import QueryableAttribute

from app.cases.models import Case
from app.clients.models import Client


@dataclass(frozen=True)
class SealedTable:
    model: type[Any]
    name: str
    #: The sealed columns' attribute names (``sealed_notes``).
    columns: tuple[str, ...]
    #: The row id the field binding names (``binding(session, name, field, row_id)``).
    row_id: QueryableAttribute[Any]
    #: The client whose key sealed the row's values.
    client_id: QueryableAttribute[Any]
    #: True when the client is reached through the row's case.
    via_case: bool

    def select(self, *columns: ColumnElement[Any] | QueryableAttribute[Any]) -> Select[Any]:
        """``SELECT columns FROM`` the table, joined to the case when the client is the
        case's (so ``client_id`` can be among the columns or in a join)."""
        stmt = select(*columns).select_from(self.model)
        if self.via_case:
            stmt = stmt.join(
                Case, (Case.tenant_id == self.model.tenant_id) & (Case.id == self.model.case_id)
            )
        return stmt

    def rows(self) -> Select[Any]:
        """``SELECT client_id, row_id, sealed columns...``."""
        sealed = [getattr(self.model, c) for c in self.columns]
        return self.select(self.client_id, self.row_id, *sealed)


@cache
def sealed_tables() -> tuple[SealedTable, ...]:
    import app.db.registry  # noqa: F401 - every model, so every sealed column is found
    from app.db.base import Base

    found = []
    for mapper in sorted(Base.registry.mappers, key=lambda m: str(m.class_.__tablename__)):
        columns = tuple(sorted(k for k, _c in mapper.columns.items() if k.startswith("sealed_")))
        if not columns:
            continue
        model, name = mapper.class_, str(mapper.class_.__tablename__)
        keys = [str(c.key) for c in mapper.primary_key if c.key != "tenant_id"]
        if len(keys) != 1:
            raise RuntimeError(f"{name}: sealed values need a single row id besides the tenant")
        row_id = getattr(model, keys[0])
        if model is Client:
            table = SealedTable(model, name, columns, row_id, Client.id, via_case=False)
        elif "client_id" in mapper.columns:
            table = SealedTable(model, name, columns, row_id, model.client_id, via_case=False)
        elif "case_id" in mapper.columns:
            table = SealedTable(model, name, columns, row_id, Case.client_id, via_case=True)
        else:
            raise RuntimeError(f"{name}: sealed columns but no way to the client's key")
        found.append(table)
    return tuple(found)
