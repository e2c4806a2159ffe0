"""`roundtable rotate-key` while `serve` runs: the server picks up the new key-encryption key by
itself, without an error answer, and what it writes afterwards opens after a restart."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from roundtable.sealing import KEK_FILE
from tests.processes import Server, child_env, found

pytestmark = pytest.mark.slow


def contribute(client: httpx.Client, text: str) -> tuple[str, str]:
    """A new case with one contribution; returns (case id, contribution id)."""
    case = client.post("/v1/cases", json={"subject": {"name": f"Subject of {text}"}})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    made = client.post(f"/v1/cases/{case_id}/contributions", json={"text": text, "tlp": "AMBER"})
    assert made.status_code == 201, made.text
    return case_id, made.json()["id"]


def read_back(client: httpx.Client, written: dict[str, str]) -> dict[str, int]:
    """Read every contribution in `written` (id -> text); returns the status codes seen."""
    seen: dict[str, int] = {}
    for contribution_id, text in written.items():
        response = client.get(f"/v1/contributions/{contribution_id}")
        seen[contribution_id] = response.status_code
        if response.status_code == 200:
            assert response.json()["text"] == text
    return seen


def test_rotating_the_key_under_a_running_server_causes_no_error(tmp_path: Path) -> None:
    paths, created = found(tmp_path)
    server = Server(paths, tmp_path / "serve.log")
    server.start()
    statuses: list[int] = []
    written: dict[str, str] = {}
    stop = threading.Event()
    try:
        with server.client(created["token"]) as client:
            for n in range(5):
                written[contribute(client, f"before {n}")[1]] = f"before {n}"

            def use() -> None:
                with server.client(created["token"]) as user:
                    n = 0
                    while not stop.is_set():
                        n += 1
                        try:
                            case = user.post("/v1/cases",
                                             json={"subject": {"name": f"During {n}"}})
                            statuses.append(case.status_code)
                            statuses.extend(read_back(user, written).values())
                        except AssertionError:  # a text that came back wrong
                            statuses.append(-1)
                        except httpx.TransportError:  # the server dropped the request
                            statuses.append(-2)

            users = [threading.Thread(target=use) for _ in range(2)]
            for user in users:
                user.start()
            old_key = (paths.keys / KEK_FILE).read_bytes()
            rotated = subprocess.run(
                [sys.executable, "-m", "roundtable.cli", "rotate-key", "--data", str(paths.data)],
                capture_output=True, text=True, env=child_env(), timeout=60, check=False)
            assert rotated.returncode == 0, rotated.stderr
            assert (paths.keys / KEK_FILE).read_bytes() != old_key
            count, deadline = len(statuses), time.monotonic() + 30
            while len(statuses) < count + 20:  # keep using it under the new key a while
                assert time.monotonic() < deadline, statuses[-20:]
                time.sleep(0.05)
            stop.set()
            for user in users:
                user.join()
            for n in range(3):
                written[contribute(client, f"after {n}")[1]] = f"after {n}"
            assert set(read_back(client, written).values()) == {200}
        assert [s for s in statuses if s not in (200, 201)] == [], server.log()[-2000:]
    finally:
        stop.set()
        server.stop()
    # What was written after the rotation was wrapped under the new key: a restart opens it.
    server = Server(paths, tmp_path / "serve-again.log")
    server.start()
    try:
        with server.client(created["token"]) as client:
            assert set(read_back(client, written).values()) == {200}
    finally:
        server.stop()
