"""Key maintenance across organisations: rotate, retire, report, verify. For the ``haven
keys`` commands (``app.key_admin.cli``); never on a request path.

The tenant guard filters every statement to one organisation, so cross-tenant work loops
over organisations and binds the session to each in turn with ``acting_in``.

Resumability (a crash or Ctrl-C half-way leaves every value readable, and running the
same command again finishes the job):

- master rotation adds a master version only when every live key is already under the
  active one; otherwise it resumes re-wrapping under the active version;
- tenant rotation creates ``t<n+1>`` only when the tenant has one live version; while two
  are live it resumes moving client keys to the newest, and retires the older versions
  once no client key is wrapped by them. A client key and the client's blind indexes move
  together in one row update, so either both are under the old version or both under the
  new one (``app.clients.indexes``).

No sealed field is ever re-encrypted: only wrapped keys change.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.actions import AuditAction
from app.audit.service import record_event
from app.clients.indexes import set_indexes
from app.clients.models import INDEXED_FIELDS, Client
from app.context import Actor
from app.db.base import utcnow
from app.db.tenancy import acting_in
from app.errors import Conflict, NotFound
from app.keys.models import ClientKey, PlatformKey, SigningKey, TenantKey
from app.keys.sealed import sealed_tables
from app.keys.service import (
    _PLATFORM_CONTEXT,
    binding,
    client_owner,
    keyring,
    master,
    preload_client_keys,
    signing_context,
    tenant_key,
)
from app.tenants.models import Organisation
from crypto import (
    CryptoError,
    client_context,
    new_data_key,
    rewrap,
    rewrap_to_active,
    tenant_context,
    wrapped_by,
)

log = logging.getLogger("haven.keys")


class KeyMaintenanceError(Conflict):
    """A maintenance step that would make data unreadable, refused. Message names keys."""


@dataclass(frozen=True)
class MasterRotation:
    active: str
    #: The version this run created; None when it resumed an interrupted rotation.
    added: str | None
    rewrapped: int


@dataclass(frozen=True)
class TenantRotation:
    tenant_id: uuid.UUID
    target: str
    rewrapped: int
    remaining: int
    retired: list[str]


def _organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.slug)))


def _live_tenant_rows(session: Session) -> list[TenantKey]:
    return list(
        session.scalars(
            select(TenantKey).where(TenantKey.retired_at.is_(None)).order_by(TenantKey.version)
        )
    )


#: A key wrapped by a master version, with its tenant (None for a platform key).
@dataclass(frozen=True)
class _MasterWrapped:
    """A key wrapped by a master version: a tenant key, a signing key or a platform key."""

    tenant_id: uuid.UUID | None
    row: TenantKey | SigningKey | PlatformKey
    context: bytes


def _wrapped_master_keys(session: Session) -> list[_MasterWrapped]:
    """Every live key wrapped by a master version: per tenant its tenant keys and signing
    keys, then the platform keys."""
    found: list[_MasterWrapped] = []
    for org in _organisations(session):
        with acting_in(session, org.id):
            context = tenant_context(str(org.id))
            found.extend(_MasterWrapped(org.id, r, context) for r in _live_tenant_rows(session))
            for key in session.scalars(select(SigningKey)):
                signing = signing_context(str(org.id), key.purpose)
                found.append(_MasterWrapped(org.id, key, signing))
    found.extend(
        _MasterWrapped(None, r, _PLATFORM_CONTEXT) for r in session.scalars(select(PlatformKey))
    )
    return found


def rotate_master(session: Session) -> MasterRotation:
    """New master version (unless resuming), then every live tenant, signing and platform
    key re-wrapped under it. Retire the old version afterwards with :func:`retire_master`."""
    provider = master(session)
    keys = _wrapped_master_keys(session)
    added = None
    if all(wrapped_by(k.row.wrapped) == provider.active_key_id() for k in keys):
        added = provider.add_version()
    active = provider.active_key_id()
    rewrapped = 0
    moved: set[uuid.UUID] = set()
    for key in keys:
        updated = rewrap_to_active(provider, key.row.wrapped, key.context, key.row.key_id)
        if updated == key.row.wrapped:
            continue
        if key.tenant_id is None:
            key.row.wrapped, key.row.master_key_id = updated, active
            session.flush()
        else:
            with acting_in(session, key.tenant_id):
                key.row.wrapped, key.row.master_key_id = updated, active
            moved.add(key.tenant_id)
        rewrapped += 1
    for tenant_id in sorted(moved):
        with acting_in(session, tenant_id):
            record_event(
                session, Actor.system(tenant_id), AuditAction.key_master_rotated, master=active
            )
    log.info("master rotation: %d keys re-wrapped under %s", rewrapped, active)
    return MasterRotation(active=active, added=added, rewrapped=rewrapped)


def retire_master(session: Session, version: str) -> None:
    """Destroy a master version once no live tenant key or platform key uses it."""
    provider = master(session)
    if version == provider.active_key_id():
        raise KeyMaintenanceError(f"{version} is the active master key; rotate first")
    if version not in provider.key_ids():
        raise NotFound(f"no master key {version}")
    users = sum(1 for k in _wrapped_master_keys(session) if wrapped_by(k.row.wrapped) == version)
    if users:
        raise KeyMaintenanceError(
            f"{users} keys are still wrapped by {version}; run rotate-master to finish first"
        )
    provider.retire(version)
    log.info("master key %s retired", version)


def rotate_tenant(
    session: Session, tenant_id: uuid.UUID, *, batch_size: int | None = None
) -> TenantRotation:
    """Move the tenant's client keys (and their blind indexes) to a new tenant key version.

    ``batch_size`` limits how many client keys this call moves, so that a large tenant is
    rotated in several committed steps; call again until ``remaining`` is 0.
    """
    with acting_in(session, tenant_id):
        target = _rotation_target(session, tenant_id)
        pending = _pending_client_keys(session, target.key_id, batch_size)
        _move_client_keys(session, tenant_id, target, pending)
        remaining = len(_pending_client_keys(session, target.key_id, None))
        retired = _retire_unused_versions(session, target) if remaining == 0 else []
        record_event(
            session,
            Actor.system(tenant_id),
            AuditAction.key_tenant_rotated,
            "tenant_key",
            target.key_id,
            moved=len(pending),
            remaining=remaining,
        )
    return TenantRotation(tenant_id, target.key_id, len(pending), remaining, retired)


def _rotation_target(session: Session, tenant_id: uuid.UUID) -> TenantKey:
    live = _live_tenant_rows(session)
    if not live:
        raise NotFound("this organisation has no key")
    if len(live) > 1:
        return live[-1]  # resuming an interrupted rotation
    newest = session.scalar(select(func.max(TenantKey.version))) or 0
    dek = new_data_key(f"t{newest + 1}")
    provider = master(session)
    row = TenantKey(
        tenant_id=tenant_id,
        version=newest + 1,
        key_id=dek.key_id,
        wrapped=provider.wrap(dek, tenant_context(str(tenant_id))),
        master_key_id=provider.active_key_id(),
    )
    session.add(row)
    session.flush()
    return row


def _pending_client_keys(session: Session, target: str, limit: int | None) -> list[ClientKey]:
    query = (
        select(ClientKey)
        .where(ClientKey.wrapped.is_not(None), ClientKey.tenant_key_id != target)
        .order_by(ClientKey.client_id)
    )
    return list(session.scalars(query if limit is None else query.limit(limit)))


def _move_client_keys(
    session: Session, tenant_id: uuid.UUID, target: TenantKey, rows: list[ClientKey]
) -> None:
    new_kek = tenant_key(session, target.key_id)
    ids = [row.client_id for row in rows]
    preload_client_keys(session, ids)
    clients = {c.id: c for c in session.scalars(select(Client).where(Client.id.in_(ids)))}
    for row in rows:
        assert row.wrapped is not None
        client = clients[row.client_id]
        values = {f: _open_client_field(session, client, f) for f in INDEXED_FIELDS}
        old_kek = tenant_key(session, row.tenant_key_id)
        context = client_context(str(tenant_id), str(row.client_id))
        row.wrapped = rewrap(old_kek, new_kek, row.wrapped, context, row.key_id)
        row.tenant_key_id = target.key_id
        set_indexes(client, new_kek, values)
    session.flush()


def _open_client_field(session: Session, client: Client, field: str) -> str | None:
    sealed: bytes | None = getattr(client, f"sealed_{field}")
    if sealed is None:
        return None
    where = binding(session, "clients", field, client.id)
    return keyring(session).open(client_owner(client.id), sealed, where)


def _retire_unused_versions(session: Session, target: TenantKey) -> list[str]:
    retired = []
    for row in _live_tenant_rows(session):
        if row.version >= target.version:
            continue
        in_use = session.scalar(
            select(func.count())
            .select_from(ClientKey)
            .where(ClientKey.wrapped.is_not(None), ClientKey.tenant_key_id == row.key_id)
        )
        if not in_use:
            row.retired_at = utcnow()
            retired.append(row.key_id)
    session.flush()
    return retired


def organisation_id(session: Session, slug: str) -> uuid.UUID:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(f"no organisation with handle {slug}")
    return org.id


def safe_error(error: CryptoError) -> str:
    """The error's class name: crypto messages carry no plaintext, but a class is enough."""
    return type(error).__name__


