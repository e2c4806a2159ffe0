"""Tests for the RFC 9162 Merkle tree (roundtable.audit.merkle) and leaf encoding.

Three independent oracles keep the implementation honest: the upstream
transparency-dev/merkle vectors (every file is run), the upstream reference
roots for its eight test leaves, and a spec-literal recursive transcription of
MTH / PATH / SUBPROOF written below, which shares no code with the module.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from roundtable.audit.leaf import LEAF_MAGIC, DecodedLeaf, decode_leaf, encode_leaf
from roundtable.audit.merkle import (
    EMPTY_ROOT,
    MemoryNodeStore,
    append,
    append_leaf_hash,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    root_from_leaf_hashes,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "transparency-dev-merkle"
INCLUSION_VECTORS = sorted((VECTORS / "inclusion").rglob("*.json"))
CONSISTENCY_VECTORS = sorted((VECTORS / "consistency").rglob("*.json"))

# testonly.LeafInputs() and testonly.RootHashes() from transparency-dev/merkle.
UPSTREAM_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
UPSTREAM_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]

BIG = 70  # every size 1..BIG, every index and every size pair is exercised


# --------------------------------------------------------------------------- helpers


def _vector_id(path: Path) -> str:
    return str(path.relative_to(VECTORS))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


def _proof(value: list[str] | None) -> list[bytes]:
    return [_b64(p) for p in value or []]


class CountingStore(MemoryNodeStore):
    """MemoryNodeStore that counts reads and writes and forbids rewrites."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0
        self.puts = 0

    def get(self, level: int, index: int) -> bytes:
        self.gets += 1
        return super().get(level, index)

    def put(self, level: int, index: int, h: bytes) -> None:
        assert (level, index) not in self.nodes, f"node {(level, index)} written twice"
        self.puts += 1
        super().put(level, index, h)


def _store_of(hashes: Sequence[bytes]) -> CountingStore:
    store = CountingStore()
    size = 0
    for h in hashes:
        size = append_leaf_hash(store, size, h)
    return store


def _flip(h: bytes) -> bytes:
    return bytes([h[0] ^ 1]) + h[1:]


# Spec-literal RFC 9162 section 2.1 definitions, deliberately naive and recursive.


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: Sequence[bytes]) -> bytes:
    if len(d) == 0:
        return EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return node_hash(ref_mth(d[:k]), ref_mth(d[k:]))


