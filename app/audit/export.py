"""Exporting an organisation's log as a bundle (docs/audit-bundle.md) for an auditor.

Entries are rebuilt from today's rows at the indexes their leaves fixed, but the tree and
proofs come from the leaf hashes recorded when each entry was taken in: an entry changed,
dropped, added or moved since then no longer matches its proof, and the auditor's
verifier names it. Nothing here writes to the database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.bundle import write_bundle
from app.audit.entries import entry_bytes
from app.audit.events import clients_named, entry_of
from app.audit.log import (
    BATCH,
    LogDamaged,
    checkpoints,
    client_codes,
    latest_checkpoint,
    verifier_keys,
)
from app.audit.merkle import MerkleTree
from app.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from app.errors import NotFound
from app.i18n import N_


@dataclass(frozen=True)
class Period:
    """Entries whose time is in ``[since, until)``; None: open on that side."""

    since: datetime | None = None
    until: datetime | None = None

    @property
    def whole(self) -> bool:
        return self.since is None and self.until is None


@dataclass(frozen=True)
class Exported:
    checkpoint: AuditCheckpoint
    start: int
    end: int
    #: Entries written (fewer than ``end - start`` when rows have gone from the database).
    written: int


def export_bundle(
    session: Session,
    host: str,
    target: str | os.PathLike[str] | IO[bytes],
    period: Period = Period(),
    *,
    since_size: int | None = None,
    as_zip: bool = True,
) -> Exported:
    """Write the bundle of ``period`` against the latest checkpoint.

    ``since_size``: the size of a checkpoint the auditor kept, to prove this one extends
    it (the sizes of the organisation's earlier checkpoints are included anyway).
    """
    checkpoint = latest_checkpoint(session)
    if checkpoint is None:
        raise NotFound(N_("The audit log has no checkpoint yet: make one first."))
    tree = _recorded_tree(session, checkpoint)
    start, end = _range(session, checkpoint.size, period)
    entries = list(_entries(session, start, end))
    earlier = [c.size for c in checkpoints(session, limit=50) if c.size < checkpoint.size]
    if since_size is not None and 0 <= since_size <= checkpoint.size:
        earlier.append(since_size)
    info = {
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "period_since": period.since.isoformat() if period.since else "",
        "period_until": period.until.isoformat() if period.until else "",
    }
    write_bundle(
        target,
        entries=entries,
        start=start,
        end=end,
        tree=tree,
        signed_checkpoint=checkpoint.note,
        verifier_keys=[str(key) for key in verifier_keys(session, host)],
        consistency_from=earlier,
        info=info,
        as_zip=as_zip,
    )
    return Exported(checkpoint, start, end, len(entries))


def _recorded_tree(session: Session, checkpoint: AuditCheckpoint) -> MerkleTree:
    hashes = list(
        session.scalars(
            select(AuditLeaf.leaf_hash)
            .where(AuditLeaf.log_index < checkpoint.size)
            .order_by(AuditLeaf.log_index)
        )
    )
    tree = MerkleTree(hashes) if all(len(h) == 32 for h in hashes) else None
    if tree is None or tree.size != checkpoint.size or tree.root() != checkpoint.root:
        # XXX: the leaf records themselves were changed; no honest proof can be made.
        raise LogDamaged(
            N_("The recorded leaves no longer give the root of the signed checkpoint.")
        )
    return tree


def _range(session: Session, size: int, period: Period) -> tuple[int, int]:
    """The smallest run of indexes holding every entry of the period (a run may hold a few
    entries from just outside it: indexes follow the order entries were taken in)."""
    if period.whole:
        return 0, size
    query = (
        select(func.min(AuditLeaf.log_index), func.max(AuditLeaf.log_index))
        .join(AuditEvent, AuditEvent.id == AuditLeaf.event_id)
        .where(AuditLeaf.log_index < size)
    )
    if period.since is not None:
        query = query.where(AuditEvent.occurred_at >= period.since)
    if period.until is not None:
        query = query.where(AuditEvent.occurred_at < period.until)
    low, high = session.execute(query).one()
    if low is None:
        return size, size
    return int(low), int(high) + 1


def _entries(session: Session, start: int, end: int) -> Iterator[bytes]:
    for first in range(start, end, BATCH):
        rows = session.execute(
            select(AuditLeaf.log_index, AuditEvent)
            .outerjoin(AuditEvent, AuditEvent.id == AuditLeaf.event_id)
            .where(AuditLeaf.log_index >= first, AuditLeaf.log_index < min(first + BATCH, end))
            .order_by(AuditLeaf.log_index)
        ).all()
        codes = client_codes(session, {c for _, e in rows if e for c in clients_named(e)})
        for index, event in rows:
            if event is None:
                continue  # the row is gone: the verifier reports the index as missing
            try:
                yield entry_bytes(entry_of(event, index, codes))
            except ValueError:
                # A row changed into something no entry can hold: left out, so the
                # verifier names it missing rather than the export failing.
                continue
