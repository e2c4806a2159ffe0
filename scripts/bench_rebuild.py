"""Rebuild speed, next to its baselines measured in the same run: a raw read of the log with
sqlite3 (or psycopg), the live catch-up from empty views (the projector event by event, as
before `roundtable rebuild`), and `roundtable rebuild` (bulk). Medians of --reps runs.

    .venv/bin/python scripts/bench_rebuild.py [--contributions 20000] [--database ADMIN_URL]
    .venv/bin/python scripts/bench_rebuild.py --profile   # one rebuild under pyinstrument

(The rebuild's second process, which builds the event tree, is not in the profile.)
"""

from __future__ import annotations

import argparse
import gc
import json
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


def raw_read(paths: Paths) -> float:
    t0 = time.perf_counter()
    if paths.database is None:
        with closing(sqlite3.connect(paths.events)) as db:
            count = sum(1 for _ in db.execute("SELECT * FROM stored_events ORDER BY rowid"))
    else:
        with psycopg.connect(paths.database) as db, db.cursor("raw") as cursor:
            cursor.execute("SELECT * FROM roundtable_events ORDER BY notification_id")
            count = sum(1 for _ in cursor)
    return count / (time.perf_counter() - t0)


def live_catch_up(paths: Paths) -> float:
    drop_views(paths)
    app = RoundTableApplication(env=event_store_env(paths))
    try:
        views, catchup = open_views(app, paths)
        t0 = time.perf_counter()
        events = catchup.catch_up()
        rate = events / (time.perf_counter() - t0)
        views.close()
        return rate
    finally:
        app.close()


def bulk(paths: Paths) -> float:
    gc.collect()  # earlier stores' connections (they close with their threads or objects)
    return rebuild(paths).rate


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
            runs: dict[str, Callable[[Paths], float]] = {
                "raw read": raw_read, "live catch-up": live_catch_up, "rebuild": bulk}
            rates = {k: statistics.median(f(paths) for _ in range(args.reps))
                     for k, f in runs.items()}
        finally:
            if args.database:
                with psycopg.connect(args.database, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    store = "PostgreSQL" if args.database else "SQLite"
    for key, rate in rates.items():
        print(f"{store} {key:14} {rate:12,.0f} events/s  {rate / rates['raw read']:.4f}x raw")
    print(f"rebuild / live catch-up: {rates['rebuild'] / rates['live catch-up']:.2f}x")
    print(json.dumps({"store": store, **rates}))


if __name__ == "__main__":
    main()