def ref_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [ref_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


@pytest.fixture(scope="module")
def big_leaves() -> list[bytes]:
    return [
        leaf_hash(encode_leaf(i + 1, f"stream-{i % 7}", i // 7 + 1, "Topic", b"x" * i))
        for i in range(BIG)
    ]


@pytest.fixture(scope="module")
def big_store(big_leaves: list[bytes]) -> CountingStore:
    return _store_of(big_leaves)


# --------------------------------------------------------------------------- upstream vectors


def test_vector_folder_holds_the_full_upstream_probe_set() -> None:
    every_json = sorted(VECTORS.rglob("*.json"))
    assert len(INCLUSION_VECTORS) == 98
    assert len(CONSISTENCY_VECTORS) == 98
    assert every_json == sorted(INCLUSION_VECTORS + CONSISTENCY_VECTORS)


@pytest.mark.parametrize("path", INCLUSION_VECTORS, ids=_vector_id)
def test_inclusion_vector_is_accepted_exactly_when_upstream_says_it_is_valid(path: Path) -> None:
    v = _load(path)
    ok = verify_inclusion(
        _b64(v["leafHash"]), v["leafIdx"], v["treeSize"], _proof(v["proof"]), _b64(v["root"])
    )
    assert ok is (not v["wantErr"]), v["desc"]


@pytest.mark.parametrize("path", CONSISTENCY_VECTORS, ids=_vector_id)
def test_consistency_vector_is_accepted_exactly_when_upstream_says_it_is_valid(
    path: Path,
) -> None:
    v = _load(path)
    ok = verify_consistency(
        v["size1"], v["size2"], _proof(v["proof"]), _b64(v["root1"]), _b64(v["root2"])
    )
    assert ok is (not v["wantErr"]), v["desc"]


def _happy_paths(kind: str) -> list[Path]:
    return sorted((VECTORS / kind).glob("[0-9]*/happy-path.json"))


@pytest.mark.parametrize("path", _happy_paths("inclusion"), ids=_vector_id)
def test_store_generates_exactly_the_upstream_inclusion_proof(path: Path) -> None:
    v = _load(path)
    store = _store_of([leaf_hash(d) for d in UPSTREAM_LEAVES])
    assert leaf_hash(UPSTREAM_LEAVES[v["leafIdx"]]) == _b64(v["leafHash"])
    assert root(store, v["treeSize"]) == _b64(v["root"])
    assert inclusion_proof(store, v["leafIdx"], v["treeSize"]) == _proof(v["proof"])


@pytest.mark.parametrize("path", _happy_paths("consistency"), ids=_vector_id)
def test_store_generates_exactly_the_upstream_consistency_proof(path: Path) -> None:
    v = _load(path)
    store = _store_of([leaf_hash(d) for d in UPSTREAM_LEAVES])
    assert root(store, v["size1"]) == _b64(v["root1"])
    assert root(store, v["size2"]) == _b64(v["root2"])
    assert consistency_proof(store, v["size1"], v["size2"]) == _proof(v["proof"])


def test_roots_of_every_prefix_of_the_upstream_tree_match_the_reference_roots() -> None:
    hashes = [leaf_hash(d) for d in UPSTREAM_LEAVES]
    store = _store_of(hashes)
    for size, want in enumerate(UPSTREAM_ROOTS):
        assert root(store, size) == want
        assert root_from_leaf_hashes(hashes[:size]) == want
        assert ref_mth(hashes[:size]) == want


def test_hashes_are_domain_separated_sha256_as_in_rfc6962() -> None:
    assert EMPTY_ROOT.hex() == UPSTREAM_ROOTS[0].hex()
    assert leaf_hash(b"") == UPSTREAM_ROOTS[1]
    assert node_hash(leaf_hash(b""), leaf_hash(b"\x00")) == UPSTREAM_ROOTS[2]
    assert leaf_hash(b"\x01" + b"a" * 64) != node_hash(b"a" * 32, b"a" * 32)


# --------------------------------------------------------------------------- generated trees


@pytest.mark.parametrize("size", range(1, BIG + 1))
def test_root_of_every_size_matches_recursive_definition_and_fold(
    size: int, big_leaves: list[bytes], big_store: CountingStore
) -> None:
    want = ref_mth(big_leaves[:size])
    assert root(big_store, size) == want
    assert root_from_leaf_hashes(big_leaves[:size]) == want


@pytest.mark.parametrize("size", range(1, BIG + 1))
def test_every_inclusion_proof_is_rfc_path_and_verifies_only_unaltered(
    size: int, big_leaves: list[bytes], big_store: CountingStore
) -> None:
    tree_root = root_from_leaf_hashes(big_leaves[:size])
    for index in range(size):
        before = big_store.gets
        proof = inclusion_proof(big_store, index, size)
        assert big_store.gets - before <= 2 * size.bit_length()  # O(log n) stored reads
        assert proof == ref_path(index, big_leaves[:size])
        leaf = big_leaves[index]
        assert verify_inclusion(leaf, index, size, proof, tree_root)
        assert not verify_inclusion(leaf, index, size, proof, _flip(tree_root))
        assert not verify_inclusion(_flip(leaf), index, size, proof, tree_root)
        assert not verify_inclusion(leaf, index, size, [*proof, leaf], tree_root)
        for i in range(len(proof)):
            tampered = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
            assert not verify_inclusion(leaf, index, size, tampered, tree_root)
        if size > 1:
            other = index ^ 1 if index ^ 1 < size else index - 1
            assert not verify_inclusion(leaf, other, size, proof, tree_root)


@pytest.mark.parametrize("size2", range(1, BIG + 1))
def test_every_consistency_proof_is_rfc_subproof_and_verifies_only_unaltered(
    size2: int, big_leaves: list[bytes], big_store: CountingStore
) -> None:
    root2 = root_from_leaf_hashes(big_leaves[:size2])
    for size1 in range(1, size2 + 1):
        root1 = root_from_leaf_hashes(big_leaves[:size1])
        before = big_store.gets
        proof = consistency_proof(big_store, size1, size2)
        assert big_store.gets - before <= 2 * size2.bit_length()  # O(log n) stored reads
        assert proof == ref_subproof(size1, big_leaves[:size2], True)
        assert verify_consistency(size1, size2, proof, root1, root2)
        assert not verify_consistency(size1, size2, proof, _flip(root1), root2)
        assert not verify_consistency(size1, size2, proof, root1, _flip(root2))
        for i in range(len(proof)):
            tampered = [*proof[:i], _flip(proof[i]), *proof[i + 1 :]]
            assert not verify_consistency(size1, size2, tampered, root1, root2)
        if size1 > 1:
            assert not verify_consistency(size1 - 1, size2, proof, root1, root2)


def test_consistency_proof_between_equal_sizes_is_empty_and_verifies(
    big_store: CountingStore,
) -> None:
    r = root(big_store, 13)
    assert consistency_proof(big_store, 13, 13) == []
    assert verify_consistency(13, 13, [], r, r)
    assert not verify_consistency(13, 13, [r], r, r)


def test_append_stores_each_leaf_and_every_completed_subtree_exactly_once() -> None:
    store = CountingStore()
    size = 0
    for n in range(1100):
        before = store.puts
        size = append(store, size, n.to_bytes(4, "big"))
        trailing_ones = ((n + 1) & -(n + 1)).bit_length() - 1
        assert store.puts - before == 1 + trailing_ones
        assert store.puts - before <= size.bit_length()
        # A tree of `size` leaves has 2 * size - popcount(size) complete nodes.
        assert store.puts == 2 * size - size.bit_count()
    assert store.get(10, 0) == root_from_leaf_hashes([store.get(0, i) for i in range(1024)])


def test_root_of_any_size_reads_one_stored_node_per_set_bit(big_store: CountingStore) -> None:
    for size in range(BIG + 1):
        before = big_store.gets
        root(big_store, size)
        assert big_store.gets - before == size.bit_count()


def test_aligned_subtree_hashes_read_at_most_logarithmically_many_nodes(
    big_leaves: list[bytes], big_store: CountingStore
) -> None:
    for end in range(1, BIG + 1):
        for start in range(end):
            width = 1 << (end - start - 1).bit_length()  # smallest power of 2 >= end - start
            if start % width:
                continue
            before = big_store.gets
            assert subtree_hash(big_store, start, end) == ref_mth(big_leaves[start:end])
            assert big_store.gets - before == (end - start).bit_count()


def test_subtree_hash_of_unaligned_ranges_still_follows_the_definition(
    big_leaves: list[bytes], big_store: CountingStore
) -> None:
    for start, end in [(1, 4), (3, 10), (5, 6), (7, 70), (33, 64), (2, 2)]:
        assert subtree_hash(big_store, start, end) == ref_mth(big_leaves[start:end])


def test_proof_and_range_arguments_out_of_range_raise_value_error(
    big_store: CountingStore,
) -> None:
    with pytest.raises(ValueError, match="out of range"):
        inclusion_proof(big_store, 5, 5)
    with pytest.raises(ValueError, match="out of range"):
        inclusion_proof(big_store, -1, 5)
    with pytest.raises(ValueError, match="out of range"):
        inclusion_proof(big_store, 0, 0)
    with pytest.raises(ValueError, match="need 0 < size1 <= size2"):
        consistency_proof(big_store, 0, 5)
    with pytest.raises(ValueError, match="need 0 < size1 <= size2"):
        consistency_proof(big_store, 6, 5)
    with pytest.raises(ValueError, match="invalid leaf range"):
        subtree_hash(big_store, 4, 3)
    with pytest.raises(ValueError, match="must be >= 0"):
        root(big_store, -1)
    with pytest.raises(ValueError, match="must be >= 0"):
        append(MemoryNodeStore(), -1, b"data")
    with pytest.raises(ValueError, match="32 bytes"):
        append_leaf_hash(MemoryNodeStore(), 0, b"short")


def test_verifiers_return_false_instead_of_raising_on_nonsense(
    big_leaves: list[bytes],
) -> None:
    h = big_leaves[0]
    assert not verify_inclusion(h, -1, 1, [], h)
    assert not verify_inclusion(h, 0, -1, [], h)
    assert not verify_inclusion(h, 2**70, 2**71, [h] * 80, h)
    assert not verify_inclusion(h, 0, 2, [b""], h)
    assert not verify_consistency(-1, 1, [], h, h)
    assert not verify_consistency(1, -1, [], h, h)
    assert not verify_consistency(1, 2, [h, b"x"], h, h)
    assert not verify_consistency(3, 2**70, [h] * 200, h, h)


def test_full_recompute_folds_large_logs_to_the_same_root_as_the_store() -> None:
    hashes = [leaf_hash(i.to_bytes(8, "big")) for i in range(2**17 + 5)]
    store = MemoryNodeStore()
    size = 0
    for h in hashes:
        size = append_leaf_hash(store, size, h)
    assert root_from_leaf_hashes(hashes) == root(store, size)
    assert root_from_leaf_hashes(iter(hashes[: 2**17])) == store.get(17, 0)
    assert root_from_leaf_hashes([]) == EMPTY_ROOT


# --------------------------------------------------------------------------- leaf encoding


def test_leaf_encoding_matches_the_documented_byte_layout() -> None:
    encoded = encode_leaf(1, "s", 2, "t", b"x")
    assert encoded.hex() == (
        "726f756e647461626c652d6c6561662d76310a"
        "0000000000000001"
        "00000001"
        "73"
        "0000000000000002"
        "00000001"
        "74"
        "00000001"
        "78"
    )
    assert encoded.startswith(LEAF_MAGIC)


@pytest.mark.parametrize(
    "fields",
    [
        (1, "s", 2, "t", b"x"),
        (0, "", 0, "", b""),
        (2**64 - 1, "stream-\u00e9\U0001f600", 2**64 - 1, "Topic.Changed", bytes(range(256)) * 40),
    ],
)
def test_leaf_decodes_back_to_the_fields_it_was_encoded_from(
    fields: tuple[int, str, int, str, bytes],
) -> None:
    assert decode_leaf(encode_leaf(*fields)) == DecodedLeaf(*fields)


def test_leaf_fields_cannot_bleed_into_each_other() -> None:
    variants = {
        encode_leaf(1, "ab", 1, "c", b""),
        encode_leaf(1, "a", 1, "bc", b""),
        encode_leaf(1, "c", 1, "ab", b""),
        encode_leaf(1, "ab", 1, "", b"c"),
        encode_leaf(1, "ab", 2, "c", b""),
        encode_leaf(2, "ab", 1, "c", b""),
    }
    assert len(variants) == 6


def test_decoding_rejects_truncated_extended_or_foreign_bytes() -> None:
    encoded = encode_leaf(7, "stream", 3, "topic", b"state")
    for cut in range(len(encoded)):
        with pytest.raises(ValueError, match="truncated|bad magic"):
            decode_leaf(encoded[:cut])
    with pytest.raises(ValueError, match="trailing"):
        decode_leaf(encoded + b"\x00")
    with pytest.raises(ValueError, match="bad magic"):
        decode_leaf(b"roundtable-leaf-v2\n" + encoded[len(LEAF_MAGIC) :])
    bad_utf8 = encoded.replace(b"stream", b"str\xffam")
    with pytest.raises(ValueError, match="stream_id is not valid UTF-8"):
        decode_leaf(bad_utf8)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ((-1, "s", 1, "t", b""), "position"),
        ((2**64, "s", 1, "t", b""), "position"),
        ((1, "s", -1, "t", b""), "version"),
        ((1, "\ud800", 1, "t", b""), "stream_id"),
        ((1, "s", 1, "\udfff", b""), "topic"),
    ],
)
def test_events_without_a_canonical_encoding_are_refused(
    fields: tuple[int, str, int, str, bytes], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        encode_leaf(*fields)
