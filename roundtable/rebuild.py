"""`roundtable rebuild`: drop every read model and rebuild it from the log, in bulk.

The log is read in batches; each batch is projected in one transaction (`projections.bulk`)
into a new SQLite file, tuned for loading (no journal: a crash only loses the new file), all
but the permitted view, which is made once when the whole log is in. Meanwhile a second
process (the machine's other core) builds the event tree and the event metadata from the same
events into a file of its own, copied in at the end. Then the new file replaces the old views
(SQLite), or its tables replace the view tables in one PostgreSQL transaction, written with
COPY (PostgreSQL). The old views stay untouched until then, so an interrupted rebuild changes
nothing (the second process is stopped with it).

Run it with `serve` stopped (and, on PostgreSQL, the projection workers): SQLite refuses while
another process has the views open.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from eventsourcing.persistence import ApplicationRecorder, Notification

from projections.bulk import BatchSink, apply_batch, permit_all
from projections.db import Db, postgres_sql
from projections.runner import TRACKING_NAME, Catchup
from projections.store import PostgresViewStore
from roundtable.audit.trail import EVENT_TREE, append_event, append_events, create_event_trail
from roundtable.auditing import case_key_unsealer, open_views
from roundtable.context import RoundTableApplication
from roundtable.paths import Paths, event_store_env

BATCH = 5000
# From this many events on, a second process builds the event tree (starting it costs about
# what building the tree of some 10k events does).
SIDE_PROCESS_FROM = 20_000
# The per-event sinks of the live projection, and what applies a batch of them at once.
BATCHED: dict[Any, BatchSink] = {append_event: append_events}


class ViewsInUse(Exception):
    """Another process (a running `serve`) has the read models open."""


@dataclass(frozen=True)
class Rebuilt:
    events: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild(paths: Paths, progress: Callable[[int], None] = lambda _: None,
            batch: int = BATCH) -> Rebuilt:
    """Rebuild every read model from the log; `progress(n)` after each batch of n events."""
    started = time.perf_counter()
    work = paths.data / ".rebuild"
    shutil.rmtree(work, ignore_errors=True)
    _private_dir(work)
    try:
        if paths.database is None:
            _require_unused(paths.views)
        built = work / paths.views.name
        events = build_views(paths, built, progress, batch)
        if paths.database is None:
            _swap_in(built, paths.views)
        else:
            _copy_to_postgres(built, paths.database)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Rebuilt(events, time.perf_counter() - started)


def build_views(paths: Paths, target: Path, progress: Callable[[int], None] = lambda _: None,
                batch: int = BATCH) -> int:
    """Project the log of `paths` (either store) into a new SQLite file `target`, made by the
    same `open_views` as the live views; returns the number of events.

    For a log of `SIDE_PROCESS_FROM` events or more, the event tree and the event metadata
    (the `append_event` sink) are built meanwhile by a second process, from the same events,
    into a file of their own, copied in at the end; a shorter log is done sooner without
    starting one."""
    app = RoundTableApplication(env=event_store_env(paths))
    try:
        _private_file(target)
        with case_key_unsealer(paths) as unseal:
            views, catchup = open_views(app, Paths(target.parent, paths.keys), unseal=unseal)
            assert views.path == target, "open_views names the file; keep the names in step"
            head = catchup.recorder.max_notification_id() or 0
            side = head >= SIDE_PROCESS_FROM
            trail = _SideTrail(paths, target.with_name("trail.sqlite"), head, batch) \
                if side else nullcontext(None)
            with closing(cast(sqlite3.Connection, views.connection())) as db, trail as other:
                _load_quickly(db)
                sinks = [sink for sink in catchup.sinks if not (side and sink is append_event)]
                done = _project(catchup, head, batch, sinks, progress)
                if other is not None:
                    other.copy_into(db)
                return done
    finally:
        app.close()


def _project(catchup: Catchup, head: int, batch: int, sinks: Sequence[Any],
             progress: Callable[[int], None]) -> int:
    """Apply the log up to `head` to the empty views: every read model but the permitted
    view batch by batch, then that view at once."""
    batched = [BATCHED.get(sink) or _one_by_one(sink) for sink in sinks]
    done = 0
    for notifications in _batches(catchup.recorder, head, batch):
        with catchup.store.write() as db:
            apply_batch(db, notifications, catchup.mapper, batched, catchup.unseal)
            db.execute("INSERT INTO tracking VALUES (?, ?) ON CONFLICT(name) DO UPDATE "
                       "SET position=excluded.position", (TRACKING_NAME, notifications[-1].id))
        done += len(notifications)
        progress(len(notifications))
    with catchup.store.write() as db:
        permit_all(db)
    return done


def _batches(recorder: ApplicationRecorder, head: int, size: int,
             ) -> Iterator[Sequence[Notification]]:
    after = 0
    while after < head:
        found = recorder.select_notifications(
            start=after, limit=size, stop=head, inclusive_of_start=False)
        if not found:
            return
        yield found
        after = found[-1].id


class _SideTrail:
    """The event tree and metadata of the log up to `head`, built by another process (the
    machine's second core) into `target` while this one projects the rest. The process is a
    fresh `python -m roundtable.rebuild --event-tree`, told what to do on its standard input
    (the store's settings may hold a password: never on its command line)."""

    TABLES = (EVENT_TREE.leaves, EVENT_TREE.nodes, "audit_events")
    MODULE = "roundtable.rebuild"

    def __init__(self, paths: Paths, target: Path, head: int, batch: int) -> None:
        self.target = target
        _private_file(target)
        self.job = json.dumps({"env": event_store_env(paths), "target": str(target),
                               "head": head, "batch": batch}).encode()
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _SideTrail:
        # The same modules as this process imports (as multiprocessing's spawn does).
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.MODULE, "--event-tree"], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, env=env)
        assert self.process.stdin is not None
        with self.process.stdin as job:
            job.write(self.job)
        return self

    def __exit__(self, *_: object) -> None:
        assert self.process is not None
        if self.process.poll() is None:  # this process failed: the other's work is moot
            self.process.kill()
        self.process.wait()

    def copy_into(self, db: sqlite3.Connection) -> None:
        assert self.process is not None
        if self.process.wait() != 0:
            raise RuntimeError("building the event tree failed (see above)")
        db.execute("ATTACH DATABASE ? AS trail", (str(self.target),))
        try:
            db.execute("BEGIN IMMEDIATE")
            for table in self.TABLES:
                db.execute(f"INSERT INTO main.{table} SELECT * FROM trail.{table}")
            db.execute("COMMIT")
        finally:
            db.execute("DETACH DATABASE trail")


