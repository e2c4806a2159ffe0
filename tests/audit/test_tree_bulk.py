"""The event tree appended in bulk (a rebuild) stores the rows of one-by-one appends."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from hypothesis import given
from hypothesis import strategies as st

from roundtable.audit.tree import SqliteTree

TREE = SqliteTree("t")


def _rows(db: sqlite3.Connection) -> tuple[list[tuple[object, ...]], ...]:
    return tuple(sorted(db.execute(f"SELECT * FROM {table}").fetchall())
                 for table in (TREE.leaves, TREE.nodes))


@given(batches=st.lists(st.integers(min_value=0, max_value=40), max_size=8))
def test_bulk_appends_store_the_nodes_of_single_appends(batches: list[int]) -> None:
    with closing(sqlite3.connect(":memory:")) as bulk, \
            closing(sqlite3.connect(":memory:")) as single:
        for db in (bulk, single):
            TREE.create(db)
        position = 0
        for size in batches:
            items = [(position + i, f"event {position + i}".encode()) for i in range(size)]
            TREE.append_many(bulk, items)
            for item in items:
                TREE.append(single, *item)
            position += size
        assert _rows(bulk) == _rows(single)
        if position:
            assert TREE.root(bulk, position) == TREE.root(single, position)
