"""The app side of the key hierarchy: master provider, per-request keyring, platform and
tenant keys. ``crypto/`` does the cryptography; this module knows where wrapped keys live.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.tenancy import current_tenant
from app.keys.models import ClientKey, PlatformKey, SigningKey, TenantKey
from app.settings import Settings
from crypto import (
    DataKey,
    EnvKeyProvider,
    FieldBinding,
    KeyDestroyed,
    Keyring,
    LocalKeyFileProvider,
    MasterKeyProvider,
    UnknownKey,
    client_context,
    new_data_key,
    seal,
    tenant_context,
    unwrap_key,
    wrap_key,
)

_MASTER = "keys.master"
_KEYRING = "keys.keyring"
PLATFORM_OWNER = "platform"
_PLATFORM_CONTEXT = b"haven platform key"
#: A client has one key for life: tenant-key rotation re-wraps it, erasure destroys it.
CLIENT_KEY_ID = "c1"


def master_provider_for(settings: Settings, *, create: bool) -> MasterKeyProvider:
    """The master key provider the settings name; the embedded default creates its file."""
    if settings.master_key_file is not None:
        if create:
            return LocalKeyFileProvider.create_if_missing(settings.master_key_file)
        return LocalKeyFileProvider(settings.master_key_file)
    return EnvKeyProvider(settings.master_key_env or "HAVEN_MASTER_KEY")


def attach_keyring(session: Session, master: MasterKeyProvider) -> None:
    """Give a session its own cache of unwrapped keys (dropped by :func:`drop_keyring`)."""
    session.info[_MASTER] = master
    session.info[_KEYRING] = Keyring(lambda owner, key_id: _load_key(session, owner, key_id))


def drop_keyring(session: Session) -> None:
    keyring = session.info.pop(_KEYRING, None)
    if isinstance(keyring, Keyring):
        keyring.clear()


def keyring(session: Session) -> Keyring:
    ring = session.info.get(_KEYRING)
    if not isinstance(ring, Keyring):
        raise RuntimeError("this session has no keyring; create it through the app or CLI")
    return ring


def master(session: Session) -> MasterKeyProvider:
    provider: MasterKeyProvider = session.info[_MASTER]
    return provider


def _load_key(session: Session, owner: str, key_id: str) -> DataKey:
    if owner == PLATFORM_OWNER:
        row = session.get(PlatformKey, key_id)
        if row is None:
            raise UnknownKey(f"no platform key {key_id}")
        return master(session).unwrap(row.wrapped, _PLATFORM_CONTEXT, key_id)
    if owner.startswith("tenant:"):
        tenant_id = uuid.UUID(owner.removeprefix("tenant:"))
        version = int(key_id.removeprefix("t"))
        tkey = session.get(TenantKey, (tenant_id, version))
        if tkey is None:
            raise UnknownKey(f"no tenant key {key_id}")
        return master(session).unwrap(tkey.wrapped, tenant_context(str(tenant_id)), key_id)
    if owner.startswith("client:"):
        return _load_client_key(session, uuid.UUID(owner.removeprefix("client:")), key_id)
    if owner.startswith("signing:"):
        return _load_signing_seed(session, owner.removeprefix("signing:"), key_id)
    raise UnknownKey(f"unknown key owner kind for {key_id}")


def _load_client_key(session: Session, client_id: uuid.UUID, key_id: str) -> DataKey:
    tenant_id = _tenant(session)
    row = session.get(ClientKey, (tenant_id, client_id, int(key_id.removeprefix("c"))))
    if row is None:
        raise UnknownKey(f"no client key {key_id}")
    return _unwrap_client_key(session, tenant_id, row)


def _unwrap_client_key(session: Session, tenant_id: uuid.UUID, row: ClientKey) -> DataKey:
    if row.wrapped is None:
        raise KeyDestroyed("this client was erased")
    tenant_key = keyring(session).get(f"tenant:{tenant_id}", row.tenant_key_id)
    context = client_context(str(tenant_id), str(row.client_id))
    return unwrap_key(tenant_key, row.wrapped, context, row.key_id)


def signing_context(tenant_id: str, purpose: str) -> bytes:
    """The wrapping context of a signing key's seed: it unwraps only for its organisation
    and purpose (:mod:`app.keys.signing`)."""
    return f"haven signing key|{tenant_id}|{purpose}".encode()


def _load_signing_seed(session: Session, owner: str, key_id: str) -> DataKey:
    tenant, _, purpose = owner.partition(":")
    tenant_id = uuid.UUID(tenant)
    row = session.get(SigningKey, (tenant_id, purpose, int(key_id.removeprefix("s"))))
    if row is None:
        raise UnknownKey(f"no signing key {key_id}")
    context = signing_context(str(tenant_id), purpose)
    return master(session).unwrap(row.wrapped, context, key_id)


def _tenant(session: Session) -> uuid.UUID:
    tenant_id = current_tenant(session)
    if tenant_id is None:
        raise UnknownKey("no tenant bound to this session")
    return tenant_id


def _active_platform_key(session: Session) -> DataKey:
    row = session.scalar(select(PlatformKey).order_by(PlatformKey.created_at.desc()).limit(1))
    if row is None:
        dek = new_data_key("p1")
        provider = master(session)
        row = PlatformKey(
            key_id=dek.key_id,
            wrapped=provider.wrap(dek, _PLATFORM_CONTEXT),
            master_key_id=provider.active_key_id(),
        )
        session.add(row)
        session.flush()
    return keyring(session).get(PLATFORM_OWNER, row.key_id)


def _user_binding(user_id: uuid.UUID, purpose: str) -> FieldBinding:
    return FieldBinding(tenant_id="platform", table="users", column=purpose, row_id=str(user_id))


def seal_user_secret(session: Session, user_id: uuid.UUID, purpose: str, value: str) -> bytes:
    """Seal a staff account's secret (TOTP seed) under the platform key."""
    return seal(_active_platform_key(session), value, _user_binding(user_id, purpose))


