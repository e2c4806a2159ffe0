"""A PostgreSQL deployment as operators run it: two hosts, each a `serve` process with a data
directory of its own holding only a copy of the keys, and a `project` worker, behind one
database."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from roundtable.paths import Paths
from tests.conftest import postgres_database
from tests.processes import Process, Server, found

pytestmark = pytest.mark.slow


def host(founded: Paths, directory: Path) -> Paths:
    """A host of the deployment: its own data directory, holding only a copy of the keys."""
    data = directory / "data"
    data.mkdir(parents=True, mode=0o700)
    shutil.copytree(founded.keys, data / "keys")
    return Paths(data, data / "keys", founded.database)


def files_of(paths: Paths) -> set[str]:
    return {str(p.relative_to(paths.data)) for p in paths.data.rglob("*") if p.is_file()}


class Deployment:
    def __init__(self, founded: Paths, token: str, directory: Path) -> None:
        self.hosts = [host(founded, directory / name) for name in ("a", "b", "worker")]
        self.worker = Process(self.hosts[2], "project")
        self.apis = [Server(self.hosts[0]), Server(self.hosts[1])]
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}

    def client(self, which: int) -> httpx.Client:
        return httpx.Client(base_url=self.apis[which].url, headers=self.headers, timeout=30)


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    with postgres_database() as url:
        paths, created = found(tmp_path / "founding", url)
        made = Deployment(paths, created["token"], tmp_path)
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


def in_parallel(clients: tuple[httpx.Client, httpx.Client],
                work: Callable[[httpx.Client, int], None], count: int) -> None:
    """`work(client, n)` on `count` threads at once, alternating between the two hosts."""
    threads = [threading.Thread(target=work, args=(clients[n % 2], n)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


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
    # Everything the hosts wrote is in the database: their data directories hold the keys.
    for paths in deployment.hosts:
        assert files_of(paths) == {"keys/kek.key", "keys/log-signing.key"}, files_of(paths)


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

        in_parallel((first, second), write, 8)
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


def test_a_case_opened_on_one_host_has_its_key_on_the_other(deployment: Deployment) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        opened = first.post("/v1/cases", json={"subject": {"name": "Opened On A"}})
        assert opened.status_code == 201, opened.text
        case = second.get(f"/v1/cases/{opened.json()['id']}",
                          headers={"X-Min-Position": str(opened.json()["position"])})
        assert case.status_code == 200, case.text
        assert case.json()["subject"]["name"] == "Opened On A"


def test_a_disclosure_recorded_on_one_host_is_listed_by_an_auditor_on_the_other(
    deployment: Deployment,
) -> None:
    with deployment.client(0) as first, deployment.client(1) as second:
        case_id = open_case(first)
        written = contribute(first, case_id, "shown on A").json()
        shown = first.get(f"/v1/contributions/{written['id']}",
                          headers={"X-Min-Position": str(written["position"])})
        assert shown.status_code == 200
        listed = second.get("/v1/audit/disclosures", params={"case_id": case_id})
        assert listed.status_code == 200, listed.text
        assert [d["contribution_ids"] for d in listed.json()["disclosures"]
                if d["endpoint"] == "GET /v1/contributions/{id}"] == [[written["id"]]]


def test_checkpoints_signed_on_both_hosts_at_once_extend_one_log(
    deployment: Deployment, tmp_path: Path,
) -> None:
    from roundtable.audit.note import verify_note
    from roundtable.audit.trail import DISCLOSURES_LOG, EVENTS_LOG
    from roundtable.audit.verify import (
        consistent_with_now,
        recompute,
        stored_disclosures,
        stored_events,
    )
    from roundtable.auditing import open_trail
    from tests.audit_trail.support import roundtable

    with deployment.client(0) as first, deployment.client(1) as second:
        case_id = open_case(first)
        notes: list[str] = []
        lock = threading.Lock()

        def work(client: httpx.Client, worker: int) -> None:
            for n in range(5):
                written = contribute(client, case_id, f"note {worker}-{n}")
                assert written.status_code == 201, written.text
                client.get(f"/v1/contributions/{written.json()['id']}")  # a disclosure
                signed = client.get("/v1/audit/checkpoint")
                assert signed.status_code == 200, signed.text
                with lock:
                    notes.append(signed.json()["note"])

        in_parallel((first, second), work, 4)
        assert len(notes) == 20
        for client in (first, second):
            verified = client.get("/v1/audit/verify").json()
            assert verified["ok"], verified
    auditor = host(deployment.hosts[0], tmp_path / "auditor")
    with open_trail(auditor) as trail:
        events = recompute(stored_events(trail.app.recorder))
        disclosures = recompute(stored_disclosures(trail.disclosures))
        for log, recomputed in ((EVENTS_LOG, events), (DISCLOSURES_LOG, disclosures)):
            every = trail.disclosures.checkpoints(log)
            assert len(every) > 1
            for checkpoint in every:  # each one a prefix of the same log: no fork
                verify_note(checkpoint.note, trail.vkey)
                assert consistent_with_now(checkpoint, recomputed), (log, checkpoint.size)
        stored = {c.note for c in trail.disclosures.checkpoints(EVENTS_LOG)}
        assert set(notes) <= stored
    kept = tmp_path / "kept.note"
    kept.write_text(notes[0])
    code, out = roundtable("verify", "--data", str(auditor.data), "--database",
                           str(auditor.database), "--checkpoint", str(kept))
    assert code == 0, out
    assert out.startswith("ok: ")


def test_a_web_session_started_on_one_host_is_valid_on_the_other(
    deployment: Deployment,
) -> None:
    import re

    csrf = re.compile(r'name="csrf" value="([^"]+)"')
    with httpx.Client(base_url=deployment.apis[0].url, timeout=30) as on_a:
        form = csrf.search(on_a.get("/login").text)
        assert form is not None
        signed_in = on_a.post("/login", data={"token": deployment.token,
                                              "csrf": form.group(1)}, follow_redirects=False)
        assert signed_in.status_code == 303, signed_in.text
        cookies = dict(on_a.cookies)
    with httpx.Client(base_url=deployment.apis[1].url, timeout=30, cookies=cookies) as on_b:
        page = on_b.get("/cases", follow_redirects=False)
        assert page.status_code == 200, page.text
        assert "Chair" in page.text
        out = csrf.search(page.text)
        assert out is not None
        assert on_b.post("/logout", data={"csrf": out.group(1)},
                         follow_redirects=False).status_code == 303
    with httpx.Client(base_url=deployment.apis[0].url, timeout=30, cookies=cookies) as on_a:
        assert on_a.get("/cases", follow_redirects=False).status_code == 303  # ended on B
