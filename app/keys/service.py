"""The app side of the key hierarchy: master provider, per-request keyring, platform and
tenant keys. ``crypto/`` does the cryptography; this module knows where wrapped keys live.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.keys.models import PlatformKey, TenantKey
from app.settings import Settings
from crypto import (
    DataKey,
    EnvKeyProvider,
    FieldBinding,
    Keyring,
    LocalKeyFileProvider,
    MasterKeyProvider,
    UnknownKey,
    new_data_key,
    seal,
    tenant_context,
)

_MASTER = "keys.master"
_KEYRING = "keys.keyring"
PLATFORM_OWNER = "platform"
_PLATFORM_CONTEXT = b"haven platform key"


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
    raise UnknownKey(f"unknown key owner kind for {key_id}")


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
