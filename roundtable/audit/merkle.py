"""RFC 6962 / RFC 9162 Merkle tree over the event log: hashing, proofs, verification.

The audit log is append-only, so every *perfect* subtree (a run of 2**level
leaves starting at a multiple of 2**level) never changes once it is complete.
We persist exactly those nodes (see `NodeStore`): appending a leaf stores the
leaf hash plus the nodes it completes, and the root of *any* historical tree
size, as well as every subtree hash an inclusion or consistency proof needs,
can be assembled from O(log n) of them. Nothing here does I/O; storage is the
caller's `NodeStore`.

Proof generation (`inclusion_proof`, `consistency_proof`) follows the PATH and
SUBPROOF definitions of RFC 9162 section 2.1.3.1 / 2.1.4.1. The verifiers
(`verify_inclusion`, `verify_consistency`) are a separate, literal transcription
of the algorithms in sections 2.1.3.2 / 2.1.4.2, deliberately sharing no code
with the generators, so that a bug in one is not silently mirrored in the other:
they are what an outside auditor would run.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from typing import Protocol

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MemoryNodeStore",
    "NodeStore",
    "append",
    "append_leaf_hash",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_leaf_hashes",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
"""Length in bytes of every tree hash (SHA-256)."""

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) -- the root hash of the empty tree (RFC 9162 section 2.1.1)."""


def leaf_hash(data: bytes) -> bytes:
    """Hash one leaf: SHA-256(0x00 || data).

    The 0x00 prefix (domain separation from interior nodes) is what stops a
    second-preimage attack presenting an interior node as a leaf.
    """
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


class NodeStore(Protocol):
    """Persistent map of complete perfect-subtree hashes.

    Node (level, index) is the hash of leaves [index * 2**level,
    (index + 1) * 2**level); level 0 holds the leaf hashes. Only complete
    subtrees are ever stored, so entries are write-once and never change.
    `get` of a node that was never stored must raise (e.g. KeyError); the
    functions below only ask for nodes that exist for the sizes they are given.
    """

    def get(self, level: int, index: int) -> bytes:
        """Return the stored hash of node (level, index)."""
        ...

    def put(self, level: int, index: int, h: bytes) -> None:
        """Store the hash of the complete node (level, index)."""
        ...


class MemoryNodeStore:
    """Dict-backed `NodeStore`, for tests and for in-memory re-verification."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}

    def get(self, level: int, index: int) -> bytes:
        """Return node (level, index); KeyError names the missing node."""
        try:
            return self.nodes[(level, index)]
        except KeyError:
            raise KeyError(f"no stored Merkle node at level {level}, index {index}") from None

    def put(self, level: int, index: int, h: bytes) -> None:
        """Store node (level, index)."""
        self.nodes[(level, index)] = h


# --------------------------------------------------------------------------- building


def append(store: NodeStore, size: int, leaf: bytes) -> int:
    """Append the leaf *data* `leaf` at index `size`; return the new size.

    Hashes the data with `leaf_hash` and delegates to `append_leaf_hash`.
    """
    return append_leaf_hash(store, size, leaf_hash(leaf))


def append_leaf_hash(store: NodeStore, size: int, h: bytes) -> int:
    """Append an already computed leaf hash at index `size`; return the new size.

    Stores the leaf and every perfect subtree it completes: one put per
    trailing one-bit of `size`, plus one, i.e. at most log2(size + 1) + 1 puts.
    """
    if size < 0:
        raise ValueError(f"tree size must be >= 0, got {size}")
    _require_hash(h, "leaf hash")
    level, index = 0, size
    store.put(level, index, h)
    while index & 1:
        h = node_hash(store.get(level, index - 1), h)
        level, index = level + 1, index >> 1
        store.put(level, index, h)
    return size + 1


# --------------------------------------------------------------------------- reading


def root(store: NodeStore, size: int) -> bytes:
    """Return MTH(D[0:size]), the root of the tree of the first `size` leaves.

    Works for any historical size too, because perfect subtrees never change.
    Reads exactly popcount(size) stored nodes.
    """
    if size < 0:
        raise ValueError(f"tree size must be >= 0, got {size}")
    return subtree_hash(store, 0, size)


def subtree_hash(store: NodeStore, start: int, end: int) -> bytes:
    """Return MTH(D[start:end]) as defined in RFC 9162 section 2.1.1.

    Every range the RFC proofs ask for is *aligned* (start is a multiple of the
    smallest power of two >= end - start); those are assembled from at most
    log2(end - start) + 1 stored nodes. Any other range is still computed
    correctly, by recursing down to stored nodes, but may cost O(end - start)
    reads.
    """
    if not 0 <= start <= end:
        raise ValueError(f"invalid leaf range [{start}, {end})")
    if start == end:
        return EMPTY_ROOT
    return _range_hash(store, start, end)


def _range_hash(store: NodeStore, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a non-empty range (see `subtree_hash`)."""
    n = end - start
    if n & (n - 1) == 0 and start % n == 0:  # a stored perfect subtree
        level = n.bit_length() - 1
        return store.get(level, start >> level)
    k = _split(n)
    return node_hash(_range_hash(store, start, start + k), _range_hash(store, start + k, end))


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2): the RFC's k."""
    return 1 << ((n - 1).bit_length() - 1)


