"""Web sessions: a store of their own, apart from the event log and the views.

The cookie carries a random session id; the store keeps only its SHA-256, the person signed in
(none yet on the sign-in form) and the session's CSRF token. The bearer token never leaves the
sign-in request. The store is a SQLite file (0600) in the data directory, so sessions survive a
restart of `serve` and are shared by the API processes of one host; on PostgreSQL it is the
schema `roundtable_sessions` of the database, so a session started on one host is valid on
every other. A copy of the store gives no working cookie. Signing out deletes the row: the old
cookie stops working at once.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from projections.db import Db, PgDb

# A signed-in session ends after this long without a request, and in any case after a day's
# meeting; the sign-in form's session (no person yet) after an hour.
IDLE = timedelta(hours=2)
LONGEST = timedelta(hours=12)
SIGN_IN_FORM = timedelta(hours=1)
# `seen` is written at most this often, so that page views rarely write.
TOUCH_EVERY = timedelta(minutes=1)

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY, person_id TEXT, csrf TEXT NOT NULL,
    created_us INTEGER NOT NULL, seen_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_seen ON sessions(seen_us);
"""


@dataclass(frozen=True)
class Session:
    person_id: UUID | None
    csrf: str


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


class SessionStore:
    def __init__(self, db: Db, clock: Callable[[], datetime], close: Callable[[], None]) -> None:
        self.clock = clock
        self._db = db
        self._close = close
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, clock: Callable[[], datetime]) -> SessionStore:
        """The SQLite file `path` (0600), created if missing."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        os.fchmod(fd, 0o600)  # SQLite gives its journals the mode of the database file
        os.close(fd)
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        return cls(db, clock, db.close)

    @classmethod
    def open_postgres(cls, url: str, clock: Callable[[], datetime]) -> SessionStore:
        """The schema `roundtable_sessions` of the database, shared by every host."""
        from roundtable.pg import SESSIONS_SCHEMA, open_schema

        raw: Any = open_schema(url, SESSIONS_SCHEMA, lambda db: db.executescript(SCHEMA))
        return cls(PgDb(raw), clock, raw.close)

    def start(self, person_id: UUID | None) -> tuple[str, Session]:
        """A new session; returns the id for the cookie (stored only as its hash)."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = _us(self.clock())
        with self._lock:
            self._purge(now)
            self._db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (_hash(session_id), str(person_id) if person_id else None, csrf, now, now))
        return session_id, Session(person_id, csrf)

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id, None for an unknown, ended or expired one."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            row = self._db.execute(
                "SELECT person_id, csrf, created_us, seen_us FROM sessions WHERE id_hash=?",
                (_hash(session_id),)).fetchone()
            if row is None:
                return None
            person, csrf, created, seen = row
            if _expired(person is not None, created, seen, _us(now)):
                self._db.execute("DELETE FROM sessions WHERE id_hash=?", (_hash(session_id),))
                return None
            if _us(now) - seen > _us_delta(TOUCH_EVERY):
                self._db.execute("UPDATE sessions SET seen_us=? WHERE id_hash=?",
                                 (_us(now), _hash(session_id)))
        return Session(UUID(person) if person else None, csrf)

    def end(self, session_id: str | None) -> None:
        if session_id:
            with self._lock:
                self._db.execute("DELETE FROM sessions WHERE id_hash=?", (_hash(session_id),))

    def end_person(self, person_id: UUID) -> None:
        """End every session of a person (a new token, a deactivation)."""
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE person_id=?", (str(person_id),))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._close()

    def _purge(self, now: int) -> None:
        self._db.execute(
            "DELETE FROM sessions WHERE (person_id IS NULL AND seen_us < ?) "
            "OR seen_us < ? OR created_us < ?",
            (now - _us_delta(SIGN_IN_FORM), now - _us_delta(IDLE), now - _us_delta(LONGEST)))


def _us_delta(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1_000_000)


def _expired(signed_in: bool, created: int, seen: int, now: int) -> bool:
    idle = IDLE if signed_in else SIGN_IN_FORM
    return now - seen > _us_delta(idle) or now - created > _us_delta(LONGEST)