# --- status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TenantKeyState:
    key_id: str
    #: Master version that wraps this tenant key (read from the wrapped blob itself).
    master_key_id: str
    retired: bool
    #: Client keys wrapped by this version (destroyed ones excluded).
    client_keys: int
    #: Sealed values of those clients (identity fields and any record carrying client_id);
    #: None where they were not counted (the admin's home page: see organisation_key_state).
    sealed_values: int | None


@dataclass(frozen=True)
class TenantState:
    tenant_id: uuid.UUID
    slug: str
    keys: list[TenantKeyState]
    erased_clients: int


@dataclass(frozen=True)
class KeyStatus:
    active_master: str
    master_versions: list[str]
    #: Platform key id → master version that wraps it.
    platform_keys: dict[str, str]
    tenants: list[TenantState]

    def keys_under(self, master_version: str) -> int:
        """Live tenant keys and platform keys wrapped by ``master_version``."""
        tenant = sum(
            1
            for t in self.tenants
            for k in t.keys
            if not k.retired and k.master_key_id == master_version
        )
        return tenant + sum(1 for m in self.platform_keys.values() if m == master_version)


def key_status(session: Session) -> KeyStatus:
    """Ids, versions and how many keys and values sit under each; no key is unwrapped."""
    provider = master(session)
    tenants = []
    for org in _organisations(session):
        with acting_in(session, org.id):
            tenants.append(_tenant_state(session, org))
    platform = {row.key_id: wrapped_by(row.wrapped) for row in session.scalars(select(PlatformKey))}
    return KeyStatus(provider.active_key_id(), provider.key_ids(), platform, tenants)


