"""One small database interface for the read models, on SQLite or PostgreSQL.

The read-model SQL is written once, in SQLite's dialect (`?` and `:name` parameters,
`INSERT OR IGNORE`); `postgres_sql` rewrites the few differences for PostgreSQL. Rows answer
both `row[0]` and `row["name"]`, as `sqlite3.Row` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol


class Rows(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Db(Protocol):
    def execute(self, sql: str, parameters: Any = ..., /) -> Rows: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...

    def executescript(self, sql_script: str, /) -> Any: ...


_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_IGNORE = re.compile(r"INSERT OR IGNORE INTO (.*)", re.DOTALL)


def postgres_sql(sql: str) -> str:
    """SQLite dialect to PostgreSQL: parameters, upsert-ignore, types."""
    sql = sql.replace("?", "%s")
    sql = _NAMED.sub(r"%(\1)s", sql)
    ignored = _IGNORE.fullmatch(sql.strip())
    if ignored:
        sql = f"INSERT INTO {ignored.group(1)} ON CONFLICT DO NOTHING"
    return (sql.replace(" WITHOUT ROWID", "").replace(" BLOB", " BYTEA")
            .replace(" INTEGER", " BIGINT"))


class PgRow(tuple[Any, ...]):
    """A PostgreSQL row that reads like `sqlite3.Row`."""

    _index: dict[str, int]

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def pg_row_factory(cursor: Any) -> Callable[[Sequence[Any]], PgRow]:
    index = {column.name: i for i, column in enumerate(cursor.description or ())}

    def make(values: Sequence[Any]) -> PgRow:
        row = PgRow(values)
        row._index = index
        return row

    return make


class PgDb:
    """A psycopg connection behind the `Db` interface (autocommit unless in `transaction`)."""

    def __init__(self, connection: Any) -> None:
        self.raw = connection

    def execute(self, sql: str, parameters: Any = (), /) -> Rows:
        cursor = self.raw.cursor(row_factory=pg_row_factory)
        cursor.execute(postgres_sql(sql), parameters or None)
        return cursor  # type: ignore[no-any-return]

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> None:
        rows = list(parameters)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(postgres_sql(sql), rows)

    def executescript(self, sql_script: str, /) -> None:
        for statement in sql_script.split(";"):
            if statement.strip():
                self.raw.execute(postgres_sql(statement))
