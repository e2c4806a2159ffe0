"""How long `GET /v1/cases?q=` takes over many cases: the subjects are sealed, so a search
opens every visible case's subject in memory. Opens N cases (default 1000) in a fresh data
directory, then times searches through HTTP, cold (a fresh service: case keys not yet
cached) and warm. Usage: .venv/bin/python scripts/bench_case_search.py [N] [--database URL]"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from uuid import UUID

from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.bootstrap import Paths, build
from roundtable.context import caller_from_row
from roundtable.setup import Founding, initialise


def timed(client: TestClient, token: str, params: dict[str, str], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/v1/cases", params=params,
                              headers={"Authorization": f"Bearer {token}"})
        out.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=int, nargs="?", default=1000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp) / "data", Path(tmp) / "data" / "keys", args.database)
        built, created = initialise(paths, Founding("Bench", "Chair", "Prevention", "social"))
        ctx = built.services.ctx
        row = ctx.queries.person(UUID(created["person_id"]))
        assert row is not None
        chair = caller_from_row(row)
        start = time.perf_counter()
        for i in range(args.cases):
            built.services.commands.open_case(chair, f"Person {i:05d} Janssens", 2008, None)
        print(f"opened {args.cases} cases in {time.perf_counter() - start:.1f} s")
        built.close()
        queries = {"no match": {"q": "nobody"}, "one name": {"q": "person 00500"},
                   "reference": {"q": "RT-2026-0500"}, "every case": {"q": "janssens"},
                   "plain list": {}}
        fresh = build(paths)
        with TestClient(create_app(fresh.services)) as client:
            cold = timed(client, created["token"], queries["no match"], 1)[0]
            print(f"cold search (no key cached), no match: {cold:.0f} ms")
            for name, params in queries.items():
                runs = timed(client, created["token"], params, 15)
                print(f"warm {name:11}: median {statistics.median(runs):6.1f} ms, "
                      f"max {max(runs):6.1f} ms")
        fresh.close()


if __name__ == "__main__":
    main()
