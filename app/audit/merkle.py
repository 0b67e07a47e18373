"""The server's side of an organisation's audit tree: roots and RFC 9162 proofs.

Hashing is :mod:`app.audit.verifier`'s (the file auditors run), so Haven and an auditor
cannot hash differently.

Two shapes, for two jobs:

- :class:`MerkleTree` keeps the tree level by level (the hash of every perfect subtree,
  :class:`~app.audit.verifier.TreeLevels`). Building it from n leaf hashes costs n - 1
  SHA-256 calls (about a second for a million leaves here) and about 150 MB for a million;
  then every root at any earlier size, inclusion proof and consistency proof is a few
  lookups and at most 2·log2(n) hashes. Bundles are made from it.
- :class:`CompactRange` keeps only the right border of the tree (one hash per set bit of
  its size, at most 64). Appending a leaf costs one hash amortised, so a checkpoint can
  extend the tree by just the entries added since the last one and sign the new root,
  without reading the whole log again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from app.audit.verifier import EMPTY_ROOT, HASH_SIZE, TreeLevels, leaf_hash, node_hash


def _split(n: int) -> int:
    """RFC 6962's k: the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


class MerkleTree:
    """An RFC 6962 tree over leaf hashes, with RFC 9162 section 2.1.3.1 / 2.1.4.1 proofs."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        if any(len(h) != HASH_SIZE for h in leaf_hashes):
            raise ValueError("leaf hashes are 32 bytes")
        self._levels = TreeLevels(leaf_hashes)
        self._leaves = leaf_hashes

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MerkleTree:
        return cls([leaf_hash(entry) for entry in entries])

    @property
    def size(self) -> int:
        return self._levels.size

    @property
    def leaf_hashes(self) -> Sequence[bytes]:
        return self._leaves

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves: the root a checkpoint of that size signed."""
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise ValueError(f"no tree of size {size} within {self.size} leaves")
        return self._levels.root(size)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """PATH(index, D[0:size]): the audit path of leaf ``index`` in the tree of ``size``."""
        size = self.size if size is None else size
        if not 0 <= index < size <= self.size:
            raise ValueError(f"no leaf {index} in a tree of size {size}")
        return self._path(index, 0, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[0:new_size]); empty when there is nothing to prove."""
        new_size = self.size if new_size is None else new_size
        if not 0 <= old_size <= new_size <= self.size:
            raise ValueError(f"no consistency proof from {old_size} to {new_size}")
        if old_size in (0, new_size):
            return []
        return self._subproof(old_size, 0, new_size, True)

    def _path(self, m: int, start: int, n: int) -> list[bytes]:
        if n == 1:
            return []
        k = _split(n)
        if m < k:
            return [*self._path(m, start, k), self._levels.subtree(start + k, n - k)]
        return [*self._path(m - k, start + k, n - k), self._levels.subtree(start, k)]

    def _subproof(self, m: int, start: int, n: int, whole: bool) -> list[bytes]:
        # SUBPROOF(m, D[start:start+n], b); ``whole`` is b: the old tree is this subtree.
        if m == n:
            return [] if whole else [self._levels.subtree(start, n)]
        k = _split(n)
        if m <= k:
            return [*self._subproof(m, start, k, whole), self._levels.subtree(start + k, n - k)]
        return [*self._subproof(m - k, start + k, n - k, False), self._levels.subtree(start, k)]


class CompactRange:
    """The right border of a tree of ``size`` leaves: enough to append and to get the root.

    ``hashes`` are the roots of the perfect subtrees the size decomposes into, largest
    (leftmost) first: one per set bit of ``size``. Store them with a checkpoint; the next
    checkpoint starts from them.
    """

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a compact range of size {size} has {size.bit_count()} hashes")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError("node hashes are 32 bytes")
        self.size = size
        self._hashes = list(hashes)

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash: merge with each full subtree it completes."""
        if len(leaf) != HASH_SIZE:
            raise ValueError("leaf hashes are 32 bytes")
        digest, size = leaf, self.size
        while size & 1:
            digest = node_hash(self._hashes.pop(), digest)
            size >>= 1
        self._hashes.append(digest)
        self.size += 1

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self) -> bytes:
        if not self._hashes:
            return EMPTY_ROOT
        digest = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            digest = node_hash(left, digest)
        return digest
