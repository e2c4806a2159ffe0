"""The HTTP application: routes, error mapping, and the services it was given."""

from __future__ import annotations

from fastapi import FastAPI

from api import errors, ops
from api.deps import Services
from api.routes import audit, cases, contributions, directory, meetings, privacy


def create_app(services: Services, *, metrics: bool = False) -> FastAPI:
    app = FastAPI(
        title="Round table service",
        version="1",
        description="Partners' round table: per-contribution sharing rules, sealed personal "
        "data, a verifiable audit trail. See API.md for the contract.",
    )
    app.state.services = services
    errors.install(app)
    for module in (directory, cases, contributions, meetings, privacy, audit):
        app.include_router(module.router)
    ops.install(app, metrics=metrics)  # last: its request log wraps every middleware
    return app
