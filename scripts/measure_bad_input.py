"""Two figures of issue 9 ("bad input"), measured on a real `roundtable serve` child process.

    .venv/bin/python scripts/measure_bad_input.py rss
        resident memory of the server while it is sent 100 MB bodies (declared and chunked)
    .venv/bin/python scripts/measure_bad_input.py waiters [--database postgresql://...]
        latency of GET /v1/me while 50 requests wait, with X-Min-Position, on a position that
        is in the store but that the views have not reached (PostgreSQL, no projection worker)

Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.processes import Server, found

BODY = 100 * 1024 * 1024
CHUNK = 1024 * 1024


def _memory(pid: int) -> dict[str, float]:
    """VmRSS (now) and VmHWM (peak) of a process, in MiB."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def _send_big_body(port: int, token: str, chunked: bool) -> str:
    """POST a 100 MB body; returns the status line, or how the connection ended."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY}"
    head = (f"POST /v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\n{framing}\r\n\r\n")
    piece = b'{"summary": "' + b"a" * (CHUNK - 13)
    with socket.create_connection(("127.0.0.1", port), timeout=60) as connection:
        try:
            connection.sendall(head.encode())
            for _ in range(BODY // CHUNK):
                data = piece if not chunked else b"%x\r\n%s\r\n" % (len(piece), piece)
                connection.sendall(data)
            if chunked:
                connection.sendall(b"0\r\n\r\n")
            answer = connection.recv(4096).decode(errors="replace")
        except (BrokenPipeError, ConnectionResetError) as error:
            return f"connection closed by the server while sending ({type(error).__name__})"
    return answer.partition("\r\n")[0]


def measure_rss() -> None:
    with tempfile.TemporaryDirectory() as directory:
        paths, created = found(Path(directory))
        server = Server(paths)
        server.start()
        try:
            assert server.process is not None
            pid = server.process.pid
            with server.client(created["token"]) as client:
                for _ in range(20):
                    client.get("/v1/me").raise_for_status()
            before = _memory(pid)
            print(f"server RSS after warm-up: {before['VmRSS']:.1f} MiB "
                  f"(peak so far {before['VmHWM']:.1f} MiB)")
            for chunked in (False, True, False, True):
                started = time.monotonic()
                outcome = _send_big_body(server.port, created["token"], chunked)
                now = _memory(pid)
                print(f"100 MB body, {'chunked' if chunked else 'Content-Length'}: {outcome} "
                      f"in {time.monotonic() - started:.2f} s; RSS {now['VmRSS']:.1f} MiB, "
                      f"peak {now['VmHWM']:.1f} MiB")
            after = _memory(pid)
            print(f"peak RSS grew by {after['VmHWM'] - before['VmHWM']:.1f} MiB; "
                  f"RSS now {after['VmRSS'] - before['VmRSS']:+.1f} MiB")
        finally:
            server.stop()


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return (f"n={len(ordered)} p50={statistics.median(ordered) * 1000:.1f} ms "
            f"p99={p99 * 1000:.1f} ms max={ordered[-1] * 1000:.1f} ms")


def _probe_me(server: Server, token: str, seconds: float) -> list[float]:
    samples = []
    with server.client(token) as client:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            client.get("/v1/me").raise_for_status()
            samples.append(time.monotonic() - started)
            time.sleep(0.02)
    return samples


def _waiter(server: Server, token: str, position: int, stop: threading.Event,
            statuses: list[int]) -> None:
    with server.client(token) as client:
        while not stop.is_set():
            response = client.get("/v1/cases", headers={"X-Min-Position": str(position)})
            statuses.append(response.status_code)


def measure_waiters(database: str, waiters: int, seconds: float) -> None:
    import psycopg

    from roundtable.bootstrap import build

    name = f"roundtable_measure_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = database.rsplit("/", 1)[0] + f"/{name}"
    try:
        with tempfile.TemporaryDirectory() as directory:
            paths, created = found(Path(directory), url)
            server = Server(paths)  # an API process; no projection worker runs
            server.start()
            try:
                print("GET /v1/me alone:", _percentiles(_probe_me(server, created["token"], 3)))
                # Another process writes: the event is in the store, the views lag behind it.
                built = build(paths, project=False)
                try:
                    ctx = built.services.ctx
                    position = built.services.commands.register_organisation(
                        ctx.authenticate(created["token"]), "Late", "x", "formal", False
                    ).position
                finally:
                    built.close()
                stop = threading.Event()
                statuses: list[int] = []
                threads = [threading.Thread(target=_waiter, args=(
                    server, created["token"], position, stop, statuses)) for _ in range(waiters)]
                for thread in threads:
                    thread.start()
                time.sleep(1)
                samples = _probe_me(server, created["token"], seconds)
                stop.set()
                for thread in threads:
                    thread.join()
                print(f"GET /v1/me while {waiters} requests wait on position {position}:",
                      _percentiles(samples))
                print("the waiting requests answered:",
                      {s: statuses.count(s) for s in sorted(set(statuses))})
            finally:
                server.stop()
    finally:
        with psycopg.connect(database, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("measure", choices=["rss", "waiters"])
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--waiters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=12.0)
    args = parser.parse_args()
    if args.measure == "rss":
        measure_rss()
    else:
        measure_waiters(args.database, args.waiters, args.seconds)


if __name__ == "__main__":
    main()
