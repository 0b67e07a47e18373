"""Signing keys: one Ed25519 key per organisation and purpose, so that what Haven hands out
(an export, a disclosure package, an audit checkpoint) can be checked by its recipient.

The 32-byte seed is wrapped by the master key (context binds organisation, purpose and
version), like a tenant key, so master rotation re-wraps it and a database dump alone
cannot sign. Rotation adds a version; retired versions stay, public half and all, so that
old signatures still verify.
"""

from __future__ import annotations

import base64
import enum
import hashlib

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.tenancy import current_tenant
from app.keys.models import SigningKey
from app.keys.service import keyring, master, signing_context
from crypto import DataKey, UnknownKey, new_data_key


class SigningPurpose(enum.StrEnum):
    #: Report exports and disclosure packages: "this came from this organisation".
    exports = "exports"
    #: The audit log's checkpoints (C2SP signed notes).
    audit_log = "audit_log"


def private_key(session: Session, purpose: SigningPurpose) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The organisation's active key for ``purpose`` (made on first use)."""
    row = active_key(session, purpose) or _create(session, purpose, version=1)
    seed = _seed(session, row)
    return row, Ed25519PrivateKey.from_private_bytes(seed.material)


def active_key(session: Session, purpose: SigningPurpose) -> SigningKey | None:
    return session.scalar(
        select(SigningKey)
        .where(SigningKey.purpose == purpose.value, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.version.desc())
        .limit(1)
    )


def all_keys(session: Session, purpose: SigningPurpose) -> list[SigningKey]:
    """Every version, newest first: the public keys a verifier may need."""
    return list(
        session.scalars(
            select(SigningKey)
            .where(SigningKey.purpose == purpose.value)
            .order_by(SigningKey.version.desc())
        )
    )


def sign(session: Session, purpose: SigningPurpose, data: bytes) -> tuple[SigningKey, bytes]:
    """A detached Ed25519 signature over ``data`` with the active key."""
    row, key = private_key(session, purpose)
    return row, key.sign(data)


def rotate(session: Session, purpose: SigningPurpose) -> SigningKey:
    """A new version takes over; the old one is retired but kept for checking."""
    old = active_key(session, purpose)
    if old is not None:
        old.retired_at = utcnow()
    return _create(session, purpose, version=(old.version + 1) if old else 1)


def public_key_base64(row: SigningKey) -> str:
    return base64.b64encode(row.public_key).decode()


def fingerprint(row: SigningKey) -> str:
    """A short, stable name for a public key (SHA-256, first 16 hex digits)."""
    return hashlib.sha256(row.public_key).hexdigest()[:16]


def _create(session: Session, purpose: SigningPurpose, version: int) -> SigningKey:
    tenant_id = current_tenant(session)
    if tenant_id is None:
        raise UnknownKey("no organisation bound to this session")
    seed = new_data_key(f"s{version}")
    provider = master(session)
    public = (
        Ed25519PrivateKey.from_private_bytes(seed.material)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    row = SigningKey(
        purpose=purpose.value,
        version=version,
        key_id=seed.key_id,
        wrapped=provider.wrap(seed, signing_context(str(tenant_id), purpose.value)),
        master_key_id=provider.active_key_id(),
        public_key=public,
    )
    session.add(row)
    session.flush()
    return row


def _seed(session: Session, row: SigningKey) -> DataKey:
    # The owner names the organisation too: one keyring may serve several (acting_in).
    return keyring(session).get(f"signing:{row.tenant_id}:{row.purpose}", row.key_id)