def open_user_secret(session: Session, user_id: uuid.UUID, purpose: str, sealed: bytes) -> str:
    return keyring(session).open(PLATFORM_OWNER, sealed, _user_binding(user_id, purpose))


def create_tenant_key(session: Session, tenant_id: uuid.UUID) -> TenantKey:
    """The first key of a new organisation (version 1)."""
    provider = master(session)
    dek = new_data_key("t1")
    row = TenantKey(
        tenant_id=tenant_id,
        version=1,
        key_id=dek.key_id,
        wrapped=provider.wrap(dek, tenant_context(str(tenant_id))),
        master_key_id=provider.active_key_id(),
    )
    session.add(row)
    session.flush()
    return row


def active_tenant_key(session: Session) -> DataKey:
    """The newest unretired key version of the session's tenant."""
    tenant_id = _tenant(session)
    row = session.scalar(
        select(TenantKey)
        .where(TenantKey.retired_at.is_(None))
        .order_by(TenantKey.version.desc())
        .limit(1)
    )
    if row is None:
        raise UnknownKey("this organisation has no key")
    return keyring(session).get(f"tenant:{tenant_id}", row.key_id)


def tenant_owner(tenant_id: uuid.UUID) -> str:
    return f"tenant:{tenant_id}"


def tenant_key(session: Session, key_id: str) -> DataKey:
    """One version (``t<n>``) of the session's tenant key, unwrapped (cached per request)."""
    return keyring(session).get(tenant_owner(_tenant(session)), key_id)


def live_tenant_keys(session: Session) -> list[DataKey]:
    """Every unretired version of the session's tenant key, newest first. More than one
    only while a tenant-key rotation is under way."""
    rows = session.scalars(
        select(TenantKey).where(TenantKey.retired_at.is_(None)).order_by(TenantKey.version.desc())
    ).all()
    return [tenant_key(session, row.key_id) for row in rows]


def wrapping_tenant_key(session: Session, client_id: uuid.UUID) -> DataKey:
    """The tenant key version that wraps the client's key (its blind indexes use it too)."""
    row = session.get(ClientKey, (_tenant(session), client_id, 1))
    if row is None:
        raise UnknownKey("this client has no key")
    return tenant_key(session, row.tenant_key_id)


def client_owner(client_id: uuid.UUID) -> str:
    return f"client:{client_id}"


def create_client_key(session: Session, client_id: uuid.UUID) -> DataKey:
    """A new client's own key, wrapped by the tenant's active key."""
    tenant_id = _tenant(session)
    tenant_key = active_tenant_key(session)
    dek = new_data_key(CLIENT_KEY_ID)
    session.add(
        ClientKey(
            tenant_id=tenant_id,
            client_id=client_id,
            version=1,
            key_id=dek.key_id,
            wrapped=wrap_key(tenant_key, dek, client_context(str(tenant_id), str(client_id))),
            tenant_key_id=tenant_key.key_id,
        )
    )
    return dek


def binding(session: Session, table: str, column: str, row_id: uuid.UUID) -> FieldBinding:
    """Associated data for a sealed column: tenant, table, column and row."""
    return FieldBinding(str(_tenant(session)), table, column, str(row_id))


def seal_for_client(
    session: Session, client_id: uuid.UUID, where: FieldBinding, plaintext: str
) -> bytes:
    key = keyring(session).get(client_owner(client_id), CLIENT_KEY_ID)
    return seal(key, plaintext, where)


def open_for_client(
    session: Session, client_id: uuid.UUID, sealed: bytes, where: FieldBinding
) -> str:
    """Plaintext of one sealed value. Callers are reveal paths that check and audit."""
    return keyring(session).open(client_owner(client_id), sealed, where)


def preload_client_keys(session: Session, client_ids: list[uuid.UUID]) -> None:
    """Unwrap a page of client keys with one query instead of one per client."""
    ring = keyring(session)
    wanted = [c for c in client_ids if (client_owner(c), CLIENT_KEY_ID) not in ring]
    if not wanted:
        return
    rows = session.scalars(select(ClientKey).where(ClientKey.client_id.in_(wanted)))
    for row in rows:
        if row.wrapped is not None:
            # The rows are now in the identity map: the loader finds them without a query.
            ring.get(client_owner(row.client_id), row.key_id)


def destroy_client_keys(session: Session, client_id: uuid.UUID) -> int:
    """Crypto-shredding: drop every wrapped key of the client. Returns how many."""
    rows = session.scalars(select(ClientKey).where(ClientKey.client_id == client_id)).all()
    for row in rows:
        row.wrapped = None
        row.destroyed_at = utcnow()
    keyring(session).discard(client_owner(client_id))
    session.flush()
    return len(rows)
