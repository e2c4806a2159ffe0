"""The read-model database: one SQLite file beside the event store, rebuildable from the log.

Every projection writes its rows and its tracking position in one transaction, so a crash
leaves either both or neither: resumable, exactly once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from projections.db import Db, PgDb
from projections.projector import SCHEMAS

SCHEMA = """
CREATE TABLE IF NOT EXISTS tracking (
    name TEXT PRIMARY KEY, position INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS round_table (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, retention_days INTEGER NOT NULL,
    review_days INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, sector TEXT NOT NULL, kind TEXT NOT NULL,
    professional_secrecy INTEGER NOT NULL, since INTEGER NOT NULL, mandate TEXT, offers TEXT,
    contact_person_id TEXT);
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, organisation_id TEXT NOT NULL, role TEXT NOT NULL,
    since INTEGER NOT NULL, deactivated_at INTEGER, confirmed INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS people_organisation ON people(organisation_id);
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY, reference TEXT NOT NULL, status TEXT NOT NULL, subject TEXT,
    summary TEXT, opened_on TEXT NOT NULL, opened_at INTEGER NOT NULL,
    closed_at INTEGER, closed_on TEXT, close_reason TEXT, erased_at INTEGER);
CREATE TABLE IF NOT EXISTS case_organisations (
    case_id TEXT NOT NULL, organisation_id TEXT NOT NULL, since INTEGER NOT NULL,
    PRIMARY KEY (case_id, organisation_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_organisations_org ON case_organisations(organisation_id);
CREATE TABLE IF NOT EXISTS meetings (
    id TEXT PRIMARY KEY, held_on TEXT NOT NULL, since INTEGER NOT NULL,
    attendance_at INTEGER);
CREATE TABLE IF NOT EXISTS meeting_cases (
    meeting_id TEXT NOT NULL, case_id TEXT NOT NULL,
    PRIMARY KEY (meeting_id, case_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS meeting_cases_case ON meeting_cases(case_id);
CREATE TABLE IF NOT EXISTS meeting_present (
    meeting_id TEXT NOT NULL, person_id TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS meeting_present_person ON meeting_present(person_id);
CREATE TABLE IF NOT EXISTS contributions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, contributor_id TEXT NOT NULL,
    owner_id TEXT NOT NULL, text TEXT, rule TEXT NOT NULL, meeting_id TEXT,
    created_at TEXT NOT NULL, added_at INTEGER NOT NULL, rule_at INTEGER NOT NULL,
    withdrawn_at INTEGER);
CREATE INDEX IF NOT EXISTS contributions_case ON contributions(case_id, added_at);
CREATE INDEX IF NOT EXISTS contributions_meeting ON contributions(meeting_id);
CREATE TABLE IF NOT EXISTS permitted (
    person_id TEXT NOT NULL, contribution_id TEXT NOT NULL, case_id TEXT NOT NULL,
    added_at INTEGER NOT NULL, may_act INTEGER NOT NULL, sees_owner INTEGER NOT NULL,
    contributor INTEGER NOT NULL, expires_us INTEGER,
    PRIMARY KEY (person_id, contribution_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS permitted_contribution ON permitted(contribution_id);
CREATE INDEX IF NOT EXISTS permitted_case ON permitted(person_id, case_id, added_at);
"""
# The tables of the projection modules that declare their own.
SCHEMA += "".join(SCHEMAS)


class ViewStore:
    """The read models in one SQLite file: thread-local connections, one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self.write_lock = threading.RLock()
        self._opened: list[sqlite3.Connection] = []  # every thread's, closed by `close`
        self._opened_lock = threading.Lock()
        self.ensure(lambda db: db.executescript(SCHEMA))

    def ensure(self, create: Callable[[Db], None]) -> None:
        """Create tables (idempotent statements) once per store."""
        with self.write_lock:
            create(self.connection())

    def connection(self) -> Db:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                 timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
            with self._opened_lock:
                self._opened.append(db)
        return db

    @contextmanager
    def write(self) -> Iterator[Db]:
        """One immediate transaction: everything in it commits together or not at all."""
        with self.write_lock:
            db = self.connection()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def position(self, name: str) -> int:
        row = self.connection().execute(
            "SELECT position FROM tracking WHERE name=?", (name,)
        ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Close every thread's connection: a connection left open would hold the file (and
        keep `rebuild` refusing) for as long as anything still refers to this store."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for db in opened:
            db.close()
        self._local = threading.local()


# Every projector, in every process, takes this lock for its transaction: one at a time.
PROJECTOR_LOCK = 72_616_201


class PostgresViewStore(ViewStore):
    """The read models in PostgreSQL, shared by every API process and projection worker."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._local = threading.local()
        self.write_lock = threading.RLock()
        self._connections: list[Any] = []
        self.ensure(lambda db: db.executescript(SCHEMA))

    def ensure(self, create: Callable[[Db], None]) -> None:
        with self.write() as db:  # under the projectors' lock: processes start together
            create(db)

    def connection(self) -> Db:
        db: PgDb | None = getattr(self._local, "db", None)
        if db is None or db.raw.closed:
            import psycopg

            raw = psycopg.connect(
                self.conninfo, autocommit=True,
                options="-c statement_timeout=30000 -c lock_timeout=10000 "
                        "-c idle_in_transaction_session_timeout=60000",
            )
            self._connections.append(raw)
            db = PgDb(raw)
            self._local.db = db
        return db

    @contextmanager
    def write(self) -> Iterator[Db]:
        with self.write_lock:
            db = self.connection()
            assert isinstance(db, PgDb)
            with db.raw.transaction():
                db.execute("SELECT pg_advisory_xact_lock(?)", (PROJECTOR_LOCK,))
                yield db

    def close(self) -> None:
        for raw in self._connections:
            raw.close()
