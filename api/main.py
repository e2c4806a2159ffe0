"""The HTTP application: routes, error mapping, and the services it was given."""

from __future__ import annotations

from fastapi import FastAPI

from api import docs, errors, ops
from api.deps import Services
from api.freshness import Freshness
from api.limits import BodySizeLimit
from api.routes import (
    actions,
    audit,
    cases,
    contributions,
    directory,
    feedback,
    figures,
    meetings,
    notices,
    privacy,
    report,
    requests,
    signals,
)
from api.web.app import install as install_web_page


def create_app(services: Services, *, metrics: bool = False) -> FastAPI:
    app = FastAPI(
        title="Round table service",
        version="1",
        description="Partners' round table: per-contribution sharing rules, sealed personal "
        "data, a verifiable audit trail. The reference is docs/API.md in the repository.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    recorder = services.ctx.app.recorder
    app.state.freshness = Freshness(services.ctx.catchup,
                                    head=lambda: recorder.max_notification_id() or 0)
    app.add_middleware(BodySizeLimit)
    errors.install(app)
    docs.install(app)
    for module in (directory, cases, contributions, meetings, privacy, audit, actions, signals,
                   requests, notices, feedback, report, figures):
        app.include_router(module.router)
    install_web_page(app)  # the web page: /, /login, /cases..., /static
    ops.install(app, metrics=metrics)  # last: its request log wraps every middleware
    return app
