"""The HTTP application: routes, error mapping, and the services it was given."""

from __future__ import annotations

from fastapi import FastAPI

from api import errors
from api.deps import Services
from api.routes import audit, cases, contributions, directory, feedback, meetings, privacy, report
from api.web.app import install as install_web_page


def create_app(services: Services) -> FastAPI:
    app = FastAPI(
        title="Round table service",
        version="1",
        description="Partners' round table: per-contribution sharing rules, sealed personal "
        "data, a verifiable audit trail. See API.md for the contract.",
    )
    app.state.services = services
    errors.install(app)
    for module in (directory, cases, contributions, meetings, privacy, audit, feedback, report):
        app.include_router(module.router)
    install_web_page(app)  # the web page: /, /login, /cases..., /static
    return app