# --------------------------------------------------------------------------- proofs


def inclusion_proof(store: NodeStore, index: int, size: int) -> list[bytes]:
    """Return PATH(index, D[0:size]) (RFC 9162 section 2.1.3.1), leaf-side first.

    Only the first right-hand sibling on the tree's right border can be a
    non-perfect subtree, so this costs O(log n) store reads. Raises ValueError
    unless 0 <= index < size.
    """
    if not 0 <= index < size:
        raise ValueError(
            f"leaf index {index} is out of range for a tree of size {size} (need 0 <= index < size)"
        )
    siblings: list[bytes] = []  # collected root-side first, reversed at the end
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            siblings.append(_range_hash(store, start + k, end))
            end = start + k
        else:
            siblings.append(_range_hash(store, start, start + k))
            start += k
    siblings.reverse()
    return siblings


def consistency_proof(store: NodeStore, size1: int, size2: int) -> list[bytes]:
    """Return PROOF(size1, D[0:size2]) (RFC 9162 section 2.1.4.1).

    Raises ValueError unless 0 < size1 <= size2: RFC 9162 defines no proof from
    the empty tree (every tree trivially extends it), and a proof between equal
    sizes is empty. Like `inclusion_proof`, this costs O(log n) store reads.
    """
    if not 0 < size1 <= size2:
        raise ValueError(
            f"no consistency proof from size {size1} to size {size2} (need 0 < size1 <= size2)"
        )
    nodes: list[bytes] = []  # collected root-side first, reversed at the end
    start, end, whole = 0, size2, True  # SUBPROOF(size1 - start, D[start:end], whole)
    while size1 != end:
        k = _split(end - start)
        if size1 <= start + k:
            nodes.append(_range_hash(store, start + k, end))
            end = start + k
        else:
            nodes.append(_range_hash(store, start, start + k))
            start, whole = start + k, False
    if not whole:
        nodes.append(_range_hash(store, start, end))
    nodes.reverse()
    return nodes


# --------------------------------------------------------------------------- verification


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Check an inclusion proof: RFC 9162 section 2.1.3.2, step by step.

    Returns False (never raises) for any malformed or non-matching input,
    including hashes that are not 32 bytes long.
    """
    if not 0 <= index < size:
        return False
    if not _is_hash(leaf_hash) or not all(_is_hash(p) for p in proof):
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and _same(r, root)


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """Check a consistency proof: RFC 9162 section 2.1.4.2, step by step.

    Cases outside the RFC algorithm (which assumes 0 < size1 < size2) are
    decided like the transparency-dev/merkle reference verifier: size1 > size2
    and size1 == 0 are rejected (a proof from the empty tree proves nothing),
    and equal sizes need an empty proof and identical roots. Returns False
    (never raises) for any malformed or non-matching input.
    """
    if not 0 < size1 <= size2:
        return False
    if size1 == size2:
        return len(proof) == 0 and _same(root1, root2)
    if len(proof) == 0 or not all(_is_hash(h) for h in (root1, root2, *proof)):
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # size1 is an exact power of two
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn & 1 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and _same(fr, root1) and _same(sr, root2)


def _is_hash(value: object) -> bool:
    """True for a 32-byte bytes value; anything else can never be a tree hash."""
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _same(a: bytes, b: bytes) -> bool:
    """Constant-time equality of two byte strings (never raises on bytes)."""
    return isinstance(a, bytes) and isinstance(b, bytes) and hmac.compare_digest(a, b)


def _require_hash(value: bytes, what: str) -> None:
    """Raise ValueError unless `value` is a 32-byte hash."""
    if not _is_hash(value):
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


# --------------------------------------------------------------------------- full recompute


def root_from_leaf_hashes(hashes: Iterable[bytes]) -> bytes:
    """Return MTH of the given leaf hashes, without any stored nodes.

    Used for full re-verification of the log, so it must handle millions of
    leaves, and accepts any iterable (e.g. a generator over a database cursor)
    so the log never has to sit in memory at once. A single pass keeps a stack
    of perfect-subtree hashes (at most log2(n) + 1 of them, like a binary
    counter), then folds the stack right to left, which is exactly the
    recursive MTH definition of RFC 9162 section 2.1.1.
    """
    stack: list[bytes] = []
    for count, h in enumerate(hashes, start=1):
        for _ in range((count & -count).bit_length() - 1):  # trailing zeros of count
            h = node_hash(stack.pop(), h)
        stack.append(h)
    if not stack:
        return EMPTY_ROOT
    acc = stack.pop()
    while stack:
        acc = node_hash(stack.pop(), acc)
    return acc
