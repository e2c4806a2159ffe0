"""Benchmark of the embedded SQLite default, every figure next to a baseline measured in the same
run (a bare FastAPI app served the same way, raw eventsourcing saves, raw log reads, SHA-256).
Prints a table and a JSON line: .venv/bin/python scripts/bench.py [--quick] [--reads]"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from domain.model import Case
from domain.rules import Role, SharingRule, Tlp
from roundtable.auditing import open_trail
from roundtable.bootstrap import Built, Paths, build
from roundtable.commands import parse_rule
from roundtable.paths import event_store_env
from roundtable.rebuild import rebuild
from roundtable.setup import Founding, initialise

THREADS = 4
CONNECTIONS = 16  # the read latency under load: p99 of this many clients against bare's
TARGETS = {"writes/bare": ">=0.3", "one case/spread": ">=0.8", "reads/bare small": ">=0.8",
           "reads/bare large": ">=0.8", "p99 large/small": "<=1.5", "p99@16/bare p99@16": "<=1.5",
           "rebuild/raw read": ">=0.05", "verify/raw hashing": ">=0.5"}
BARE_APP = '''import sys, uvicorn
from fastapi import FastAPI
app, Z = FastAPI(), "0" * 36
ITEMS = [{"id": Z, "case_id": Z, "text": "note 1", "tlp": "AMBER", "owner": {"organisation_id":
    Z, "person_id": Z}, "created_at": "2025-01-01T00:00:00+00:00", "may_act": False,
    "withdrawn": False, "expires_at": None, "anonymous": False, "sharing": None}] * 20
@app.post("/items", status_code=201)
def create(body: dict) -> dict:
    return {"id": Z, "position": 1}
@app.get("/items")
def items() -> list[dict]:
    return ITEMS
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
'''
Request = Callable[[httpx.Client, int], httpx.Response]


class Child:
    """A server in a child process on 127.0.0.1: the service as an operator runs it, or bare."""

    def __init__(self, args: list[str], probe: str, database: str | None = None,
                 source: str | None = None) -> None:
        """`source`: serve the code of another source tree (a checkout) instead of this one."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port, self.url = str(s.getsockname()[1]), f"http://127.0.0.1:{s.getsockname()[1]}"
        env = {**os.environ, **({"ROUNDTABLE_DATABASE_URL": database} if database else {}),
               **({"PYTHONPATH": source} if source else {})}
        self.process = subprocess.Popen([sys.executable, *args, port], env=env, cwd=source,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):  # 60 s at most
            try:
                httpx.get(self.url + probe, timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{args} did not start")

    def peak_rss_mib(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
        return next(int(x.split()[1]) / 1024 for x in status if x.startswith("VmHWM:"))

    def stop(self) -> None:
        self.process.terminate()  # nothing happens if it has ended
        self.process.wait(timeout=15)


def hammer(url: str, token: str | None, request: Request, secs: float, threads: int = THREADS,
           pid: int | None = None) -> dict[str, float]:
    """`threads` clients, each on its own keep-alive connection, for `secs`: rate, latency;
    with `pid` (the server's process), also the CPU time per request of the server (every
    thread, user and system) and of these clients (this process)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    start = threading.Barrier(threads + 1, timeout=60)

    def client(n: int) -> list[float]:
        latencies: list[float] = []
        with httpx.Client(base_url=url, headers=headers, timeout=30) as c:
            try:
                request(c, n).raise_for_status()  # connected before the clock starts
            finally:
                start.wait()
            end = time.perf_counter() + secs
            while (t0 := time.perf_counter()) < end and len(latencies) < 1_000_000:
                request(c, n).raise_for_status()
                latencies.append(time.perf_counter() - t0)
        return latencies

    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(client, n) for n in range(threads)]
        start.wait()
        t0, server0, client0 = time.perf_counter(), cpu_seconds(pid), time.process_time()
    elapsed = time.perf_counter() - t0
    server, mine = cpu_seconds(pid) - server0, time.process_time() - client0
    every = sorted(x for f in futures for x in f.result())
    out = {"rate": len(every) / elapsed, "p50": every[len(every) // 2] * 1000,
           "p99": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000}
    if pid is not None:
        out["server_us"], out["client_us"] = server / len(every) * 1e6, mine / len(every) * 1e6
    return out


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process so far (every thread); 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def found(paths: Paths, contributions: int, write_cases: int) -> dict[str, Any]:
    """A round table, organisations A and B with a member each, both on the read case (20 AMBER
    contributions of B's member: the page A's member reads), A on the write cases; filled."""
    built, created = initialise(paths, Founding("Bench", "Chair", "Prevention", "prevention"))
    ctx, cmd = built.services.ctx, built.services.commands
    chair = ctx.authenticate(created["token"])
    orgs = [cmd.register_organisation(chair, n, "s", "formal", False).id for n in ("A", "B")]
    tokens = [cmd.register_person(chair, f"M{o}", o, Role.MEMBER)[1] for o in orgs]
    member, other = (ctx.authenticate(t) for t in tokens)
    case_id = cmd.open_case(chair, "Subject", 2001, None)[0].id
    writing = [cmd.open_case(chair, "W", None, None)[0].id for _ in range(write_cases)]
    for case, org in [(case_id, orgs[1]), *((c, orgs[0]) for c in (case_id, *writing))]:
        cmd.join_case(chair, case, org)
    for i in range(20):
        cmd.contribute(other, case_id, f"note {i}", parse_rule({"tlp": "AMBER"}))
    info = {"member": tokens[0], "case": str(case_id), "writing": [str(c) for c in writing],
            "orgs": orgs, "people": [(member.id, orgs[0]), (other.id, orgs[1])],
            "chair_id": chair.id}
    fill(built, info, contributions)
    built.close()
    return info


def fill(built: Built, info: dict[str, Any], total: int, per_case: int = 100) -> float:
    """Top up to `total` contributions: cases of `per_case` AMBER contributions, A and B on the
    table, saved 10 cases at a time, then the projections caught up. Returns seconds."""
    ctx = built.services.ctx
    have = ctx.queries.db.execute("SELECT COUNT(*) FROM contributions").fetchone()[0]
    rule, seal, batch, t0 = SharingRule(Tlp.AMBER).to_json(), ctx.sealer.seal, [], time.time()
    for _ in range(-(-(total - have) // per_case)):  # as many cases as it takes
        case_id = uuid.uuid4()
        ctx.keys.create(case_id)
        case = Case(id=case_id, reference=f"RT-FILL-{have}", opened_on="2025-01-01",
                    subject=seal(case_id, "subject", '{"name": "F", "birth_year": null}'),
                    summary=None, actor=info["chair_id"])
        for org in info["orgs"]:
            case.join(org, info["chair_id"])
        for k in range(min(per_case, total - have)):
            person, org = info["people"][k % 2]
            cid = uuid.uuid4()
            case.contribute(cid, person, org, seal(case_id, f"contribution:{cid}", f"f {k}"),
                            rule, person, None)
            have += 1
        batch.append(case)
        if len(batch) == 10 or have >= total:
            ctx.app.save(*batch)
            batch = []
    ctx.catchup.catch_up()
    return time.time() - t0


def reads(services: list[Child], bare: Child, info: dict[str, Any], reps: int, secs: float,
          threads: int = THREADS) -> list[dict[str, float]]:
    """The permitted view as A's member (disclosure logged) from each service, and bare GET,
    by `threads` clients, interleaved so that a noisy neighbour hits all alike; the first round
    is a warm-up."""
    path = f"/v1/cases/{info['case']}/contributions"
    for service in services:
        shown = httpx.get(service.url + path, headers={"Authorization": f"Bearer {info['member']}"})
        assert len(shown.json()) == 20, shown.text
    runs = [[hammer(s.url, info["member"], lambda c, n: c.get(path), secs, threads,
                    s.process.pid) for s in services]
            + [hammer(bare.url, None, lambda c, n: c.get("/items"), secs, threads,
                      bare.process.pid)]
            for _ in range(reps + 1)][1:]
    return [{k: statistics.median(run[i][k] for run in runs) for k in runs[0][i]}
            for i in range(len(services) + 1)]


def writes(service: Child, bare: Child, info: dict[str, Any], reps: int, secs: float,
           raw_env: Callable[[str], dict[str, str]]) -> list[float]:
    """Each client thread writes to a case of its own (fresh each repetition): no conflicts.
    Raw: one small event (a new aggregate) per save, on an SQLite file set up as the service's.
    Medians of: writes/s, bare POSTs/s, raw saves/s, server CPU us per write, per bare POST."""
    body = {"text": "a note of some length, as partners write them", "tlp": "AMBER"}
    runs = []
    for rep in range(reps):
        cases = info["writing"][rep * THREADS:(rep + 1) * THREADS]
        ours = hammer(service.url, info["member"], lambda c, n, cases=cases: c.post(
            f"/v1/cases/{cases[n]}/contributions", json=body), secs, pid=service.process.pid)
        base = hammer(bare.url, None, lambda c, n: c.post("/items", json=body), secs,
                      pid=bare.process.pid)
        with tempfile.TemporaryDirectory() as tmp:
            app: Application[Any] = Application(env=raw_env(tmp))
            count, t0 = 0, time.perf_counter()
            while time.perf_counter() - t0 < secs and count < 1_000_000:
                app.save(Aggregate())
                count += 1
            raw = count / (time.perf_counter() - t0)
            app.close()
        runs.append([ours["rate"], base["rate"], raw, ours["server_us"], base["server_us"]])
    return [statistics.median(run[i] for run in runs) for i in range(5)]


def contended(service: Child, info: dict[str, Any], reps: int, secs: float,
              ) -> dict[str, dict[str, float]]:
    """16 writers on one case, then on 16 cases (`scripts/bench_writes.py`): medians."""
    from bench_writes import contention  # it imports this module

    runs = [contention(service.url, info["member"], info["writing"], secs) for _ in range(reps)]
    return {k: {m: statistics.median(run[k][m] for run in runs) for m in runs[0][k]}
            for k in ("one", "spread")}


def log_rate(app: Application[Any], batch: int, each: Callable[[Any], Any]) -> float:
    """Notifications read per second, in batches of `batch`, `each` applied to every one."""
    count, after, t0 = 0, 0, time.perf_counter()
    for _ in range(10_000_000 // batch):
        got = app.recorder.select_notifications(start=after, limit=batch,
                                                inclusive_of_start=False)
        for notification in got:
            each(notification)
        count, after = count + len(got), got[-1].id if got else after
        if len(got) < batch:
            break
    return count / (time.perf_counter() - t0)


def drop_views(paths: Paths) -> None:
    """Every read model gone (the events stay): SQLite's file, or PostgreSQL's view tables."""
    if paths.database is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{paths.views}{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(paths.database, autocommit=True) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname="
                                           "'public' AND tablename NOT LIKE 'roundtable%'")]
        for table in tables:
            db.execute(f"DROP TABLE {table}")


def raw_log_read(paths: Paths) -> float:
    """Rows of the log read per second with the store's own driver (`sqlite3` or psycopg), no
    decoding: the baseline the issue names for `rebuild`."""
    t0 = time.perf_counter()
    if paths.database is None:
        with closing(sqlite3.connect(paths.events)) as db:
            count = sum(1 for _ in db.execute("SELECT * FROM stored_events ORDER BY rowid"))
    else:
        with psycopg.connect(paths.database) as db, db.cursor("raw") as cursor:
            cursor.execute("SELECT * FROM roundtable_events ORDER BY notification_id")
            count = sum(1 for _ in cursor)
    return count / (time.perf_counter() - t0)


def offline(paths: Paths, reps: int) -> dict[str, float]:
    """`roundtable rebuild` (every read model from the log, in bulk, as the command does it)
    against a raw read of the log with the store's driver; `Trail.verify` (events
    and disclosures) against reading every stored state in verify's batches (10k) and SHA-256
    of each."""
    out: dict[str, list[float]] = {k: [] for k in ("rebuild", "raw_read", "verify", "raw_hash")}
    for _ in range(reps):
        out["raw_read"].append(raw_log_read(paths))
        done = rebuild(paths)  # the views closed: it refuses while they are open
        out["rebuild"].append(done.rate)
    with open_trail(paths) as trail:
        for _ in range(reps):
            t0 = time.perf_counter()
            events, disclosures = trail.verify(None)
            out["verify"].append((events.length + disclosures.length) / (time.perf_counter() - t0))
            assert (events.ok, disclosures.ok) == (True, True), (events, disclosures)
            out["raw_hash"].append(log_rate(trail.app, 10_000,
                                            lambda n: hashlib.sha256(n.state).digest()))
    return {**{k: statistics.median(v) for k, v in out.items()},
            "events": events.length, "disclosures": disclosures.length}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k contributions, short runs")
    parser.add_argument("--reads", action="store_true", help="the reads only (no writes, "
                        "rebuild or verify)")
    parser.add_argument("--database", help="a PostgreSQL server's admin URL (e.g. postgresql://"
                        "postgres@127.0.0.1:5432/postgres): measure on PostgreSQL, API "
                        "processes with a projection worker each")
    args = parser.parse_args()
    with databases(args.database) as database:
        run(args, database)


@contextmanager
def databases(admin: str | None) -> Iterator[Callable[[str], str | None]]:
    """Fresh PostgreSQL databases by name (copies with `template`), dropped at the end."""
    made: list[str] = []

    def database(name: str, template: str | None = None) -> str | None:
        if admin is None:
            return None
        real = f"rt_bench_{name}_{os.getpid()}"
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f"CREATE DATABASE {real}" + (f" TEMPLATE {template}" if template else ""))
        made.append(real)
        return admin.rsplit("/", 1)[0] + "/" + real

    try:
        yield database
    finally:
        if admin is not None:
            with psycopg.connect(admin, autocommit=True) as db:
                for real in made:
                    db.execute(f"DROP DATABASE IF EXISTS {real} WITH (FORCE)")


def run(args: argparse.Namespace, database: Callable[..., str | None]) -> None:
    small, large = 1_000, 10_000 if args.quick else 100_000
    (reps, secs), started, r = (2, 1.0) if args.quick else (3, 4.0), time.perf_counter(), {}
    store = "PostgreSQL" if args.database else "SQLite"
    with tempfile.TemporaryDirectory(prefix="rt-bench-") as tmp:
        (Path(tmp) / "bare.py").write_text(BARE_APP)
        url = database("small")
        one = Paths(Path(tmp) / "small", Path(tmp) / "small" / "keys", url)
        info = found(one, small, max(reps * THREADS, 16))
        big_url = database("large", url.rsplit("/", 1)[1]) if url else None
        big = Paths(Path(tmp) / "large", Path(tmp) / "large" / "keys", big_url)
        shutil.copytree(one.data, big.data)  # the same store, then filled up to `large`
        with closing(build(big)) as built:
            r["load_seconds"] = fill(built, info, large)
        children = [Child([f"{tmp}/bare.py"], "/items")]
        workers: list[subprocess.Popen[bytes]] = []
        try:
            for paths in (one, big):
                children.append(Child(["-m", "roundtable.cli", "serve", "--data", str(paths.data),
                                       "--port"], "/v1/me", paths.database))
            bare, service, large_service = children
            for paths in (one, big) if args.database else ():
                workers.append(subprocess.Popen(
                    [sys.executable, "-m", "roundtable.cli", "project", "--data",
                     str(paths.data), "--database", str(paths.database)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            r["read_small"], r["read_large"], r["bare_read"] = reads(
                [service, large_service], bare, info, reps, secs)
            r["read_16"], r["bare_read_16"] = reads([service], bare, info, reps, secs,
                                                    CONNECTIONS)
            r["rss_mib"], r["bare_rss_mib"] = large_service.peak_rss_mib(), bare.peak_rss_mib()
            raw = None if args.reads else database("raw")
            if not args.reads:
                (r["writes"], r["bare_writes"], r["raw_saves"], r["write_cpu_us"],
                 r["bare_write_cpu_us"]) = writes(
                    service, bare, info, reps, secs,
                    lambda tmp: event_store_env(Paths(Path(tmp), Path(tmp), raw) if raw else
                                                Paths(Path(tmp), Path(tmp))))
                r["contention"] = contended(service, info, reps, secs)
        finally:
            for child in children:
                child.stop()
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=15)
        if not args.reads:
            r.update(offline(big, reps))
    report(r, small, large, round(time.perf_counter() - started, 1), store)


def report(r: dict[str, Any], small: int, large: int, seconds: float, store: str) -> None:
    rs, rl, b = r["read_small"], r["read_large"], r["bare_read"]
    r16, b16 = r["read_16"], r["bare_read_16"]
    one, spread = (r["contention"]["one"], r["contention"]["spread"]) if "contention" in r \
        else ({}, {})
    rows = [  # measure, value, baseline's name, baseline, ratio's name
        ("contribution writes/s (HTTP)", r.get("writes"), "bare POST", r.get("bare_writes"),
         "writes/bare"),
        ("  the same", r.get("writes"), "raw ES saves/s", r.get("raw_saves"), "writes/raw saves"),
        ("  server CPU us a write", r.get("write_cpu_us"), "bare POST", r.get("bare_write_cpu_us"),
         "CPU write/bare"),
        ("16 writers, one case /s", one.get("rate"), "16 cases", spread.get("rate"),
         "one case/spread"),
        ("  p99 ms, one case", one.get("p99"), "16 cases", spread.get("p99"), ""),
        (f"reads/s @{small}", rs["rate"], "bare GET", b["rate"], "reads/bare small"),
        (f"  p50 ms @{small}", rs["p50"], "bare GET", b["p50"], ""),
        (f"  p99 ms @{small}", rs["p99"], "bare GET", b["p99"], ""),
        (f"  server CPU us a read @{small}", rs["server_us"], "bare GET", b["server_us"],
         "CPU read/bare"),
        (f"  client CPU us a read @{small}", rs["client_us"], "bare GET", b["client_us"], ""),
        (f"reads/s @{large}", rl["rate"], "bare GET", b["rate"], "reads/bare large"),
        (f"  p50 ms @{large}", rl["p50"], "bare GET", b["p50"], ""),
        (f"  p99 ms @{large}", rl["p99"], f"p99 @{small}", rs["p99"], "p99 large/small"),
        (f"reads/s @{small}, {CONNECTIONS} conns", r16["rate"], "bare GET", b16["rate"],
         "reads@16/bare@16"),
        (f"  p99 ms, {CONNECTIONS} conns", r16["p99"], "bare GET", b16["p99"],
         "p99@16/bare p99@16"),
        ("rebuild events/s", r.get("rebuild"), "raw log read", r.get("raw_read"),
         "rebuild/raw read"),
        ("verify entries/s", r.get("verify"), "read+SHA-256", r.get("raw_hash"),
         "verify/raw hashing"),
        (f"server peak RSS MiB @{large}", r["rss_mib"], "bare server", r["bare_rss_mib"], ""),
    ]
    rows = [row for row in rows if row[1] is not None]  # `--reads`: the reads' rows only
    ratios = {key: round(value / base, 3) for _, value, _, base, key in rows if key}
    met = {k: (ratios[k] - float(t[2:])) * (1 if t[0] == ">" else -1) >= 0
           for k, t in TARGETS.items() if k in ratios}
    if one:
        refused = one["409"] + one["5xx"] + spread["409"] + spread["5xx"]
        met["one case p99 <=200 ms, no 409/5xx"] = one["p99"] <= 200 and refused == 0
    print(f"{'measure':30} {'roundtable':>11}  {'baseline':14} {'value':>10} {'ratio':>6}  target")
    for name, value, base_name, base, key in rows:
        verdict = f"{TARGETS[key]} {'ok' if met[key] else 'MISS'}" if key in TARGETS else ""
        print(f"{name:30} {value:11.1f}  {base_name:14} {base:10.1f} {value / base:6.2f}  "
              f"{verdict}".rstrip())
    # What the targets would need in CPU, from the CPU each request cost in this run.
    for what, rate, base, cpu, target in (
            ("reads", rs["rate"], b["rate"], rs.get("server_us"), "reads/bare small"),
            ("writes", r.get("writes"), r.get("bare_writes"), r.get("write_cpu_us"),
             "writes/bare")):
        if rate is None or base is None or cpu is None:
            continue
        wanted = float(TARGETS[target][2:]) * base
        print(f"{what}: the server used {rate * cpu / 1e6:.2f} cores ({cpu:.0f} us a "
              f"request); {TARGETS[target]} bare ({wanted:.0f}/s) would need "
              f"{wanted * cpu / 1e6:.2f} cores for the server alone, on {os.cpu_count()}")
    if one:
        print(f"16 writers: 409 {one['409'] + spread['409']:.0f}, "
              f"5xx {one['5xx'] + spread['5xx']:.0f}; one case p99 {one['p99']:.0f} ms "
              f"(target <=200 ms, no 409/5xx: "
              f"{'ok' if met['one case p99 <=200 ms, no 409/5xx'] else 'MISS'})")
    logged = (f"{r['events']} events, {r['disclosures']} disclosures; " if "events" in r
              else "")
    print(f"({store}; {THREADS} client threads; {logged}load of {large} contributions "
          f"{r['load_seconds']:.1f} s; {seconds:.0f} s in all)")
    print(json.dumps({"store": store, "contributions": [small, large], "threads": THREADS,
                      "connections": CONNECTIONS, "results": r, "ratios": ratios,
                      "targets": TARGETS, "met": met, "seconds": seconds}))


if __name__ == "__main__":
    main()
