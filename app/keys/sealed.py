"""Where sealed values live: every mapped table with ``sealed_*`` columns, and how each
row finds the client whose key sealed it. Each such model says so itself with a
``__sealed_owner__`` (:class:`SealedOwner`): the client row itself, its own ``client_id``,
or a parent row's ``client_id`` (a risk reaches its client through its case). Key status,
verification and erasure walk :func:`sealed_tables`, so a new sealed table is counted,
checked and erased without touching them; one that does not declare its owner is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import QueryableAttribute

from app.db.base import Base


@dataclass(frozen=True)
class SealedOwner:
    """How rows of one model reach the client whose key sealed their values."""

    #: The model holding the client id: None for the model itself.
    parent: type[Any] | None = None
    #: The column (on the model, or on ``parent``) holding the client id.
    client_column: str = "client_id"
    #: The model's column pointing at ``parent``'s ``id`` (same tenant).
    parent_column: str | None = None
    #: Plain (unsealed) free-text columns that erasure clears with the sealed ones.
    erase_also: tuple[str, ...] = ()

    @classmethod
    def itself(cls) -> SealedOwner:
        """The row is the client."""
        return cls(client_column="id")

    @classmethod
    def through(
        cls, parent: type[Any], parent_column: str, erase_also: tuple[str, ...] = ()
    ) -> SealedOwner:
        """The client is the ``parent`` row's (``parent.client_id``)."""
        return cls(parent=parent, parent_column=parent_column, erase_also=erase_also)


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
    owner: SealedOwner

    @property
    def via_case(self) -> bool:
        """True when the client is reached through a parent row (the case)."""
        return self.owner.parent is not None

    def select(self, *columns: ColumnElement[Any] | QueryableAttribute[Any]) -> Select[Any]:
        """``SELECT columns FROM`` the table, joined to the parent row when the client is
        the parent's (so ``client_id`` can be among the columns or in a join)."""
        stmt = select(*columns).select_from(self.model)
        parent, link = self.owner.parent, self.owner.parent_column
        if parent is not None and link is not None:
            stmt = stmt.join(
                parent,
                (parent.tenant_id == self.model.tenant_id)
                & (parent.id == getattr(self.model, link)),
            )
        return stmt

    def rows(self) -> Select[Any]:
        """``SELECT client_id, row_id, sealed columns...``."""
        sealed = [getattr(self.model, c) for c in self.columns]
        return self.select(self.client_id, self.row_id, *sealed)


@cache
def sealed_tables() -> tuple[SealedTable, ...]:
    """Every sealed table of the mapped models.

    XXX: the answer is cached, so every model must be imported before the first call;
    ``create_app`` imports :mod:`app.models` (all of them) before anything can call this.
    """
    found = []
    for mapper in sorted(Base.registry.mappers, key=lambda m: str(m.class_.__tablename__)):
        columns = tuple(sorted(k for k, _c in mapper.columns.items() if k.startswith("sealed_")))
        if not columns:
            continue
        model, name = mapper.class_, str(mapper.class_.__tablename__)
        keys = [str(c.key) for c in mapper.primary_key if c.key != "tenant_id"]
        if len(keys) != 1:
            raise RuntimeError(f"{name}: sealed values need a single row id besides the tenant")
        owner = getattr(model, "__sealed_owner__", None)
        if not isinstance(owner, SealedOwner):
            raise RuntimeError(
                f"{name}: sealed columns but no __sealed_owner__ to the client's key"
            )
        holder = owner.parent or model
        client_id = getattr(holder, owner.client_column)
        found.append(SealedTable(model, name, columns, getattr(model, keys[0]), client_id, owner))
    return tuple(found)
