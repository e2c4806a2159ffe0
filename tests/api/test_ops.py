"""Health, readiness and metrics, on SQLite and PostgreSQL, in process (API.md v1.1,
"Operations"). The log lines and `serve --metrics` as run by an operator: test_ops_processes.py.
"""

from __future__ import annotations

from eventsourcing.domain import Aggregate
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from api.main import create_app
from tests.conftest import Table


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def test_health_and_readiness_answer_without_a_token(table: Table) -> None:
    assert table.client.get("/healthz").json() == {"status": "ok"}
    ready = table.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_readiness_is_503_when_the_store_does_not_answer_while_health_stays_200(
    table: Table,
) -> None:
    table.built.services.ctx.app.close()  # the event store's connections are gone
    ready = table.client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json() == {"detail": "the store does not answer"}
    assert table.client.get("/healthz").status_code == 200


def test_metrics_are_not_served_unless_asked_for_and_look_like_any_unknown_path(
    table: Table,
) -> None:
    metrics, unknown = table.client.get("/metrics"), table.client.get("/no-such-path")
    assert metrics.status_code == unknown.status_code == 404
    assert metrics.content == unknown.content


def test_metrics_count_requests_by_route_template_and_show_the_catch_up_lag(
    table: Table,
) -> None:
    client = TestClient(create_app(table.built.services, metrics=True))
    case_id = table.case("Subject Name")
    for _ in range(3):
        assert client.get(f"/v1/cases/{case_id}", headers=table.headers()).status_code == 200
    assert client.get("/v1/cases/not-a-uuid", headers=table.headers()).status_code == 422
    assert client.get("/v1/cases", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ctx = table.built.services.ctx
    ctx.app.save(Aggregate())  # an event the views have not seen yet
    head = ctx.app.recorder.max_notification_id()

    scraped = client.get("/metrics")
    assert scraped.status_code == 200
    assert scraped.headers["content-type"].startswith("text/plain")
    samples = _samples(scraped.text)

    def count(route: str, status: str, method: str = "GET") -> float:
        labels = frozenset({"method": method, "route": route, "status": status}.items())
        return samples.get(("roundtable_http_requests_total", labels), 0.0)

    assert count("/v1/cases/{case_id}", "200") == 3
    assert count("/v1/cases/{case_id}", "422") == 1
    assert count("/v1/cases", "401") == 1
    latency = ("roundtable_http_request_duration_seconds_count",
               frozenset({"method": "GET", "route": "/v1/cases/{case_id}", "status": "200"}
                         .items()))
    assert samples[latency] == 3
    assert samples[("roundtable_log_events", frozenset())] == head
    assert samples[("roundtable_catchup_lag_events", frozenset())] == 1
    assert case_id not in scraped.text

    assert client.get("/readyz").status_code == 200  # readiness brings the views up
    again = _samples(client.get("/metrics").text)
    assert again[("roundtable_catchup_lag_events", frozenset())] == 0


def test_the_operations_routes_are_documented(table: Table) -> None:
    paths = table.client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/readyz"} <= set(paths)
    assert "503" in paths["/readyz"]["get"]["responses"]
    assert "/metrics" not in paths
