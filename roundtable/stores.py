"""What lives where: the durable stores beside the event log, on either backend.

| store | embedded (SQLite) | PostgreSQL (`--database`) |
|---|---|---|
| events | `DATA/events.sqlite` | table `roundtable_events` |
| read models | `DATA/views.sqlite` | tables of schema `public` |
| case keys (wrapped) | `DATA/case-keys.sqlite` | schema `roundtable_case_keys` |
| disclosure log, checkpoints, signed leaves | `DATA/audit.sqlite` | schema `roundtable_audit` |
| credentials (token hashes) | `DATA/credentials.sqlite` | table `roundtable_credentials` |
| web sessions | `DATA/sessions.sqlite` | schema `roundtable_sessions` |

The key-encryption and signing keys are files of `--keys` on every backend: the one directory
the hosts of a PostgreSQL deployment share (as copies). One `Backend` per deployment, chosen
once by `backend_of`; nothing else asks which store it is on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from roundtable.audit.store import AuditStore, PgAuditStore, SqliteAuditStore
from roundtable.credentials import CredentialStore
from roundtable.paths import Paths
from roundtable.sealing import CaseKeys, CaseKeyStore
from roundtable.sessions import SessionStore

Reload = Callable[[], bytes] | None


class Backend(Protocol):
    def adopt_files(self) -> list[str]:
        """Move stores a PostgreSQL deployment kept as files before into the database."""

    def case_keys(self, kek: bytes, reload: Reload = None) -> CaseKeys: ...

    def has_case_keys(self) -> bool:
        """Whether the key store was ever created (a restore checks the keys open it)."""

    def audit(self) -> AuditStore: ...

    def credentials(self) -> CredentialStore: ...

    def sessions(self, clock: Callable[[], datetime]) -> SessionStore: ...

    @property
    def key_store(self) -> Path | str:
        """Where the case keys are, for `roundtable rotate-key`: a file, or the database."""


class Embedded:
    """Every store a SQLite file of the data directory."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths

    def adopt_files(self) -> list[str]:
        return []

    def case_keys(self, kek: bytes, reload: Reload = None) -> CaseKeys:
        return CaseKeyStore(self.paths.case_keys, kek, reload=reload)

    def has_case_keys(self) -> bool:
        return self.paths.case_keys.exists()

    def audit(self) -> AuditStore:
        return SqliteAuditStore(self.paths.audit)

    def credentials(self) -> CredentialStore:
        return CredentialStore.open(self.paths.credentials, None)

    def sessions(self, clock: Callable[[], datetime]) -> SessionStore:
        return SessionStore.open(self.paths.sessions, clock)

    @property
    def key_store(self) -> Path | str:
        return self.paths.case_keys


class Postgres:
    """Every store in the database, shared by the hosts; the data directory holds none."""

    def __init__(self, paths: Paths, url: str) -> None:
        self.paths = paths
        self.url = url

    def adopt_files(self) -> list[str]:
        from roundtable.stores_adopt import adopt_files

        return adopt_files(self.paths.data, self.url)

    def case_keys(self, kek: bytes, reload: Reload = None) -> CaseKeys:
        from roundtable.keystore_pg import PgCaseKeyStore

        return PgCaseKeyStore(self.url, kek, reload=reload)

    def has_case_keys(self) -> bool:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=10) as db:
            row = db.execute("SELECT to_regclass('roundtable_case_keys.meta') IS NOT NULL"
                             ).fetchone()
        return bool(row and row[0])

    def audit(self) -> AuditStore:
        return PgAuditStore(self.url)

    def credentials(self) -> CredentialStore:
        return CredentialStore.open(self.paths.credentials, self.url)

    def sessions(self, clock: Callable[[], datetime]) -> SessionStore:
        return SessionStore.open_postgres(self.url, clock)

    @property
    def key_store(self) -> Path | str:
        return self.url


def backend_of(paths: Paths) -> Backend:
    return Embedded(paths) if paths.database is None else Postgres(paths, paths.database)