def build_trail(env: dict[str, str], target: str, head: int, batch: int) -> None:
    """The other process of `_SideTrail`: `append_event` for the log up to `head`, in bulk."""
    app = RoundTableApplication(env=env)
    try:
        with closing(sqlite3.connect(target, isolation_level=None)) as db:
            _load_quickly(db)
            create_event_trail(db)
            db.execute("BEGIN")
            for notifications in _batches(app.recorder, head, batch):
                append_events(db, [(n, app.mapper.to_domain_event(n)) for n in notifications])
            db.execute("COMMIT")
    finally:
        app.close()


def _one_by_one(sink: Any) -> BatchSink:
    def apply(db: Db, batch: Sequence[tuple[Notification, Any]]) -> None:
        for notification, event in batch:
            sink(db, notification, event)
    return apply


def _load_quickly(db: sqlite3.Connection) -> None:
    """A file nobody reads until it is complete: no journal, no syncs until the end."""
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-262144")  # 256 MiB
    db.execute("PRAGMA temp_store=MEMORY")


def _require_unused(views: Path) -> None:
    """Fold the old views' write-ahead log into the file and leave WAL mode: SQLite refuses
    that while another connection is open, which tells us `serve` still runs."""
    if not views.exists():
        return
    try:
        with closing(sqlite3.connect(views, timeout=0.5, isolation_level=None)) as db:
            mode = db.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = None
    if mode != "delete":
        raise ViewsInUse(f"{views} is in use: stop `roundtable serve` first")


def _swap_in(new: Path, old: Path) -> None:
    with open(new, "rb") as written:
        os.fsync(written.fileno())
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{old}{suffix}").unlink(missing_ok=True)
    os.replace(new, old)
    fd = os.open(old.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_to_postgres(built: Path, database: str) -> None:
    """Replace the rows of every rebuilt table in one transaction, under the projectors'
    lock (tables missing there are created as in the file); tables the rebuild does not make
    (the durable ones) are left alone."""
    store = PostgresViewStore(database)
    try:
        with closing(sqlite3.connect(built)) as source, store.write() as db:
            raw = db.raw  # type: ignore[attr-defined]
            for (sql,) in source.execute(
                    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE "
                    "'sqlite_%' ORDER BY type = 'index'"):
                raw.execute(postgres_sql(_if_not_exists(sql)))
            for table, columns in _tables(source):
                if table == "tracking":
                    raw.execute("DELETE FROM tracking WHERE name=%s", (TRACKING_NAME,))
                else:
                    raw.execute(f"DELETE FROM {table}")
                names = ", ".join(columns)
                with raw.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in source.execute(f"SELECT {names} FROM {table}"):
                        copy.write_row(row)
    finally:
        store.close()


def _if_not_exists(sql: str) -> str:
    for kind in ("CREATE TABLE ", "CREATE INDEX ", "CREATE UNIQUE INDEX "):
        if sql.startswith(kind) and not sql.startswith(kind + "IF NOT EXISTS"):
            return kind + "IF NOT EXISTS " + sql[len(kind):]
    return sql


def _tables(db: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    return [(name, [c[1] for c in db.execute(f"PRAGMA table_info({name})")]) for name in names]


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _private_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


__all__ = ["Rebuilt", "ViewsInUse", "rebuild"]


if __name__ == "__main__":
    if sys.argv[1:] != ["--event-tree"]:
        sys.exit("usage: python -m roundtable.rebuild --event-tree < JOB (run by `rebuild`)")
    job = json.load(sys.stdin)
    build_trail(job["env"], job["target"], job["head"], job["batch"])
