"""The credential store: token hashes, apart from the event log.

The log is for auditors and backups; a token hash in it would be credential material in every
copy. Here a person has at most one live token (its SHA-256); issuing a new one voids the old.
SQLite file `credentials.sqlite` in the data directory, or a table of the PostgreSQL database.
Tokens from before this store (v1 `Person.Registered` events carried the hash) are imported once,
from the stored events, when the store is first created.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

from projections.db import PgDb

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS roundtable_credentials ("
    "person_id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE)"
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CredentialStore:
    def __init__(self, db: Any, *, created: bool) -> None:
        self._db = db
        self._lock = threading.Lock()
        self.created = created
        with self._lock:
            self._db.execute(SCHEMA)

    @classmethod
    def open(cls, path: Path, database: str | None) -> CredentialStore:
        if database is not None:
            import psycopg

            raw = psycopg.connect(database, autocommit=True)
            exists = raw.execute(
                "SELECT to_regclass('roundtable_credentials') IS NOT NULL").fetchone()
            return cls(PgDb(raw), created=not (exists and exists[0]))
        created = not path.exists()
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA secure_delete=ON")  # a voided hash does not linger in free pages
        return cls(db, created=created)

    def issue(self, person_id: UUID) -> str:
        """A new random 256-bit token for the person; its previous token stops working."""
        token = secrets.token_urlsafe(32)
        self._put(person_id, hash_token(token))
        return token

    def _put(self, person_id: UUID, token_hash: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO roundtable_credentials VALUES (?, ?) ON CONFLICT(person_id) "
                "DO UPDATE SET token_hash=excluded.token_hash" if isinstance(self._db, PgDb)
                else "INSERT OR REPLACE INTO roundtable_credentials VALUES (?, ?)",
                (str(person_id), token_hash))

    def person_for(self, token: str) -> UUID | None:
        with self._lock:
            row = self._db.execute(
                "SELECT person_id FROM roundtable_credentials WHERE token_hash=?",
                (hash_token(token),)).fetchone()
        return UUID(row[0]) if row else None

    def void(self, person_id: UUID) -> None:
        with self._lock:
            self._db.execute("DELETE FROM roundtable_credentials WHERE person_id=?",
                             (str(person_id),))

    def import_v1(self, hashes: Iterable[tuple[UUID, str]]) -> int:
        """Token hashes carried by v1 events, imported once into a new store."""
        count = 0
        for person_id, token_hash in hashes:
            self._put(person_id, token_hash)
            count += 1
        return count

    def close(self) -> None:
        raw = self._db.raw if isinstance(self._db, PgDb) else self._db
        raw.close()
