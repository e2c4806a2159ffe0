"""A Merkle tree kept in SQLite tables, appended inside the caller's transaction.

Used twice: over the event log (a projection in the read-model file, rebuilt from the log at
will) and over the disclosure log (in the disclosure file, written with its records). Each
append costs O(log n) rows; proofs read O(log n) rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from projections.db import Db
from roundtable.audit import merkle


class _Nodes:
    def __init__(self, db: Db, table: str) -> None:
        self.db = db
        self.table = table

    def get(self, level: int, index: int) -> bytes:
        row = self.db.execute(
            f"SELECT hash FROM {self.table} WHERE level=? AND idx=?", (level, index)
        ).fetchone()
        if row is None:
            raise KeyError((level, index))
        return bytes(row[0])

    def put(self, level: int, index: int, h: bytes) -> None:
        self.db.execute(f"INSERT INTO {self.table} VALUES (?, ?, ?)", (level, index, h))


class SqliteTree:
    """Leaves (index, position, leaf hash) and the hashes of every complete subtree."""

    def __init__(self, name: str) -> None:
        self.nodes = f"{name}_nodes"
        self.leaves = f"{name}_leaves"

    def create(self, db: Db) -> None:
        db.executescript(
            f"CREATE TABLE IF NOT EXISTS {self.nodes} (level INTEGER NOT NULL, "
            "idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;"
            f"CREATE TABLE IF NOT EXISTS {self.leaves} (idx INTEGER PRIMARY KEY, "
            "position INTEGER NOT NULL UNIQUE, hash BLOB NOT NULL);"
        )

    def size(self, db: Db) -> int:
        row = db.execute(f"SELECT MAX(idx) FROM {self.leaves}").fetchone()
        return int(row[0]) + 1 if row[0] is not None else 0

    def append(self, db: Db, position: int, data: bytes, index: int | None = None) -> int:
        """Append the leaf for `data` (the canonical bytes) at `index` (the size of the tree,
        read when not given); returns its index."""
        index = self.size(db) if index is None else index
        leaf = merkle.leaf_hash(data)
        db.execute(f"INSERT INTO {self.leaves} VALUES (?, ?, ?)", (index, position, leaf))
        merkle.append_leaf_hash(_Nodes(db, self.nodes), index, leaf)
        return index

    def append_many(self, db: Db, items: Iterable[tuple[int, bytes]]) -> int:
        """Append the leaves of (position, data) pairs, in order, with one statement per table
        (a bulk `append`: the same rows); returns the index of the first.

        Level by level: the new nodes of a level pair up into the next one's, the first with
        its stored left sibling when it starts at an odd index (the same complete subtrees
        `merkle.append_leaf_hash` stores one leaf at a time)."""
        first = self.size(db)
        leaves = [(first + i, position, merkle.leaf_hash(data))
                  for i, (position, data) in enumerate(items)]
        db.executemany(f"INSERT INTO {self.leaves} VALUES (?, ?, ?)", leaves)
        stored = _Nodes(db, self.nodes)
        level, start, hashes = 0, first, [leaf for _, _, leaf in leaves]
        nodes: list[tuple[int, int, bytes]] = []
        while hashes:
            nodes += [(level, start + i, h) for i, h in enumerate(hashes)]
            if start & 1:
                start, hashes = start - 1, [stored.get(level, start - 1), *hashes]
            node = merkle.node_hash
            hashes = [node(hashes[i], hashes[i + 1]) for i in range(0, len(hashes) - 1, 2)]
            level, start = level + 1, start >> 1
        db.executemany(f"INSERT INTO {self.nodes} VALUES (?, ?, ?)", nodes)
        return first

    def root(self, db: Db, size: int) -> bytes:
        return merkle.root(_Nodes(db, self.nodes), size)

    def inclusion_proof(self, db: Db, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(_Nodes(db, self.nodes), index, size)

    def consistency_proof(self, db: Db, size1: int, size2: int) -> list[bytes]:
        return merkle.consistency_proof(_Nodes(db, self.nodes), size1, size2)

    def leaf(self, db: Db, index: int) -> tuple[int, bytes] | None:
        row = db.execute(
            f"SELECT position, hash FROM {self.leaves} WHERE idx=?", (index,)
        ).fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def index_of(self, db: Db, position: int) -> int | None:
        row = db.execute(
            f"SELECT idx FROM {self.leaves} WHERE position=?", (position,)
        ).fetchone()
        return int(row[0]) if row else None

    def leaf_rows(self, db: Db) -> Iterator[tuple[int, int, bytes]]:
        for index, position, h in db.execute(
            f"SELECT idx, position, hash FROM {self.leaves} ORDER BY idx"
        ):
            yield int(index), int(position), bytes(h)
