"""The organisation's log: checkpoints take new events in as leaves, extend the RFC 6962
tree and sign a C2SP checkpoint of it; bundles export entries with their proofs.

Appending costs requests nothing beyond their INSERT: an event has no place in the log
until a checkpoint (``haven audit checkpoint`` on a timer, or on demand in the auditor's
workspace) gives it the next index. A checkpoint is one transaction: the leaves it adds and
the checkpoint that signs them commit together or not at all, so a process killed half-way
leaves the log exactly as the last checkpoint left it, and the next run starts over.
Once a checkpoint covers an entry, changing, dropping, adding or moving entries before it
makes a bundle fail to verify (the verifier names the entry).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Table, func, select, text
from sqlalchemy.orm import Session

from app.audit.entries import entry_bytes
from app.audit.events import clients_named, entry_of
from app.audit.merkle import CompactRange
from app.audit.models import AuditCheckpoint, AuditEvent, AuditLeaf
from app.audit.notes import origin_for, sign_checkpoint
from app.audit.verifier import HASH_SIZE, Checkpoint, VerifierKey, leaf_hash, note_key_id
from app.db.base import Base
from app.db.tenancy import current_tenant
from app.errors import HavenError
from app.keys.models import SigningKey
from app.keys.signing import SigningPurpose, all_keys, private_key

#: Events taken in per query while extending the tree (bounded memory).
BATCH = 5_000


class LogDamaged(HavenError):
    """The server's own record of the log no longer matches what it signed."""

    status = 409


@dataclass(frozen=True)
class CheckpointMade:
    checkpoint: AuditCheckpoint
    #: Leaves added by this run (0: nothing new, the latest checkpoint was returned).
    added: int


def _tenant(session: Session) -> uuid.UUID:
    tenant_id = current_tenant(session)
    if tenant_id is None:
        raise ValueError("the audit log belongs to an organisation: bind one first")
    return tenant_id


def origin(session: Session, host: str) -> str:
    return origin_for(host, _tenant(session))


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(1))


def checkpoints(session: Session, limit: int = 100) -> list[AuditCheckpoint]:
    """The organisation's checkpoints, newest first."""
    return list(
        session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.size.desc()).limit(limit))
    )


def pending_count(session: Session) -> int:
    """Events no checkpoint has taken in yet."""
    return session.scalar(select(func.count()).select_from(AuditEvent).where(_not_in_log())) or 0


def make_checkpoint(session: Session, host: str) -> CheckpointMade:
    """Take every event not yet in the log in, in time order, and sign the new tree.

    Flushes, never commits: the caller's unit of work commits leaves and checkpoint at once.
    """
    tenant_id = _tenant(session)
    _lock(session, tenant_id)
    latest = latest_checkpoint(session)
    tree = _border(session, latest)
    added = 0
    for events in _pending(session):
        codes = client_codes(session, {c for e in events for c in clients_named(e)})
        for event in events:
            digest = leaf_hash(entry_bytes(entry_of(event, tree.size, codes)))
            session.add(AuditLeaf(log_index=tree.size, event_id=event.id, leaf_hash=digest))
            tree.append(digest)
            added += 1
        session.flush()
    if latest is not None and added == 0:
        return CheckpointMade(latest, 0)
    key_row, key = private_key(session, SigningPurpose.audit_log)
    root = tree.root()
    note = sign_checkpoint(Checkpoint(origin_for(host, tenant_id), tree.size, root), key)
    made = AuditCheckpoint(
        size=tree.size,
        root=root,
        border=b"".join(tree.hashes),
        note=note,
        key_version=key_row.version,
    )
    session.add(made)
    session.flush()
    return CheckpointMade(made, added)


def _lock(session: Session, tenant_id: uuid.UUID) -> None:
    # One checkpoint at a time per organisation; requests never take this lock. Elsewhere
    # (SQLite) the database has one writer, and the primary keys refuse a second index or
    # size anyway.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"haven.audit.checkpoint:{tenant_id}"},
        )


def _border(session: Session, latest: AuditCheckpoint | None) -> CompactRange:
    if latest is None:
        leaves = session.scalar(select(func.count()).select_from(AuditLeaf)) or 0
        if leaves:
            raise LogDamaged(f"{leaves} leaves exist without any checkpoint")
        return CompactRange()
    raw = latest.border
    tree = CompactRange(
        latest.size, [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]
    )
    if tree.root() != latest.root:
        raise LogDamaged(f"the stored border of checkpoint {latest.size} does not give its root")
    highest = session.scalar(select(func.max(AuditLeaf.log_index)))
    if (highest if highest is not None else -1) != latest.size - 1:
        raise LogDamaged(f"the leaves do not end where checkpoint {latest.size} ends")
    return tree


def _not_in_log() -> ColumnElement[bool]:
    return ~select(AuditLeaf.log_index).where(AuditLeaf.event_id == AuditEvent.id).exists()


def _pending(session: Session) -> Iterator[list[AuditEvent]]:
    while True:
        batch = list(
            session.scalars(
                select(AuditEvent)
                .where(_not_in_log())
                .order_by(AuditEvent.occurred_at, AuditEvent.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        yield batch


def client_codes(session: Session, client_ids: set[str]) -> dict[str, str]:
    """Pseudonym codes of the organisation's clients, by id (as strings).

    The clients table is read through the metadata, not its model: the clients package
    records audit events, so this package must not import it.
    """
    ids = [uuid.UUID(i) for i in client_ids if _is_uuid(i)]
    if not ids:
        return {}
    clients: Table = Base.metadata.tables["clients"]
    rows = session.execute(
        select(clients.c.id, clients.c.code).where(
            clients.c.tenant_id == _tenant(session), clients.c.id.in_(ids)
        )
    )
    return {str(row.id): row.code for row in rows}


def client_id_for_code(session: Session, code: str) -> uuid.UUID | None:
    clients: Table = Base.metadata.tables["clients"]
    return session.scalar(
        select(clients.c.id).where(
            clients.c.tenant_id == _tenant(session), clients.c.code == code.strip().upper()
        )
    )


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def verifier_keys(session: Session, host: str) -> list[VerifierKey]:
    """The organisation's audit verifier keys, current first (older ones sign older
    checkpoints). Makes the key if the organisation has none yet."""
    name = origin(session, host)
    rows = all_keys(session, SigningPurpose.audit_log)
    if not rows:
        private_key(session, SigningPurpose.audit_log)
        rows = all_keys(session, SigningPurpose.audit_log)
    return [_vkey(name, row) for row in rows]


def _vkey(name: str, row: SigningKey) -> VerifierKey:
    return VerifierKey(name, note_key_id(name, row.public_key), row.public_key)


def current_vkey(session: Session, host: str) -> VerifierKey:
    return verifier_keys(session, host)[0]


def vkey_text(keys: Sequence[VerifierKey]) -> str:
    return "".join(f"{key}\n" for key in keys)
