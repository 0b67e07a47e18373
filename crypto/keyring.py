"""Per-request cache of unwrapped keys.

A page showing 50 clients needs 50 client keys, each used for several fields; the
:class:`Keyring` unwraps each once (through the app's loader) and forgets them all at
the end of the request.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from crypto.errors import UnknownKey
from crypto.sealing import DataKey, FieldBinding, open_sealed, sealed_key_id

#: ``loader(owner, key_id)`` returns that owner's unwrapped key, or raises
#: :class:`~crypto.errors.UnknownKey` / :class:`~crypto.errors.KeyDestroyed`.
#: ``owner`` is the app's name for whose key it is, e.g. ``"client:<uuid>"``.
KeyLoader = Callable[[str, str], DataKey]


class Keyring:
    """Caches keys by ``(owner, key id)``; use one per request, then :meth:`clear`.

    XXX: clearing drops the references so the keys become garbage; CPython gives no
    way to guarantee the bytes are overwritten in memory. Keeping a Keyring beyond a
    request (or in a global) keeps every key it ever loaded alive, shredded ones too.
    """

    def __init__(self, loader: KeyLoader) -> None:
        self._loader = loader
        self._keys: dict[tuple[str, str], DataKey] = {}

    def get(self, owner: str, key_id: str) -> DataKey:
        """The key ``key_id`` of ``owner``, loading it on first use."""
        slot = (owner, key_id)
        key = self._keys.get(slot)
        if key is None:
            key = self._loader(owner, key_id)
            if key.key_id != key_id:
                raise UnknownKey(f"loader returned key {key.key_id} for {key_id}")
            self._keys[slot] = key
        return key

    def open(self, owner: str, sealed: bytes, binding: FieldBinding) -> str:
        """Open a value sealed under one of ``owner``'s keys (the one its header names)."""
        return open_sealed(self.get(owner, sealed_key_id(sealed)), sealed, binding)

    def discard(self, owner: str) -> None:
        """Forget every cached key of ``owner`` (e.g. right after shredding it)."""
        for slot in [slot for slot in self._keys if slot[0] == owner]:
            del self._keys[slot]

    def clear(self) -> None:
        """Forget every cached key."""
        self._keys.clear()

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, slot: object) -> bool:
        return slot in self._keys

    def __enter__(self) -> Keyring:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.clear()
