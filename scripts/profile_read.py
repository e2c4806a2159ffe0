"""Where a read's time goes: py-spy samples a served process while 4 clients read a member's
permitted view (GET /v1/cases/{id}/contributions, 20 contributions, disclosure log on), and the
samples are summed by stage. .venv/bin/python scripts/profile_read.py [--seconds 8] [--gil]
[--bare]

`--gil` samples only the thread holding the GIL (the CPU that caps the rate); without it every
thread that is not idle (waits in the kernel such as fsync included)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench import BARE_APP, THREADS, Child, cpu_seconds, found, hammer

from roundtable.bootstrap import Paths

# (stage, frames that mark it): the first stage with a frame anywhere in a sample's stack takes
# it; the rest go by the file of the innermost frame (LEAVES).
STAGES = [
    ("catch-up check (head of the log)", ("catch_up (", "head_position (")),
    ("disclosure log (group commit, fsync)", ("disclosures.py", "disclosure_writer.py")),
    ("unsealing (AES-GCM per contribution)", ("sealing.py",)),
    ("query of the permitted view", ("contributions_for (", "case_for (", "_contribution (")),
    ("authentication (token hash, person row)", ("authenticate (", "credentials.py",
                                                 "callers.py")),
    ("response JSON (encoding, validation)", ("serialize_response", "jsonable_encoder",
                                             "render (", "orjson", "json/encoder")),
    ("request log line (structlog)", ("structlog", "RequestLog.record")),
    ("shaping the answer (read path)", ("roundtable/read/",)),
]
LEAVES = [
    ("FastAPI/Starlette/pydantic (routing, dependencies, middleware)",
     ("fastapi/", "starlette/", "pydantic", "/api/")),
    ("worker threads (anyio hand-off)", ("anyio/", "threading.py", "queue.py", "concurrent/")),
    ("uvicorn, h11 and the event loop", ("uvicorn/", "h11/", "asyncio/", "selectors.py")),
]


def stage(stack: str) -> str:
    found = next((name for name, marks in STAGES if any(m in stack for m in marks)), None)
    leaf = stack.rsplit(";", 1)[-1]
    return found or next((name for name, marks in LEAVES if any(m in leaf for m in marks)),
                         "other")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--gil", action="store_true", help="only the thread holding the GIL")
    parser.add_argument("--bare", action="store_true", help="profile the bare baseline app")
    parser.add_argument("--keep", help="also write the raw (collapsed) stacks to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rt-profile-") as tmp:
        paths = Paths(Path(tmp) / "data", Path(tmp) / "data" / "keys")
        info = found(paths, 1_000, 0)
        if args.bare:  # the baseline of scripts/bench.py, the same way
            (Path(tmp) / "bare.py").write_text(BARE_APP)
            server, path, token = Child([f"{tmp}/bare.py"], "/items"), "/items", None
        else:
            server = Child(["-m", "roundtable.cli", "serve", "--data", str(paths.data),
                            "--port"], "/v1/me")
            path, token = f"/v1/cases/{info['case']}/contributions", info["member"]
        raw = Path(tmp) / "stacks.txt"
        try:
            hammer(server.url, token, lambda c, n: c.get(path), 1.0)  # warm: routes built
            spy = subprocess.Popen(
                [str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
                 str(server.process.pid), "--rate", "200", "--duration",
                 str(int(args.seconds)), "--format", "raw", "--output", str(raw), "--nonblocking",
                 *(["--gil"] if args.gil else [])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cpu = cpu_seconds(server.process.pid)
            rate = hammer(server.url, token, lambda c, n: c.get(path), args.seconds)
            rate["cpu_us"] = (cpu_seconds(server.process.pid) - cpu) / (
                rate["rate"] * args.seconds) * 1e6
            spy.wait(timeout=60)
        finally:
            server.stop()
        report(raw.read_text(), rate, args.gil)
        if args.keep:
            Path(args.keep).write_text(raw.read_text())


def report(stacks: str, rate: dict[str, float], gil: bool) -> None:
    counts: Counter[str] = Counter()
    for line in stacks.splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            counts[stage(stack)] += int(count)
    total = sum(counts.values()) or 1
    print(f"{rate['rate']:.0f} reads/s, p50 {rate['p50']:.1f} ms, p99 {rate['p99']:.1f} ms "
          f"({THREADS} clients); server CPU {rate['cpu_us']:.0f} us a read; samples: "
          f"{'GIL holder' if gil else 'threads not idle'} ({total})")
    for name, count in counts.most_common():
        print(f"{count / total:6.1%}  {name}")


if __name__ == "__main__":
    main()
