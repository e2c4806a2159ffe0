"""Operations as an operator sees them: the JSON request log on a real `serve`'s stderr,
`serve --metrics`, and readiness while a PostgreSQL deployment's projection worker is down."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from domain.model import Organisation
from roundtable.context import RoundTableApplication
from roundtable.paths import event_store_env
from tests.conftest import postgres_database
from tests.processes import Process, Server, found

pytestmark = pytest.mark.slow

SUBJECT = "Zelda Quintessa Marchbanks"
TEXT = "the neighbours heard shouting on the stairwell"


def _request_lines(stderr: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stderr.splitlines()]  # every line is JSON
    return [line for line in lines if line.get("event") == "request"]


def test_serve_logs_one_json_line_per_request_without_tokens_queries_or_personal_data(
    tmp_path: Path,
) -> None:
    paths, created = found(tmp_path)
    stderr = tmp_path / "serve.stderr"
    server = Server(paths, None, stderr_path=stderr)
    server.start()
    token, chair = created["token"], created["person_id"]
    try:
        with server.client(token) as client:
            case = client.post("/v1/cases", json={"subject": {"name": SUBJECT}}).json()["id"]
            posted = client.post(f"/v1/cases/{case}/contributions",
                                 json={"text": TEXT, "tlp": "AMBER"})
            assert posted.status_code == 201
            assert client.get(f"/v1/cases/{case}").status_code == 200
            assert client.get("/v1/cases", params={"q": SUBJECT}).status_code == 200
            bad = client.post("/v1/cases", json={"subject": {"name": SUBJECT,
                                                             "birth_year": TEXT}})
            assert bad.status_code == 422
        stranger = "not-a-real-token-" + token[:8]
        with server.client(stranger) as client:
            assert client.get(f"/v1/cases/{case}").status_code == 401
            assert client.get(f"/v1/no/{SUBJECT}?q={TEXT}").status_code == 404
    finally:
        server.stop()
    text = stderr.read_text()
    requests = _request_lines(text)
    for secret in (token, token[:8], SUBJECT, "Zelda", TEXT, "shouting", "q="):
        assert secret not in text, secret
    for line in requests:
        assert {"method", "path", "status", "ms", "person_id"} <= set(line)
        assert isinstance(line["ms"], float | int)
        assert line["ms"] >= 0
    seen = [(r["method"], r["path"], r["status"], r["person_id"]) for r in requests]
    assert ("POST", "/v1/cases", 201, chair) in seen
    assert ("POST", "/v1/cases/{case_id}/contributions", 201, chair) in seen
    assert ("GET", "/v1/cases/{case_id}", 200, chair) in seen
    assert ("GET", "/v1/cases", 200, chair) in seen
    assert ("POST", "/v1/cases", 422, chair) in seen
    assert ("GET", "/v1/cases/{case_id}", 401, None) in seen
    assert ("GET", None, 404, None) in seen  # no route: no path at all, never the raw one
    assert not any(case in json.dumps(line) for line in requests)


def test_serve_with_metrics_serves_prometheus_text(tmp_path: Path) -> None:
    paths, created = found(tmp_path)
    server = Server(paths, None, "--metrics")
    server.start()
    try:
        with server.client(created["token"]) as client:
            for _ in range(2):
                assert client.get("/v1/cases").status_code == 200
            scraped = httpx.get(f"{server.url}/metrics", timeout=10)
    finally:
        server.stop()
    assert scraped.status_code == 200
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(scraped.text)
               for s in family.samples}
    labels = (("method", "GET"), ("route", "/v1/cases"), ("status", "200"))
    assert samples[("roundtable_http_requests_total", labels)] == 2
    assert samples[("roundtable_http_request_duration_seconds_count", labels)] == 2
    assert samples[("roundtable_log_events", ())] >= 3  # the founding's events
    assert samples[("roundtable_catchup_lag_events", ())] == 0


def _wait_for(url: str, status: int, seconds: float = 20) -> int:
    deadline = time.monotonic() + seconds
    answer = httpx.get(url, timeout=5).status_code
    while answer != status and time.monotonic() < deadline:
        time.sleep(0.1)
        answer = httpx.get(url, timeout=5).status_code
    return answer


def test_readiness_follows_the_projection_worker_of_a_postgres_deployment(
    tmp_path: Path,
) -> None:
    with postgres_database() as url:
        paths, created = found(tmp_path, url)
        server, worker = Server(paths), Process(paths, "project")
        server.start()
        try:
            assert _wait_for(f"{server.url}/readyz", 200) == 200
            writer = RoundTableApplication(env=event_store_env(paths))  # nobody projects it
            try:
                writer.save(Organisation(id=uuid.uuid4(), name="Late", sector="s",
                                         kind="formal", professional_secrecy=False, actor=None))
            finally:
                writer.close()
            assert httpx.get(f"{server.url}/readyz", timeout=5).status_code == 503
            assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
            worker.start()
            assert _wait_for(f"{server.url}/readyz", 200) == 200
        finally:
            server.stop()
            worker.stop()
