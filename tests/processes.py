"""`roundtable` commands in child processes, as an operator runs them: serve, project."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from roundtable.paths import Paths
from roundtable.setup import Founding, initialise


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def found(directory: Path, database: str | None = None) -> tuple[Paths, dict[str, str]]:
    """A round table created on disk and closed again, for child processes to serve; returns
    its paths and what `roundtable init` prints (ids and the chair's token)."""
    paths = Paths(directory / "data", directory / "data" / "keys", database)
    built, created = initialise(paths, Founding("T", "Chair", "Prevention", "prevention"))
    built.close()
    return paths, created


def child_env(database: str | None = None) -> dict[str, str]:
    """The environment of a child process: only the store the test chose."""
    unset = ("ROUNDTABLE_DATABASE_URL", "ROUNDTABLE_DATA", "ROUNDTABLE_KEYS")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    if database is not None:
        env["ROUNDTABLE_DATABASE_URL"] = database
    return env


class Process:
    """`roundtable COMMAND --data DIR ...`; everything it prints goes to `log_path` (its stderr
    to `stderr_path` instead, when given)."""

    def __init__(self, paths: Paths, *command: str, log_path: Path | None = None,
                 stderr_path: Path | None = None) -> None:
        self.paths = paths
        self.command = command
        self.log_path = log_path or paths.data.parent / f"{command[0]}-{id(self)}.log"
        self.stderr_path = stderr_path
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            errors = self.stderr_path.open("ab") if self.stderr_path else None
            try:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "roundtable.cli", *self.command, "--data",
                     str(self.paths.data)],
                    stdout=log, stderr=errors or subprocess.STDOUT,
                    env=child_env(self.paths.database),
                )
            finally:
                if errors:
                    errors.close()

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class Server(Process):
    """`roundtable serve` on a free port; `start` returns once it answers."""

    def __init__(self, paths: Paths, log_path: Path | None = None, *options: str,
                 stderr_path: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(paths, "serve", "--port", str(self.port), *options,
                         log_path=log_path, stderr_path=stderr_path)

    def start(self) -> None:
        super().start()
        assert self.process is not None
        deadline = time.monotonic() + 30
        with httpx.Client(timeout=1) as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AssertionError(f"the server exited: {self.log()}")
                try:
                    probe.get(f"{self.url}/healthz")
                    return
                except httpx.TransportError:
                    time.sleep(0.05)
        raise AssertionError("the server did not start")

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {token}"},
                            timeout=30)