def organisation_key_state(session: Session, tenant_id: uuid.UUID) -> TenantState:
    """One organisation's key versions and client keys per version (its admin's home page),
    read inside the request's own tenant: no key is unwrapped and no other organisation is
    counted. Sealed values are not counted here: that scans every sealed table, which an
    operator's ``haven keys status`` may do but a page shown on every visit should not."""
    org = session.get(Organisation, tenant_id)
    if org is None:
        raise NotFound()
    return _tenant_state(session, org, count_values=False)


def _tenant_state(session: Session, org: Organisation, *, count_values: bool = True) -> TenantState:
    counted = session.execute(
        select(ClientKey.tenant_key_id, func.count())
        .where(ClientKey.wrapped.is_not(None))
        .group_by(ClientKey.tenant_key_id)
    )
    client_keys = {key_id: count for key_id, count in counted}
    values = _sealed_values_by_version(session) if count_values else None
    keys = [
        TenantKeyState(
            row.key_id,
            wrapped_by(row.wrapped),
            row.retired_at is not None,
            client_keys.get(row.key_id, 0),
            None if values is None else values.get(row.key_id, 0),
        )
        for row in session.scalars(select(TenantKey).order_by(TenantKey.version))
    ]
    erased = session.scalar(select(func.count()).where(Client.erased_at.is_not(None))) or 0
    return TenantState(org.id, org.slug, keys, erased)


def _sealed_values_by_version(session: Session) -> dict[str, int]:
    """Sealed values per tenant key version, over every sealed table (app.keys.sealed)."""
    totals: dict[str, int] = {}
    for table in sealed_tables():
        counts = [func.count(getattr(table.model, c)) for c in table.columns]
        stmt = (
            table.select(ClientKey.tenant_key_id, *counts)
            .join(ClientKey, ClientKey.client_id == table.client_id)
            .where(ClientKey.wrapped.is_not(None))
            .group_by(ClientKey.tenant_key_id)
        )
        for key_id, *per_column in session.execute(stmt):
            totals[key_id] = totals.get(key_id, 0) + sum(per_column)
    return totals
