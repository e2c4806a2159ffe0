"""Write speed of the service, next to a bare FastAPI POST measured in the same run:
contribution writes of 4 clients on cases of their own, and 16 writers on ONE case against the
same 16 writers spread over 16 cases (rate, p50, p99, and how many answers were 409 or 5xx).
Rounds are interleaved so that a noisy neighbour hits all alike; medians of --reps rounds.

    .venv/bin/python scripts/bench_writes.py [--secs 1.5] [--reps 6]

`scripts/bench.py` runs `contention` on its own service for the table in the README."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from bench import BARE_APP, THREADS, Child, found

from roundtable.bootstrap import Paths

WRITERS = 16
BODY = {"text": "a note of some length, as partners write them", "tlp": "AMBER"}
TARGETS = {"writes/bare": ">=0.3", "one case/spread": ">=0.8", "one case p99 ms": "<=200",
           "one case 409+5xx": "<=0"}


def pound(url: str, token: str | None, paths: list[str], secs: float) -> dict[str, float]:
    """One client per path (each on its own keep-alive connection) POSTing for `secs`: rate
    of answers, p50 and p99 in ms, and the count of 409 and of 5xx answers."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    start = threading.Barrier(len(paths) + 1, timeout=60)

    def client(path: str) -> tuple[list[float], Counter[int]]:
        latencies: list[float] = []
        statuses: Counter[int] = Counter()
        with httpx.Client(base_url=url, headers=headers, timeout=60) as c:
            try:
                c.post(path, json=BODY).raise_for_status()  # connected before the clock starts
            finally:
                start.wait()
            end = time.perf_counter() + secs
            while (t0 := time.perf_counter()) < end:
                statuses[c.post(path, json=BODY).status_code] += 1
                latencies.append(time.perf_counter() - t0)
        return latencies, statuses

    with ThreadPoolExecutor(len(paths)) as pool:
        futures = [pool.submit(client, p) for p in paths]
        start.wait()
        t0 = time.perf_counter()
    elapsed = time.perf_counter() - t0
    every = sorted(x for f in futures for x in f.result()[0])
    statuses = sum((f.result()[1] for f in futures), Counter[int]())
    return {"rate": len(every) / elapsed, "p50": every[len(every) // 2] * 1000,
            "p99": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
            "409": statuses[409], "5xx": sum(n for s, n in statuses.items() if s >= 500)}


def contention(service: str, token: str, cases: list[str], secs: float,
               spread_first: bool = False) -> dict[str, Any]:
    """WRITERS writers on cases[0] alone, and the same writers on cases[:WRITERS]."""
    path = "/v1/cases/{}/contributions".format
    paths = {"one": [path(cases[0])] * WRITERS, "spread": [path(c) for c in cases[:WRITERS]]}
    order = ("spread", "one") if spread_first else ("one", "spread")
    return {name: pound(service, token, paths[name], secs) for name in order}


def measure(service: str, bare: str, info: dict[str, Any], reps: int, secs: float,
            ) -> dict[str, Any]:
    """`reps` rounds of short runs; the bare POST just before and just after the service's
    writes, the one-case and spread runs in alternating order, so that a neighbour's load
    falls on a figure and its baseline alike. Ratios are taken per round, then the median."""
    cases, runs = info["writing"], []
    own = [f"/v1/cases/{c}/contributions" for c in cases[:THREADS]]
    for rep in range(reps):
        before = pound(bare, None, ["/items"] * THREADS, secs)
        run = {"writes": pound(service, info["member"], own, secs)}
        after = pound(bare, None, ["/items"] * THREADS, secs)
        run["bare"] = {k: (before[k] + after[k]) / 2 for k in before}
        runs.append({**run, **contention(service, info["member"], cases, secs, bool(rep % 2))})
    medians = {name: {k: statistics.median(run[name][k] for run in runs) for k in runs[0][name]}
               for name in runs[0]}
    for name in medians:  # a refusal in any round counts
        for k in ("409", "5xx"):
            medians[name][k] = sum(run[name][k] for run in runs)
    medians["ratios"] = {
        "writes/bare": statistics.median(r["writes"]["rate"] / r["bare"]["rate"] for r in runs),
        "one case/spread": statistics.median(r["one"]["rate"] / r["spread"]["rate"]
                                             for r in runs)}
    return medians


def ratios(r: dict[str, Any]) -> dict[str, float]:
    return {"writes/bare": round(r["ratios"]["writes/bare"], 3),
            "one case/spread": round(r["ratios"]["one case/spread"], 3),
            "one case p99 ms": round(r["one"]["p99"], 1),
            "one case 409+5xx": r["one"]["409"] + r["one"]["5xx"]}


def met(ratio: dict[str, float]) -> dict[str, bool]:
    return {k: (ratio[k] - float(t[2:])) * (1 if t[0] == ">" else -1) >= 0
            for k, t in TARGETS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secs", type=float, default=1.5)
    parser.add_argument("--reps", type=int, default=6)
    args = parser.parse_args()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rt-bench-writes-") as tmp:
        (Path(tmp) / "bare.py").write_text(BARE_APP)
        paths = Paths(Path(tmp) / "data", Path(tmp) / "data" / "keys")
        info = found(paths, 100, WRITERS)
        bare = Child([f"{tmp}/bare.py"], "/items")
        try:
            service = Child(["-m", "roundtable.cli", "serve", "--data", str(paths.data),
                             "--port"], "/v1/me")
            try:
                r = measure(service.url, bare.url, info, args.reps, args.secs)
            finally:
                service.stop()
        finally:
            bare.stop()
    ratio = ratios(r)
    ok = met(ratio)
    print(f"{'measure':28} {'rate/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'409':>5} {'5xx':>5}")
    for name, label in [("writes", f"contributions, {THREADS} cases"), ("bare", "bare POST"),
                        ("one", f"{WRITERS} writers, one case"),
                        ("spread", f"{WRITERS} writers, {WRITERS} cases")]:
        x = r[name]
        print(f"{label:28} {x['rate']:8.1f} {x['p50']:7.1f} {x['p99']:7.1f} "
              f"{x['409']:5.0f} {x['5xx']:5.0f}")
    for key, value in ratio.items():
        print(f"{key:28} {value:8}  target {TARGETS[key]} {'ok' if ok[key] else 'MISS'}")
    print(json.dumps({"results": r, "ratios": ratio, "met": ok, "secs": args.secs,
                      "reps": args.reps, "seconds": round(time.perf_counter() - t0, 1)}))


if __name__ == "__main__":
    main()
