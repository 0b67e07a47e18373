"""Master key providers: where the root of the key hierarchy lives.

Callers depend only on :class:`MasterKeyProvider`. A KMS-backed provider implements the
same methods (``wrap``/``unwrap`` become KMS Encrypt/Decrypt calls with the context as
encryption context, ``add_version`` a key rotation) and nothing else changes.

Master key ids are ``m1``, ``m2``, ... in creation order; a higher number is newer.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crypto import _keyfile
from crypto.errors import (
    KeyConfigError,
    KeyDestroyed,
    RotationNotSupported,
    UnknownKey,
)
from crypto.keys import new_data_key, unwrap_key, wrap_key, wrapped_by
from crypto.sealing import DataKey

_MASTER_ID = re.compile(r"m([1-9][0-9]{0,8})")
_FILE_FORMAT = "haven-master-keys/1"


class MasterKeyProvider(Protocol):
    """Holds versioned master keys and wraps tenant keys under them."""

    def active_key_id(self) -> str:
        """Version that :meth:`wrap` uses."""
        ...

    def key_ids(self) -> list[str]:
        """Versions that can still unwrap, oldest first (retired ones excluded)."""
        ...

    def wrap(self, dek: DataKey, context: bytes) -> bytes:
        """Wrap ``dek`` under the active version, bound to ``context``."""
        ...

    def unwrap(self, wrapped: bytes, context: bytes, dek_id: str) -> DataKey:
        """Unwrap with whichever version wrapped it; :class:`UnknownKey` if not held."""
        ...

    def wrapped_by(self, wrapped: bytes) -> str:
        """Version a blob from :meth:`wrap` needs, without unwrapping it."""
        ...

    def add_version(self) -> str:
        """Create a new version, make it active, return its id (rotation step 1)."""
        ...

    def retire(self, key_id: str) -> None:
        """Destroy a version; refuses the active one. Only after every key is re-wrapped."""
        ...


@dataclass(frozen=True)
class _KeySet:
    """One consistent view of the master keys; shared by both local providers."""

    active: str
    keys: dict[str, DataKey] = field(repr=False)
    retired: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.active not in self.keys:
            raise KeyConfigError(f"active master key {self.active} is not present")

    def wrap(self, dek: DataKey, context: bytes) -> bytes:
        return wrap_key(self.keys[self.active], dek, context)

    def unwrap(self, wrapped: bytes, context: bytes, dek_id: str) -> DataKey:
        kek_id = wrapped_by(wrapped)
        if kek_id in self.retired:
            raise KeyDestroyed(f"master key {kek_id} was retired; {dek_id} is unreadable")
        if kek_id not in self.keys:
            raise UnknownKey(f"master key {kek_id} is not configured")
        return unwrap_key(self.keys[kek_id], wrapped, context, dek_id)

    def ordered_ids(self) -> list[str]:
        return sorted(self.keys, key=_version_number)

    def next_id(self) -> str:
        # Retired numbers are never reused: an old wrapped key must not meet a new key.
        return f"m{max(map(_version_number, [*self.keys, *self.retired])) + 1}"


def _version_number(key_id: str) -> int:
    match = _MASTER_ID.fullmatch(key_id)
    if match is None:
        raise KeyConfigError(f"master key id {key_id!r} is not of the form m<number>")
    return int(match.group(1))


def _decode_key(key_id: str, encoded: str, where: str) -> DataKey:
    _version_number(key_id)
    try:
        material = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        # XXX: never echo the value or the decoder's message: either may hold key bytes.
        raise KeyConfigError(f"master key {key_id} in {where} is not valid base64") from None
    if len(material) != 32:
        raise KeyConfigError(f"master key {key_id} in {where} is not 32 bytes")
    return DataKey(key_id, material)


def _encode_file(keys: _KeySet) -> bytes:
    document = {
        "format": _FILE_FORMAT,
        "active": keys.active,
        "keys": {
            key_id: base64.b64encode(keys.keys[key_id].material).decode("ascii")
            for key_id in keys.ordered_ids()
        },
        "retired": sorted(keys.retired, key=_version_number),
    }
    return json.dumps(document, indent=2).encode("utf-8") + b"\n"


def _decode_file(raw: bytes, where: str) -> _KeySet:
    try:
        document = json.loads(raw)
        if document["format"] != _FILE_FORMAT:
            raise KeyConfigError(f"{where} has unknown format {document['format']!r}")
        keys = {k: _decode_key(k, v, where) for k, v in document["keys"].items()}
        retired = frozenset(str(k) for k in document.get("retired", []))
        return _KeySet(str(document["active"]), keys, retired)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise KeyConfigError(f"{where} is not a valid master key file") from None


class LocalKeyFileProvider:
    """Master keys in a JSON file readable only by its owner (mode 0600).

    The file is re-read whenever it changes on disk (checked with one ``stat`` per
    call), so every worker process sees a rotation or retirement made by the CLI.
    XXX: a worker that kept wrapping under a stale active version would create keys
    that become unreadable when that version is retired.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._stamp, self._keys = self._load()

    @classmethod
    def create_if_missing(cls, path: str | os.PathLike[str]) -> LocalKeyFileProvider:
        """Create a key file holding one fresh version ``m1`` unless one exists."""
        target = Path(path)
        if not target.exists():
            first = new_data_key("m1")
            _keyfile.create_exclusive(target, _encode_file(_KeySet("m1", {"m1": first})))
        return cls(target)

    def active_key_id(self) -> str:
        return self._current().active

    def key_ids(self) -> list[str]:
        return self._current().ordered_ids()

    def wrap(self, dek: DataKey, context: bytes) -> bytes:
        return self._current().wrap(dek, context)

    def unwrap(self, wrapped: bytes, context: bytes, dek_id: str) -> DataKey:
        return self._current().unwrap(wrapped, context, dek_id)

    def wrapped_by(self, wrapped: bytes) -> str:
        return wrapped_by(wrapped)

    def add_version(self) -> str:
        with _keyfile.exclusive_lock(self._path):
            keys = self._load()[1]  # under the lock: never from a stale cache
            new_id = keys.next_id()
            updated = _KeySet(new_id, {**keys.keys, new_id: new_data_key(new_id)}, keys.retired)
            self._save(updated)
        return new_id

    def retire(self, key_id: str) -> None:
        """Remove ``key_id``'s material from the file. Idempotent.

        XXX: the caller must first re-wrap every tenant key (see crypto.rotation); keys
        still under ``key_id`` become unreadable. Backups of the key file keep the
        material until they expire.
        """
        with _keyfile.exclusive_lock(self._path):
            keys = self._load()[1]
            if key_id == keys.active:
                raise KeyConfigError(f"refusing to retire {key_id}: it is the active key")
            if key_id in keys.retired:
                return
            if key_id not in keys.keys:
                raise UnknownKey(f"master key {key_id} is not configured")
            remaining = {k: v for k, v in keys.keys.items() if k != key_id}
            self._save(_KeySet(keys.active, remaining, keys.retired | {key_id}))

    def _load(self) -> tuple[_keyfile.Stamp, _KeySet]:
        stamp, raw = _keyfile.read_secure(self._path)
        return stamp, _decode_file(raw, str(self._path))

    def _save(self, keys: _KeySet) -> None:
        _keyfile.replace_atomic(self._path, _encode_file(keys))
        self._stamp, self._keys = self._load()

    def _current(self) -> _KeySet:
        if _keyfile.current_stamp(self._path) != self._stamp:
            self._stamp, self._keys = self._load()
        return self._keys


