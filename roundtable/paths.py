"""Where a deployment keeps its files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse


@dataclass(frozen=True)
class Paths:
    """`database` (a postgresql:// URL) holds every store when set (`roundtable.stores`): the
    data directory then holds only scratch space (`rebuild`) and, by default, the keys."""

    data: Path
    keys: Path
    database: str | None = None

    @property
    def events(self) -> Path:
        return self.data / "events.sqlite"

    @property
    def views(self) -> Path:
        return self.data / "views.sqlite"

    @property
    def case_keys(self) -> Path:
        """The wrapped case keys (SQLite deployments; on PostgreSQL a schema of the database)."""
        return self.data / "case-keys.sqlite"

    @property
    def credentials(self) -> Path:
        """Token hashes (SQLite deployments; on PostgreSQL a table of the database)."""
        return self.data / "credentials.sqlite"

    @property
    def sessions(self) -> Path:
        """The web sessions (SQLite deployments; on PostgreSQL a schema of the database)."""
        return self.data / "sessions.sqlite"

    @property
    def audit(self) -> Path:
        """The disclosure log, its tree, and every signed checkpoint: durable, not derived
        (SQLite deployments; on PostgreSQL a schema of the database)."""
        return self.data / "audit.sqlite"

    @property
    def initialised(self) -> bool:
        if self.database is None:
            return self.events.exists()
        import psycopg

        with psycopg.connect(self.database, connect_timeout=10) as db:
            row = db.execute("SELECT to_regclass('roundtable_events') IS NOT NULL").fetchone()
            if not (row and row[0]):
                return False
            return db.execute("SELECT 1 FROM roundtable_events LIMIT 1").fetchone() is not None


PRIVATE_UMASK = 0o077


def keep_files_private() -> None:
    """Every file this process creates from now on is readable by its owner only (0600), and
    every directory 0700: the databases and their -wal/-shm/-journal files, keys, checkpoints.
    Set by the command line and the composition root, before anything is opened."""
    os.umask(PRIVATE_UMASK)


def resolve_paths(data: str | None, keys: str | None, database: str | None = None) -> Paths:
    data_dir = Path(data or os.environ.get("ROUNDTABLE_DATA") or "./roundtable-data")
    keys_dir = Path(keys or os.environ.get("ROUNDTABLE_KEYS") or data_dir / "keys")
    url = database or os.environ.get("ROUNDTABLE_DATABASE_URL") or None
    return Paths(data_dir.resolve(), keys_dir.resolve(), url)


def event_store_env(paths: Paths) -> dict[str, str]:
    if paths.database is None:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(paths.events),
            "SQLITE_LOCK_TIMEOUT": "30",
        }
    url = urlparse(paths.database)
    if url.scheme not in ("postgresql", "postgres"):
        raise ValueError("--database must be a postgresql:// URL")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "10",
        # Never wait forever: a stuck lock or transaction fails the request (then retried).
        "POSTGRES_LOCK_TIMEOUT": "5",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "10",
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "4",
        # The library's database functions drop tracking records and skip the table lock.
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
    }


__all__ = ["Paths", "event_store_env", "keep_files_private", "resolve_paths"]
