"""Kill the server (SIGKILL) while partners write: every acknowledged write is still there."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from roundtable.bootstrap import Paths
from tests.processes import Server, found


@pytest.fixture
def founded(tmp_path: Path) -> tuple[Paths, dict[str, str]]:
    return found(tmp_path)


@pytest.mark.slow
def test_every_acknowledged_contribution_survives_a_sigkill(
    founded: tuple[Paths, dict[str, str]],
) -> None:
    paths, created = founded
    headers = {"Authorization": f"Bearer {created['token']}"}
    server = Server(paths)
    server.start()
    client = httpx.Client(base_url=server.url, headers=headers, timeout=10)
    try:
        case_id = client.post("/v1/cases", json={"subject": {"name": "S"}}).json()["id"]
        acknowledged: list[str] = []
        lock = threading.Lock()

        def write(worker: int) -> None:
            for n in range(10_000):
                try:
                    response = client.post(f"/v1/cases/{case_id}/contributions",
                                           json={"text": f"note {worker}-{n}", "tlp": "AMBER"})
                except httpx.TransportError:
                    return  # killed mid-request: not acknowledged, may or may not be stored
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json()["id"])

        writers = [threading.Thread(target=write, args=(i,)) for i in range(4)]
        for w in writers:
            w.start()
        while len(acknowledged) < 40:
            time.sleep(0.01)
        server.kill()
        for w in writers:
            w.join()
        server.start()
        listed = client.get(f"/v1/cases/{case_id}/contributions").json()
        listed_ids = [c["id"] for c in listed]
        assert set(acknowledged) <= set(listed_ids)
        assert len(listed_ids) == len(set(listed_ids))  # resumed exactly once: no doubles
        for contribution_id in acknowledged[-5:]:
            one = client.get(f"/v1/contributions/{contribution_id}")
            assert one.status_code == 200
            assert one.json()["text"].startswith("note ")
    finally:
        client.close()
        server.stop()
