"""Properties of the server's tree and the verifier's checks, for random sizes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.audit.merkle import CompactRange, MerkleTree
from app.audit.verifier import (
    EMPTY_ROOT,
    ProofError,
    TreeLevels,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)


def reference_root(entries: list[bytes]) -> bytes:
    """MTH as RFC 6962 section 2.1 defines it, recursively: the independent reference."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1 << ((len(entries) - 1).bit_length() - 1)
    left, right = reference_root(entries[:k]), reference_root(entries[k:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def log(size: int) -> list[bytes]:
    return [b"entry %d" % i for i in range(size)]


# No deadlines (the Hypothesis profile in tests/conftest.py): slow is not wrong.
@given(st.integers(0, 70))
def test_the_tree_root_is_rfc_6962s_mth_at_every_size(size: int) -> None:
    tree = MerkleTree.from_entries(log(size))
    for n in range(size + 1):
        assert tree.root(n) == reference_root(log(n))


@given(st.data(), st.integers(1, 300))
def test_inclusion_proofs_verify_and_a_changed_leaf_or_index_fails(
    data: st.DataObject, size: int
) -> None:
    tree = MerkleTree.from_entries(log(size))
    index = data.draw(st.integers(0, size - 1))
    n = data.draw(st.integers(index + 1, size))
    path = tree.inclusion_proof(index, n)
    verify_inclusion(index, n, leaf_hash(b"entry %d" % index), path, tree.root(n))
    with pytest.raises(ProofError):
        verify_inclusion(index, n, leaf_hash(b"entry %d!" % index), path, tree.root(n))
    other = data.draw(st.integers(0, n - 1).filter(lambda i: i != index))
    with pytest.raises(ProofError):
        verify_inclusion(other, n, leaf_hash(b"entry %d" % index), path, tree.root(n))


@given(st.data(), st.integers(1, 300))
def test_consistency_proofs_verify_and_a_rewritten_prefix_fails(
    data: st.DataObject, size: int
) -> None:
    tree = MerkleTree.from_entries(log(size))
    old = data.draw(st.integers(0, size))
    new = data.draw(st.integers(old, size))
    path = tree.consistency_proof(old, new)
    verify_consistency(old, new, tree.root(old), tree.root(new), path)
    if old == 0:
        return
    changed = data.draw(st.integers(0, old - 1))
    forked = log(old)
    forked[changed] = b"forged"
    with pytest.raises(ProofError):
        verify_consistency(old, new, reference_root(forked), tree.root(new), path)


@given(st.integers(0, 200), st.integers(0, 200))
def test_a_compact_range_extends_a_tree_saved_at_a_checkpoint(first: int, more: int) -> None:
    leaves = [leaf_hash(e) for e in log(first + more)]
    saved = CompactRange()
    saved.extend(leaves[:first])
    assert saved.root() == reference_root(log(first))
    resumed = CompactRange(saved.size, saved.hashes)  # as stored with the checkpoint
    resumed.extend(leaves[first:])
    assert resumed.size == first + more
    assert resumed.root() == reference_root(log(first + more))


def test_a_compact_range_refuses_hashes_that_do_not_fit_its_size() -> None:
    assert CompactRange().root() == EMPTY_ROOT
    with pytest.raises(ValueError, match="has 2 hashes"):
        CompactRange(3, [b"x" * 32])
    with pytest.raises(ValueError, match="32 bytes"):
        CompactRange(1, [b"x"])


def test_proofs_are_refused_outside_the_tree() -> None:
    tree = MerkleTree.from_entries(log(5))
    for bad in ((5, 5), (0, 6), (-1, 5)):
        with pytest.raises(ValueError):
            tree.inclusion_proof(*bad)
    for bad in ((3, 2), (0, 6), (-1, 3)):
        with pytest.raises(ValueError):
            tree.consistency_proof(*bad)
    with pytest.raises(ValueError, match="not an RFC 6962 subtree"):
        TreeLevels([leaf_hash(e) for e in log(5)]).subtree(1, 2)
