"""Where the audit trail's durable tables live: the disclosure log with its tree, the signed
checkpoints of both logs and the event leaves they signed.

Two implementations of one small interface: `SqliteAuditStore`, the file `audit.sqlite` of the
data directory (embedded), and `PgAuditStore`, the schema `roundtable_audit` of the database,
shared by every host. The tables and the SQL are the same; only the transaction differs: an
immediate SQLite transaction locks the file, a PostgreSQL one takes the store's advisory lock,
so that disclosure writes and checkpoint signing of every process are serialised either way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from projections.db import Db, PgDb
from roundtable.audit.trail import DISCLOSURE_TREE, SIGNED_EVENT_TREE
from roundtable.pg import AUDIT_SCHEMA, connect, locked, open_schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS disclosures (
    seq INTEGER PRIMARY KEY, person_id TEXT NOT NULL, case_id TEXT,
    contribution_ids TEXT NOT NULL, endpoint TEXT NOT NULL, at TEXT NOT NULL,
    kind TEXT, ids TEXT);
CREATE INDEX IF NOT EXISTS disclosures_case ON disclosures(case_id, seq);
CREATE TABLE IF NOT EXISTS checkpoints (
    log TEXT NOT NULL, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
    PRIMARY KEY (log, size));
"""


def create_tables(db: Db) -> None:
    db.executescript(SCHEMA)
    DISCLOSURE_TREE.create(db)
    SIGNED_EVENT_TREE.create(db)


class AuditStore(Protocol):
    def transaction(self) -> AbstractContextManager[Db]:
        """One write transaction, exclusive across processes (and hosts)."""

    def reader(self) -> Db:
        """A connection for reads outside any write transaction (one thread at a time)."""

    def close(self) -> None: ...


class SqliteAuditStore:
    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False,
                                   timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        _add_kind_columns(self._db)
        create_tables(self._db)
        self._reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

    @contextmanager
    def transaction(self) -> Iterator[Db]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def reader(self) -> Db:
        return self._reader

    def close(self) -> None:
        self._reader.close()
        self._db.close()


class PgAuditStore:
    def __init__(self, url: str) -> None:
        self._db = PgDb(open_schema(url, AUDIT_SCHEMA, create_tables))
        self._reader = PgDb(connect(url, AUDIT_SCHEMA))

    @contextmanager
    def transaction(self) -> Iterator[Db]:
        with locked(self._db, AUDIT_SCHEMA) as db:
            yield db

    def reader(self) -> Db:
        return self._reader

    def close(self) -> None:
        self._reader.raw.close()
        self._db.raw.close()


def _add_kind_columns(db: sqlite3.Connection) -> None:
    """A log written before records had kinds gains the two columns (NULL for its records)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(disclosures)")}
    for column in ("kind", "ids"):
        if column not in columns:
            db.execute(f"ALTER TABLE disclosures ADD COLUMN {column} TEXT")