class EnvKeyProvider:
    """Master keys from an environment variable, rotated by the operator.

    Format: ``m1:<base64 32 bytes>,m2:<base64>``. The last entry is active unless one
    entry is marked with a leading ``*`` (``*m1:...,m2:...``), which lets a new version
    be deployed to every process before any of them wraps with it.
    """

    def __init__(
        self,
        env_var: str = "HAVEN_MASTER_KEY",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        source = os.environ if environ is None else environ
        value = source.get(env_var)
        if not value or not value.strip():
            raise KeyConfigError(f"environment variable {env_var} is not set")
        self._keys = _parse_env(value, env_var)

    @staticmethod
    def generate_entry(key_id: str) -> str:
        """A new ``id:base64`` entry for the operator to append to the variable."""
        _version_number(key_id)
        key = new_data_key(key_id)
        return f"{key_id}:{base64.b64encode(key.material).decode('ascii')}"

    def active_key_id(self) -> str:
        return self._keys.active

    def key_ids(self) -> list[str]:
        return self._keys.ordered_ids()

    def wrap(self, dek: DataKey, context: bytes) -> bytes:
        return self._keys.wrap(dek, context)

    def unwrap(self, wrapped: bytes, context: bytes, dek_id: str) -> DataKey:
        return self._keys.unwrap(wrapped, context, dek_id)

    def wrapped_by(self, wrapped: bytes) -> str:
        return wrapped_by(wrapped)

    def add_version(self) -> str:
        raise RotationNotSupported(
            "environment master keys are rotated by the operator: append an entry made "
            "by EnvKeyProvider.generate_entry() to the variable and restart"
        )

    def retire(self, key_id: str) -> None:
        raise RotationNotSupported(
            f"environment master keys are retired by the operator: remove {key_id} "
            "from the variable and restart"
        )


def _parse_env(value: str, env_var: str) -> _KeySet:
    keys: dict[str, DataKey] = {}
    marked: list[str] = []
    for position, entry in enumerate(value.split(","), start=1):
        key_id, sep, encoded = entry.strip().partition(":")
        if not sep:
            raise KeyConfigError(f"{env_var} entry {position} is not of the form id:base64")
        if key_id.startswith("*"):
            key_id = key_id[1:]
            marked.append(key_id)
        if key_id in keys:
            raise KeyConfigError(f"{env_var} lists master key {key_id} twice")
        keys[key_id] = _decode_key(key_id, encoded.strip(), env_var)
    if len(marked) > 1:
        raise KeyConfigError(f"{env_var} marks more than one key active with '*'")
    return _KeySet(marked[0] if marked else key_id, keys)
