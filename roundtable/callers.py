"""`Context.authenticate`, remembered per token for as long as nothing it read has changed.

Authenticating catches the views up with the log, looks the token's hash up in the credential
store and reads the person's row. Its answer can only change when a write lands in the event
store (a deactivation, a new role) or in the credential store (a token reissued or voided). On
the embedded SQLite store, `PRAGMA data_version` on a connection of our own changes whenever any
other connection commits to that file, in this process or in another one (a command run from
cron). A remembered caller is used only while both files show the version they showed before it
was authenticated: invalidation is exact, and a hit costs two pragmas instead of a catch-up query,
a token look-up and a person query. On PostgreSQL nothing is remembered.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from roundtable.context import Caller, Context, Unauthenticated
from roundtable.credentials import hash_token

MAX_AGE = 30.0  # seconds: a remembered caller is checked against the stores again after this
MAX_CALLERS = 4096


class DataVersions:
    """Versions of SQLite files, each read on a connection of its own (never in a transaction)."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._lock = threading.Lock()
        self._connections = [
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                            check_same_thread=False, isolation_level=None) for path in files]

    def now(self) -> tuple[int, ...]:
        with self._lock:
            return tuple(int(db.execute("PRAGMA data_version").fetchone()[0])
                         for db in self._connections)

    def close(self) -> None:
        with self._lock:
            for db in self._connections:
                db.close()


class Callers:
    def __init__(self, ctx: Context, versions: DataVersions | None) -> None:
        self.ctx = ctx
        self.versions = versions
        self._known: dict[str, tuple[Caller, tuple[int, ...], float]] = {}

    def known(self, token: str | None) -> Caller | None:
        """The caller of a token authenticated since the last write to either store; cheap
        (no query), for the event loop. None: authenticate (on a worker thread)."""
        if not token or self.versions is None:
            return None
        found = self._known.get(hash_token(token))
        if found is None:
            return None
        caller, versions, at = found
        if time.monotonic() - at > MAX_AGE or self.versions.now() != versions:
            return None
        return caller

    def authenticate(self, token: str | None) -> Caller:
        """`Context.authenticate`, remembered (blocking: catches the views up)."""
        if self.versions is None or not token:
            return self.ctx.authenticate(token)
        versions = self.versions.now()  # before: a write during what follows is a change
        key = hash_token(token)
        try:
            caller = self.ctx.authenticate(token)
        except Unauthenticated:
            self._known.pop(key, None)
            raise
        if len(self._known) >= MAX_CALLERS:
            self._known.clear()
        self._known[key] = (caller, versions, time.monotonic())
        return caller

    def close(self) -> None:
        if self.versions is not None:
            self.versions.close()
