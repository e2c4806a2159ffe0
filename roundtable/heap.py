"""The server's heap, settled once it has started: fewer and shorter garbage-collection pauses.

Everything built before the first request (the app, its routes and schemas, the stores and
their caches) lives as long as the process; `gc.freeze` moves it out of the collector's sight,
so a full collection no longer walks it. A request allocates thousands of short-lived objects
and hardly ever a reference cycle, so the youngest generation is collected every 50,000
allocations instead of every 700. Measured with 16 clients on a member's permitted view
(`scripts/bench.py`): CPython's defaults gave a read p99 of 112-174 ms, a heap settled so
76-92 ms, at the same rate (README, "Benchmarks").
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 100)


def settle() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
