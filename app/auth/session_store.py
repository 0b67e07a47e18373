"""Where server-side sessions live (DESIGN.md "Shapes it runs in"): the database in the
embedded default, Redis in production. Both give the same :class:`SessionRecord`; the
cookie carries a random token and neither store keeps it, only its SHA-256.

Redis layout, under a prefix (``haven:session:`` in production, one per test):
- ``<prefix>s:<id>``: a hash (user, org, mfa, created, seen, revoked) whose TTL is the idle
  time-out, renewed when the last-seen time is written (at most once a minute);
- ``<prefix>u:<user id>``: the set of that user's session ids, for "sign out everywhere".

XXX: revoking writes ``revoked`` into the hash at once and the lookup of every request
reads it (no copy of a session is kept anywhere else), so a revoked session is refused on
its next request. The hash stays until its TTL so that the browser is told its session
ended rather than that it never existed.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from redis import Redis

#: Key of the store in ``Session.info`` (set by the app's sessionmaker).
STORE_KEY = "haven.session_store"
#: last_seen is written at most this often, so reading a page is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


@dataclass(frozen=True)
class SessionRecord:
    """A server-side session as a request needs it: a snapshot, never an ORM object, so
    that reading it costs no ORM machinery and it looks the same whichever store holds it."""

    id: uuid.UUID
    user_id: uuid.UUID
    #: Organisation picked for this session; None until the user picks one.
    organisation_id: uuid.UUID | None
    mfa_verified: bool
    created_at: datetime


class RedisSessions:
    def __init__(
        self, client: Redis, prefix: str, idle_timeout: timedelta, max_age: timedelta
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.idle = idle_timeout
        self.max_age = max_age

    def _key(self, session_id: uuid.UUID) -> str:
        return f"{self.prefix}s:{session_id.hex}"

    def _user_key(self, user_id: uuid.UUID) -> str:
        return f"{self.prefix}u:{user_id.hex}"

    @staticmethod
    def session_id(token: str) -> uuid.UUID:
        """The id under which a token's session is kept: half its SHA-256 (the token
        itself, random 256 bits, is never stored)."""
        return uuid.UUID(bytes=hash_token(token)[:16])

    def open(self, user_id: uuid.UUID, *, mfa_verified: bool) -> tuple[str, SessionRecord]:
        token = secrets.token_urlsafe(32)
        record = SessionRecord(
            self.session_id(token), user_id, None, mfa_verified, datetime.now(UTC)
        )
        now = record.created_at.timestamp()
        fields = {
            "user": user_id.hex,
            "org": "",
            "mfa": int(mfa_verified),
            "created": now,
            "seen": now,
        }
        key, user_key = self._key(record.id), self._user_key(user_id)
        with self.client.pipeline() as pipe:
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.expire(key, self.idle)
            pipe.sadd(user_key, record.id.hex)
            pipe.expire(user_key, self.max_age)
            pipe.execute()
        return token, record

    def find(self, token: str, now: datetime) -> SessionRecord | bool | None:
        """The live session of a token; False when it was revoked or timed out; None when
        there is none. One round trip (two when the last-seen time is due)."""
        session_id = self.session_id(token)
        found: dict[bytes, bytes] = self.client.hgetall(self._key(session_id))  # type: ignore[assignment]
        if not found:
            return None
        created = datetime.fromtimestamp(float(found[b"created"]), UTC)
        seen = datetime.fromtimestamp(float(found[b"seen"]), UTC)
        if b"revoked" in found or now - seen >= self.idle or now - created >= self.max_age:
            return False
        if now - seen >= TOUCH_EVERY:
            with self.client.pipeline() as pipe:
                pipe.hset(self._key(session_id), "seen", now.timestamp())
                pipe.expire(self._key(session_id), self.idle)
                pipe.execute()
        org = found[b"org"].decode()
        return SessionRecord(
            session_id,
            uuid.UUID(found[b"user"].decode()),
            uuid.UUID(org) if org else None,
            found[b"mfa"] == b"1",
            created,
        )

    def set_organisation(self, record: SessionRecord, organisation_id: uuid.UUID) -> None:
        self.client.hset(self._key(record.id), "org", organisation_id.hex)

    def end(self, record: SessionRecord) -> None:
        self.client.hset(self._key(record.id), "revoked", 1)

    def revoke_all(self, user_id: uuid.UUID) -> int:
        """Revoke every live session of a user; how many there were."""
        ids = [raw.decode() for raw in self.client.smembers(self._user_key(user_id))]  # type: ignore[union-attr]
        keys = [f"{self.prefix}s:{session_id}" for session_id in ids]
        with self.client.pipeline() as pipe:
            for key in keys:
                pipe.hget(key, "revoked")
                pipe.exists(key)
            states: list[Any] = pipe.execute()
        live = [
            key
            for key, revoked, exists in zip(keys, states[::2], states[1::2], strict=True)
            if exists and revoked is None
        ]
        with self.client.pipeline() as pipe:
            for key in live:
                pipe.hset(key, "revoked", 1)
            pipe.execute()
        return len(live)


def store_of(session: Session) -> RedisSessions | None:
    """The Redis store the app's sessions use; None: sessions are database rows."""
    store = session.info.get(STORE_KEY)
    return store if isinstance(store, RedisSessions) else None


def use_session_store(factory: sessionmaker[Any], store: RedisSessions | None) -> None:
    """Make every session the app's sessionmaker opens use ``store`` (None: the database)."""
    factory.configure(info={STORE_KEY: store})
