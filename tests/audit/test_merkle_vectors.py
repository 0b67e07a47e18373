"""RFC 6962 test vectors: hashes, roots of 0..8 leaves, inclusion and consistency proofs.

The vectors are the well-known ones of Certificate Transparency, as kept in
transparency-dev/merkle (``rfc6962/rfc6962_test.go``, ``proof/verify_test.go``; Apache
2.0), and so are the ways of corrupting a proof that must all be refused.
"""

from __future__ import annotations

import pytest

from app.audit.merkle import MerkleTree
from app.audit.verifier import (
    EMPTY_ROOT,
    ProofError,
    leaf_hash,
    merkle_root,
    node_hash,
    verify_consistency,
    verify_inclusion,
)


def h(text: str) -> bytes:
    return bytes.fromhex(text)


LEAVES = [
    h(x)
    for x in (
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]  # fmt: skip
#: ROOTS[n - 1] is the root of the tree of the first n leaves.
ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
#: (0-based leaf index, tree size, audit path)
INCLUSION = [
    (0, 1, []),
    (0, 8, [
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ]),
    (5, 8, [
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    ]),
    (2, 3, [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]),
    (1, 5, [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    ]),
]  # fmt: skip
#: (old size, new size, consistency path)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, [
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ]),
    (6, 8, [
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    ]),
    (2, 5, [
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    ]),
    (6, 7, [
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    ]),
]  # fmt: skip
SOME_HASH = h("abacaba000000000000000000000000000000000000000000060061e00123456")
TREE = MerkleTree.from_entries(LEAVES)


def test_leaf_and_node_hashes_are_rfc_6962s() -> None:
    assert h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == EMPTY_ROOT
    assert leaf_hash(b"") == ROOTS[0]
    assert leaf_hash(b"L123456") == h(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456") == h(
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )
    # The empty tree is not the tree of one empty leaf, and order matters.
    assert leaf_hash(b"") != EMPTY_ROOT
    a, b = leaf_hash(b"Hello"), leaf_hash(b"World")
    assert node_hash(a, b) != node_hash(b, a) != leaf_hash(a + b)


@pytest.mark.parametrize("size", range(9))
def test_roots_of_0_to_8_leaves(size: int) -> None:
    expected = EMPTY_ROOT if size == 0 else ROOTS[size - 1]
    assert MerkleTree.from_entries(LEAVES[:size]).root() == expected
    assert merkle_root([leaf_hash(x) for x in LEAVES[:size]]) == expected
    assert TREE.root(size) == expected


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_are_generated_and_verified_as_the_vectors(
    index: int, size: int, path: list[bytes]
) -> None:
    assert TREE.inclusion_proof(index, size) == path
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), path, ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "path"), CONSISTENCY)
def test_consistency_proofs_are_generated_and_verified_as_the_vectors(
    old: int, new: int, path: list[bytes]
) -> None:
    assert TREE.consistency_proof(old, new) == path
    verify_consistency(old, new, ROOTS[old - 1], ROOTS[new - 1], path)


def _flip(path: list[bytes], i: int, bit: int) -> list[bytes]:
    return [bytes([x[0] ^ bit]) + x[1:] if j == i else x for j, x in enumerate(path)]


