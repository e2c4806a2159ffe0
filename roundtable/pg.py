"""Connections to the durable stores a PostgreSQL deployment keeps in schemas of their own.

Each store that an embedded deployment keeps as a file of the data directory (the audit file,
the case keys, the web sessions) is one schema of the database on PostgreSQL, with the same
tables: `roundtable_audit`, `roundtable_case_keys`, `roundtable_sessions`. The read models stay
in `public`, where `roundtable rebuild` replaces them; nothing durable lives beside them.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from projections.db import Db, PgDb

AUDIT_SCHEMA = "roundtable_audit"
CASE_KEYS_SCHEMA = "roundtable_case_keys"
SESSIONS_SCHEMA = "roundtable_sessions"
SCHEMAS = (AUDIT_SCHEMA, CASE_KEYS_SCHEMA, SESSIONS_SCHEMA)

_OPTIONS = ("-c statement_timeout=30000 -c lock_timeout=10000 "
            "-c idle_in_transaction_session_timeout=60000")


def lock_key(schema: str) -> int:
    """The advisory lock that serialises the writers of one store, in every process."""
    return zlib.crc32(schema.encode())


def connect(url: str, schema: str) -> Any:
    """An autocommit connection whose unqualified table names are those of `schema`."""
    import psycopg

    return psycopg.connect(url, autocommit=True,
                           options=f"{_OPTIONS} -c search_path={schema}")


def open_schema(url: str, schema: str, create: Callable[[Db], None]) -> Any:
    """A connection to `schema`, created with its tables by `create` if missing (under the
    store's lock: hosts starting together do not race on CREATE)."""
    raw = connect(url, schema)
    try:
        with locked(PgDb(raw), schema) as db:
            db.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            create(db)
    except BaseException:
        raw.close()
        raise
    return raw


@contextmanager
def locked(db: PgDb, schema: str) -> Iterator[PgDb]:
    """One transaction holding the store's advisory lock until it commits or rolls back."""
    with db.raw.transaction():
        db.execute("SELECT pg_advisory_xact_lock(?)", (lock_key(schema),))
        yield db
