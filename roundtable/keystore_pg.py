"""The case keys of a PostgreSQL deployment: the key store's tables in the database, shared by
every host, each key still wrapped under the key-encryption key that stays on each host.

The same tables as the SQLite key store (`meta` with the KEK check value, `case_keys`,
`erased_cases`), in the schema `roundtable_case_keys`. Unwrapped keys are cached (a search
opens a thousand cases: 5 ms from the cache, 175 ms from the table), and the cache is
dropped whenever the store changed elsewhere: every erasure writes a new random `generation`
into `meta`, which each process reads at most every `FRESH` seconds, so a case erased on one
host reads as erased on every other within that time (its views are purged of it anyway once
they reach the erasure). An erasure deletes the row and
rewrites the table (VACUUM FULL), so no dead copy of the wrapped key stays in its pages; the
server's write-ahead log and any base backup keep one until they are recycled, which is why
the wrapped key is worth nothing without the key-encryption key.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from projections.db import Db, PgDb
from roundtable.pg import CASE_KEYS_SCHEMA, locked, open_schema
from roundtable.sealing import (
    CachedKeyLookUp,
    KeyFileError,
    _check_opens,
    _LruCache,
    _make_check,
    _unwrap_case_key,
    _wrap_case_key,
)

_CHECK_NAME = "kek_check"
_GENERATION = "generation"
FRESH = 0.05  # seconds a process trusts its cache without asking whether the store changed
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS case_keys (case_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS erased_cases (case_id TEXT PRIMARY KEY)
"""
_KEY_AND_CHECK_SQL = (
    "SELECT k.wrapped, m.value FROM case_keys AS k, meta AS m WHERE k.case_id = ? AND m.name = ?"
)


def create_tables(db: Db) -> None:
    db.executescript(_SCHEMA)


