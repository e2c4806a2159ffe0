"""Rebuild speed, next to its baselines measured in the same run: a raw read of the log with
sqlite3 (or psycopg), the live catch-up from empty views (the projector event by event, as
before `roundtable rebuild`), and `roundtable rebuild` (bulk). Medians of --reps interleaved
runs, in events per second of wall time and per CPU second (this process and its children:
the rebuild's second process counts), the latter less moved by other jobs on the machine.

    .venv/bin/python scripts/bench_rebuild.py [--contributions 20000] [--database ADMIN_URL]
    .venv/bin/python scripts/bench_rebuild.py --profile   # one rebuild under pyinstrument

(The rebuild's second process, which builds the event tree, is not in the profile.)
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import psycopg
from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).parent))
from bench import drop_views, found

from roundtable.auditing import open_views
from roundtable.bootstrap import Paths
from roundtable.context import RoundTableApplication
from roundtable.paths import event_store_env
from roundtable.rebuild import rebuild

Timed = tuple[int, float, float]  # events, wall seconds, CPU seconds (children included)


def clocks() -> tuple[float, float]:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), time.process_time() + children.ru_utime + children.ru_stime


def timed(run: Callable[[], int]) -> Timed:
    wall, cpu = clocks()
    events = run()
    wall2, cpu2 = clocks()
    return events, wall2 - wall, cpu2 - cpu


def raw_read(paths: Paths) -> Timed:
    def read() -> int:
        if paths.database is None:
            with closing(sqlite3.connect(paths.events)) as db:
                return sum(1 for _ in db.execute("SELECT * FROM stored_events ORDER BY rowid"))
        with psycopg.connect(paths.database) as db, db.cursor("raw") as cursor:
            cursor.execute("SELECT * FROM roundtable_events ORDER BY notification_id")
            return sum(1 for _ in cursor)
    return timed(read)


def live_catch_up(paths: Paths) -> Timed:
    drop_views(paths)
    app = RoundTableApplication(env=event_store_env(paths))
    try:
        views, catchup = open_views(app, paths)
        done = timed(catchup.catch_up)
        views.close()
        return done
    finally:
        app.close()


def bulk(paths: Paths) -> Timed:
    gc.collect()  # earlier stores' connections (they close with their threads or objects)
    return timed(lambda: rebuild(paths).events)


def profile(paths: Paths) -> None:
    gc.collect()
    with Profiler() as profiler:
        rebuild(paths)
    print(profiler.output_text(show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--database", help="a PostgreSQL admin URL: measure there")
    parser.add_argument("--profile", action="store_true",
                        help="print where one rebuild spends its time (pyinstrument), no figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = None
        if args.database:
            name = f"roundtable_bench_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(args.database, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
            database = args.database.rsplit("/", 1)[0] + f"/{name}"
        try:
            paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", database)
            found(paths, args.contributions, 4)
            if args.profile:
                profile(paths)
                return
            runs: dict[str, Callable[[Paths], Timed]] = {
                "raw read": raw_read, "live catch-up": live_catch_up, "rebuild": bulk}
            # Interleaved, so that a noisy neighbour slows every kind alike.
            timings = [{k: f(paths) for k, f in runs.items()} for _ in range(args.reps)]
            rates = {k: statistics.median(t[k][0] / t[k][1] for t in timings) for k in runs}
            cpu = {k: statistics.median(t[k][0] / t[k][2] for t in timings) for k in runs}
        finally:
            if args.database:
                with psycopg.connect(args.database, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    store = "PostgreSQL" if args.database else "SQLite"
    for key, rate in rates.items():
        print(f"{store} {key:14} {rate:12,.0f} events/s  {rate / rates['raw read']:.4f}x raw"
              f"   per CPU second {cpu[key]:12,.0f}  {cpu[key] / cpu['raw read']:.4f}x raw")
    print(f"rebuild / live catch-up: {rates['rebuild'] / rates['live catch-up']:.2f}x")
    print(json.dumps({"store": store, **rates, "per_cpu_second": cpu}))


if __name__ == "__main__":
    main()
