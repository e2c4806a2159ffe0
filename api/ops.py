"""Operations: health and readiness, one JSON log line per request, Prometheus metrics.

None of it takes a token. The log line and the metrics name a request by its route template
(`/v1/cases/{case_id}`), never by its path or query string, so no id, name or search text a
caller sent is written anywhere; the person is named by id, once authenticated.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import Services, ServicesDep
from projections.runner import TRACKING_NAME
from roundtable.logs import access_logger

router = APIRouter(tags=["operations"])
_log = access_logger()

NOT_READY: dict[int | str, dict[str, Any]] = {503: {
    "description": "The store does not answer or the views are catching up",
    "content": {"application/json": {"example": {"detail": "the store does not answer"}}},
}}


@router.get("/healthz", summary="Liveness")
async def healthz() -> dict[str, str]:
    """200 while the process runs; touches no store and takes no token."""
    return {"status": "ok"}


@router.get("/readyz", summary="Readiness", responses=NOT_READY)
def readyz(svc: ServicesDep) -> Any:
    """200 once the store answers and the views have caught up with the log, else 503 (take
    the process out of a load balancer's rotation); no token."""
    try:
        head = svc.ctx.app.recorder.max_notification_id() or 0
        position = svc.ctx.catchup.catch_up()
    except Exception as error:  # whatever the store raised: not ready
        _log.warning("not ready", error=type(error).__name__)
        return JSONResponse({"detail": "the store does not answer"}, status_code=503)
    if position < head:
        return JSONResponse({"detail": "the views are catching up with the log"},
                            status_code=503)
    return {"status": "ready"}


class StoreCollector(Collector):
    """Read at each scrape: the log's size, how far the views got, and the lag between."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def collect(self) -> list[Metric]:
        ctx = self.services.ctx
        head = ctx.app.recorder.max_notification_id() or 0
        views = ctx.catchup.store.position(TRACKING_NAME)
        return [
            GaugeMetricFamily("roundtable_log_events", "Events in the log (its head position)",
                              value=head),
            GaugeMetricFamily("roundtable_views_position",
                              "Position of the log the read models have reached", value=views),
            GaugeMetricFamily("roundtable_catchup_lag_events",
                              "Head position minus the read models' position",
                              value=max(head - views, 0)),
        ]


class Metrics:
    """A registry of this app's own (never the process-global one)."""

    def __init__(self, services: Services) -> None:
        self.registry = CollectorRegistry()
        labels = ("method", "route", "status")
        self.requests = Counter("roundtable_http_requests", "HTTP requests answered", labels,
                                registry=self.registry)
        self.seconds = Histogram("roundtable_http_request_duration_seconds",
                                 "Time to answer an HTTP request", labels,
                                 registry=self.registry)
        self.registry.register(StoreCollector(services))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.seconds.labels(method, route, str(status)).observe(seconds)

    def endpoint(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def route_template(scope: Scope) -> str | None:
    """The template of the route that answered (`/v1/cases/{case_id}`); None when none did."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return template if isinstance(template, str) else None


class RequestLog:
    """Pure ASGI middleware: one log line (and, with metrics, one observation) per request,
    whatever answered it: a route, an error handler, or no route at all."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics
        self.log = access_logger()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception the server answers with 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.record(scope, status, time.perf_counter() - started)

    def record(self, scope: Scope, status: int, seconds: float) -> None:
        path = route_template(scope)
        state = scope.get("state") or {}
        self.log.info("request", method=scope["method"], path=path, status=status,
                      ms=round(seconds * 1000, 2), person_id=state.get("person_id"))
        if self.metrics is not None:
            self.metrics.observe(scope["method"], path or "unmatched", status, seconds)


def install(app: FastAPI, *, metrics: bool = False) -> None:
    """Health routes, the request log and (when asked) `/metrics`; call it last, so that the
    request log wraps every other middleware."""
    app.include_router(router)
    observed = Metrics(app.state.services) if metrics else None
    if observed is not None:
        app.add_api_route("/metrics", observed.endpoint, methods=["GET"],
                          include_in_schema=False)
    app.add_middleware(RequestLog, metrics=observed)
