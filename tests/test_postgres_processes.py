"""A PostgreSQL deployment as operators run it: two `serve` processes and a `project` worker."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from roundtable.paths import Paths
from tests.conftest import postgres_database
from tests.processes import Process, Server, found

pytestmark = pytest.mark.slow


class Deployment:
    def __init__(self, paths: Paths, token: str) -> None:
        self.worker = Process(paths, "project")
        self.apis = [Server(paths), Server(paths)]
        self.headers = {"Authorization": f"Bearer {token}"}

    def client(self, which: int) -> httpx.Client:
        return httpx.Client(base_url=self.apis[which].url, headers=self.headers, timeout=30)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with postgres_database() as url:
        paths, created = found(tmp_path, url)
        made = Deployment(paths, created["token"])
        made.worker.start()
        for api in made.apis:
            api.start()
        try:
            yield made
        finally:
            for process in (*made.apis, made.worker):
                process.stop()


def open_case(client: httpx.Client) -> str:
    response = client.post("/v1/cases", json={"subject": {"name": "S"}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def contribute(client: httpx.Client, case_id: str, text: str) -> httpx.Response:
    return client.post(f"/v1/cases/{case_id}/contributions", json={"text": text, "tlp": "AMBER"})


def test_a_write_on_one_process_is_read_on_the_other_with_min_position(
    deployment: Deployment,
) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        case_id = open_case(first)
        written = contribute(first, case_id, "seen on one process").json()
        answer = second.get(f"/v1/contributions/{written['id']}",
                            headers={"X-Min-Position": str(written["position"])})
        assert answer.status_code == 200
        assert answer.json()["text"] == "seen on one process"


def test_a_position_beyond_the_head_is_422_and_one_the_views_do_not_reach_is_503(
    deployment: Deployment,
) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        started = time.monotonic()
        beyond = second.get("/v1/cases", headers={"X-Min-Position": "1000000"})
        assert beyond.status_code == 422
        assert time.monotonic() - started < 2
        deployment.worker.stop()  # the views stay where they are; the store moves on
        written = first.post("/v1/organisations", json={
            "name": "Late", "sector": "x", "kind": "formal", "professional_secrecy": False})
        assert written.status_code == 201, written.text
        started = time.monotonic()
        lagging = second.get("/v1/cases",
                             headers={"X-Min-Position": str(written.json()["position"])})
        assert lagging.status_code == 503
        assert 4.5 <= time.monotonic() - started < 10


def test_eighty_concurrent_writes_through_both_processes_are_visible_exactly_once(
    deployment: Deployment,
) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        case_id = open_case(first)
        acknowledged: list[str] = []
        lock = threading.Lock()

        def write(client: httpx.Client, worker: int) -> None:
            for n in range(10):
                response = contribute(client, case_id, f"note {worker}-{n}")
                assert response.status_code == 201, response.text
                with lock:
                    acknowledged.append(response.json()["id"])

        threads = [threading.Thread(target=write, args=((first, second)[i % 2], i))
                   for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(acknowledged) == 80
        for client in (first, second):
            listed = [c["id"] for c in client.get(f"/v1/cases/{case_id}/contributions").json()]
            assert sorted(listed) == sorted(acknowledged)


def test_killing_an_api_process_or_the_worker_loses_nothing(deployment: Deployment) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        case_id = open_case(first)
        before = [contribute(first, case_id, f"before {n}").json() for n in range(5)]
        deployment.worker.kill()
        # Writes while the worker is down are stored; the views wait for the worker.
        during = [contribute(second, case_id, f"during {n}") for n in range(3)]
        assert all(r.status_code == 201 for r in during)
        deployment.apis[0].kill()
        deployment.worker.start()
        deployment.apis[0].start()
        last = max(r.json()["position"] for r in during)
        listed = first.get(f"/v1/cases/{case_id}/contributions",
                           headers={"X-Min-Position": str(last)}).json()
        expected = [c["id"] for c in before] + [r.json()["id"] for r in during]
        assert sorted(c["id"] for c in listed) == sorted(expected)
        assert len({c["id"] for c in listed}) == len(listed)
        verified = first.get("/v1/audit/verify").json()
        assert verified["ok"], verified