def _where(url: str) -> str:
    """The store named in messages, without the URL's password."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return f"the database {parsed.hostname or ''}{parsed.path} ({CASE_KEYS_SCHEMA})"


def _wrong_kek(url: str) -> KeyFileError:
    return KeyFileError(
        f"the key-encryption key does not open the key store in {_where(url)}: copy the "
        "kek.key of the other hosts (the one the store was created with, or last rotated to) "
        "into this host's keys directory; a new key cannot open existing data")


class PgCaseKeyStore(CachedKeyLookUp):
    """`CaseKeys` in PostgreSQL; safe to share between threads, processes and hosts."""

    def __init__(self, url: str, kek: bytes, reload: Callable[[], bytes] | None = None) -> None:
        if len(kek) != 32:
            raise ValueError("a key-encryption key is 32 bytes long")
        self._url = url
        self._kek = AESGCM(kek)
        self._reload = reload
        self._lock = threading.Lock()
        self._cache = _LruCache(10_000)
        self._seen: dict[str, bytes] = {}
        self._checked_at = -FRESH
        self._db = PgDb(open_schema(url, CASE_KEYS_SCHEMA, create_tables))
        try:
            self._check = self._set_up()
            self._forget_cache_if_changed_elsewhere()  # what "unchanged" means from now on
        except BaseException:
            self._db.raw.close()
            raise

    def create(self, case_id: UUID) -> None:
        key = AESGCM.generate_key(bit_length=256)
        with self._lock, locked(self._db, CASE_KEYS_SCHEMA) as db:
            self._follow(_read_check(db, self._url))
            if db.execute("SELECT 1 FROM erased_cases WHERE case_id = ?",
                          (str(case_id),)).fetchone() is not None:
                raise ValueError(f"case {case_id} was erased; it cannot get a new data key")
            inserted = db.execute(
                "INSERT INTO case_keys (case_id, wrapped) VALUES (?, ?) "
                "ON CONFLICT (case_id) DO NOTHING",
                (str(case_id), _wrap_case_key(self._kek, case_id, key)))
            if getattr(inserted, "rowcount", 1) == 0:
                raise ValueError(f"case {case_id} already has a data key")
            self._cache.put(case_id, key)

    def _wrapped_and_check(self, case_id: UUID) -> tuple[bytes, bytes] | None:
        row = self._db.execute(_KEY_AND_CHECK_SQL, (str(case_id), _CHECK_NAME)).fetchone()
        return None if row is None else (bytes(row[0]), bytes(row[1]))

    def destroy(self, case_id: UUID) -> bool:
        # No check of the KEK here: an erasure must succeed even with a stale one.
        with self._lock:
            self._cache.discard(case_id)
            with locked(self._db, CASE_KEYS_SCHEMA) as db:
                deleted = db.execute("DELETE FROM case_keys WHERE case_id = ?",
                                     (str(case_id),))
                db.execute("INSERT INTO erased_cases (case_id) VALUES (?) "
                           "ON CONFLICT (case_id) DO NOTHING", (str(case_id),))
                db.execute("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO "
                           "UPDATE SET value = excluded.value",
                           (_GENERATION, os.urandom(16)))  # the other hosts drop their caches
            # The deleted row stays in the table's pages until they are rewritten.
            self._db.execute("VACUUM FULL case_keys")
            return bool(getattr(deleted, "rowcount", 0))

    def exists(self, case_id: UUID) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM case_keys WHERE case_id = ?",
                                    (str(case_id),)).fetchone() is not None

    def case_ids(self) -> list[UUID]:
        with self._lock:
            rows = self._db.execute("SELECT case_id FROM case_keys ORDER BY case_id").fetchall()
        return [UUID(text_id) for (text_id,) in rows]

    def close(self) -> None:
        with self._lock:
            self._cache.clear()
            self._db.raw.close()

    def _forget_cache_if_changed_elsewhere(self) -> None:
        now = time.monotonic()
        if now - self._checked_at < FRESH:
            return
        seen = {name: bytes(value) for name, value in
                self._db.execute("SELECT name, value FROM meta").fetchall()}
        if seen != self._seen:
            self._cache.clear()
            self._seen = seen
        self._checked_at = now

    def _set_up(self) -> bytes:
        with locked(self._db, CASE_KEYS_SCHEMA) as db:
            row = db.execute("SELECT value FROM meta WHERE name = ?", (_CHECK_NAME,)).fetchone()
            if row is None:  # a new store: it belongs to this KEK from now on
                check = _make_check(self._kek)
                db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (_CHECK_NAME, check))
            else:
                check = bytes(row[0])
            db.execute("INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) "
                       "DO NOTHING", (_GENERATION, b""))
        if not _check_opens(self._kek, check):
            raise _wrong_kek(self._url)
        return check

    def _follow(self, check: bytes) -> None:
        """The KEK was rotated (on this host or another): load it again (`reload`), or refuse;
        wrapping a new key under the old one would lose it."""
        if check == self._check:
            return
        if self._reload is not None:
            kek = AESGCM(self._reload())
            if _check_opens(kek, check):
                self._kek, self._check = kek, check
                return
        raise KeyFileError(
            f"the key-encryption key of the key store in {_where(self._url)} was rotated: "
            "copy the new kek.key into this host's keys directory")


def _read_check(db: Db, url: str) -> bytes:
    row = db.execute("SELECT value FROM meta WHERE name = ?", (_CHECK_NAME,)).fetchone()
    if row is None:
        raise KeyFileError(f"the key store in {_where(url)} has no key check value")
    return bytes(row[0])


def read_check(url: str) -> bytes:
    """The store's KEK check value (for a key rotation's recovery)."""
    db = PgDb(open_schema(url, CASE_KEYS_SCHEMA, create_tables))
    try:
        return _read_check(db, url)
    finally:
        db.raw.close()


def rewrap(url: str, old_kek: bytes, new_kek: bytes) -> int:
    """Re-wrap every key under `new_kek` in one transaction: the key rotation's commit."""
    old, new = AESGCM(old_kek), AESGCM(new_kek)
    raw = open_schema(url, CASE_KEYS_SCHEMA, create_tables)
    try:
        with locked(PgDb(raw), CASE_KEYS_SCHEMA) as db:
            if not _check_opens(old, _read_check(db, url)):
                raise _wrong_kek(url)
            rows = db.execute("SELECT case_id, wrapped FROM case_keys").fetchall()
            for text_id, wrapped in rows:
                key = _unwrap_case_key(old, UUID(text_id), bytes(wrapped))
                db.execute("UPDATE case_keys SET wrapped = ? WHERE case_id = ?",
                           (_wrap_case_key(new, UUID(text_id), key), text_id))
            db.execute("UPDATE meta SET value = ? WHERE name = ?",
                       (_make_check(new), _CHECK_NAME))
    finally:
        raw.close()
    return len(rows)