def _corrupt_inclusions(
    index: int, size: int, path: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[int, int, bytes, bytes, list[bytes]]]:
    probes = [
        (index - 1, size, root, leaf, path),
        (index + 1, size, root, leaf, path),
        (index ^ 2, size, root, leaf, path),
        (index, size * 2, root, leaf, path),
        (index, size // 2, root, leaf, path),
        (index, size, root, leaf_hash(b"WrongLeaf"), path),
        (index, size, EMPTY_ROOT, leaf, path),
        (index, size, SOME_HASH, leaf, path),
        (index, size, root, leaf, [*path, b""]),
        (index, size, root, leaf, [*path, root]),
        (index, size, root, leaf, [b"", *path]),
        (index, size, root, leaf, [root, *path]),
    ]
    probes += [(index, size, root, leaf, _flip(path, i, 8)) for i in range(len(path))]
    if path:
        probes.append((index, size, root, leaf, path[:-1]))
    if len(path) > 1:
        probes.append((index, size, root, leaf, [path[0], SOME_HASH, *path[1:]]))
    return probes


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_every_corruption_of_an_inclusion_proof_is_refused(
    index: int, size: int, path: list[bytes]
) -> None:
    leaf, root = leaf_hash(LEAVES[index]), ROOTS[size - 1]
    for probe in _corrupt_inclusions(index, size, path, root, leaf):
        with pytest.raises(ProofError):
            verify_inclusion(probe[0], probe[1], probe[3], probe[4], probe[2])


@pytest.mark.parametrize(("old", "new", "path"), [c for c in CONSISTENCY if c[2]])
def test_every_corruption_of_a_consistency_proof_is_refused(
    old: int, new: int, path: list[bytes]
) -> None:
    r1, r2 = ROOTS[old - 1], ROOTS[new - 1]
    probes = [
        (old - 1, new, r1, r2, path),
        (old + 1, new, r1, r2, path),
        (old ^ 2, new, r1, r2, path),
        (old, new * 2, r1, r2, path),
        (old, new // 2, r1, r2, path),
        (old, new, SOME_HASH, r2, path),
        (old, new, r1, SOME_HASH, path),
        (old, new, r2, r1, path),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*path, b""]),
        (old, new, r1, r2, [*path, r1]),
        (old, new, r1, r2, [*path, r2]),
        (old, new, r1, r2, [b"", *path]),
        (old, new, r1, r2, [r1, *path]),
        (old, new, r1, r2, [r2, *path]),
        (old, new, r1, r2, [path[0], *path]),
        (old, new, r1, r2, path[:-1]),
        *((old, new, r1, r2, _flip(path, i, 16)) for i in range(len(path))),
    ]
    for size1, size2, root1, root2, proof in probes:
        with pytest.raises(ProofError):
            verify_consistency(size1, size2, root1, root2, proof)


ROOT1, ROOT2 = b"1" * 32, b"2" * 32


@pytest.mark.parametrize(
    ("old", "new", "root1", "root2", "path", "ok"),
    [
        (0, 0, ROOT1, ROOT2, [], False),  # same size, different roots: a fork
        (1, 1, ROOT1, ROOT2, [], False),
        (0, 0, ROOT1, ROOT1, [], True),  # sizes that are always consistent
        (0, 1, ROOT1, ROOT2, [], True),
        (1, 1, ROOT2, ROOT2, [], True),
        (1, 0, ROOT1, ROOT2, [], False),  # back in time
        (2, 1, ROOT1, ROOT2, [], False),
        (1, 2, ROOT1, ROOT2, [], False),  # an empty proof where one is needed
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),  # a proof where none is
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
    ],
)
def test_consistency_edge_cases(
    old: int, new: int, root1: bytes, root2: bytes, path: list[bytes], ok: bool
) -> None:
    if ok:
        verify_consistency(old, new, root1, root2, path)
    else:
        with pytest.raises(ProofError):
            verify_consistency(old, new, root1, root2, path)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_an_empty_path_proves_nothing_about_a_wrong_root_or_leaf(index: int, size: int) -> None:
    for leaf, root in ((SOME_HASH, b""), (b"", EMPTY_ROOT), (SOME_HASH, EMPTY_ROOT)):
        with pytest.raises(ProofError):
            verify_inclusion(index, size, leaf, [], root)


def test_a_single_entry_tree_is_its_leaf() -> None:
    leaf = leaf_hash(b"data")
    verify_inclusion(0, 1, leaf, [], leaf)
    for bad_leaf, bad_root in ((leaf, b""), (b"", leaf), (b"", b"")):
        with pytest.raises(ProofError):
            verify_inclusion(0, 1, bad_leaf, [], bad_root)
