"""Upgrading a PostgreSQL deployment whose case keys and audit trail were files.

Before every store moved into the database, a PostgreSQL deployment kept `case-keys.sqlite`
and `audit.sqlite` in its (shared) data directory. The first process to start on that data
directory copies their rows, as they are, into the schemas `roundtable_case_keys` and
`roundtable_audit` in one transaction each, then deletes the files (a copy of wrapped keys left
behind would outlive the erasures to come). It refuses, and changes nothing, when the database
already holds keys or a trail of its own. `sessions.sqlite` is not carried over (everyone signs
in again) and credentials were in the database already.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from projections.db import Db, PgDb
from roundtable.audit.store import create_tables
from roundtable.audit.trail import DISCLOSURE_TREE, SIGNED_EVENT_TREE
from roundtable.pg import AUDIT_SCHEMA, CASE_KEYS_SCHEMA, locked, open_schema
from roundtable.sealing import KeyFileError

_AUDIT = ("disclosures", "checkpoints", DISCLOSURE_TREE.nodes, DISCLOSURE_TREE.leaves,
          SIGNED_EVENT_TREE.nodes, SIGNED_EVENT_TREE.leaves)
_KEYS = ("case_keys", "erased_cases")


def adopt_files(data: Path, url: str) -> list[str]:
    """Move the stores the data directory still holds into the database; returns their names."""
    from roundtable.keystore_pg import create_tables as create_key_tables

    adopted = []
    for name, schema, tables, create in (
        ("case-keys.sqlite", CASE_KEYS_SCHEMA, _KEYS, create_key_tables),
        ("audit.sqlite", AUDIT_SCHEMA, _AUDIT, create_tables),
    ):
        path = data / name
        if path.is_file():
            _copy(path, url, schema, tables, replace_meta=schema == CASE_KEYS_SCHEMA,
                  create=create)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            adopted.append(name)
    return adopted


def _copy(path: Path, url: str, schema: str, tables: tuple[str, ...], *, replace_meta: bool,
          create: Callable[[Db], None]) -> None:
    raw = open_schema(url, schema, create)
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source, \
                locked(PgDb(raw), schema) as db:
            for table in tables:
                if db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is not None:
                    raise KeyFileError(
                        f"{path} is left from before the stores moved into PostgreSQL, but the "
                        f"database holds {schema}.{table} rows of its own: keep one of the two "
                        "(see the README, Upgrading) and start again")
            for table in (*tables, "meta") if replace_meta else tables:
                if replace_meta and table == "meta":
                    db.execute("DELETE FROM meta")
                rows = source.execute(f"SELECT * FROM {table}").fetchall()
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    finally:
        raw.close()
