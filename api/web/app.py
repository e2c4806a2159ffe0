"""Mounting the web page on the application: its routers, its assets, its headers."""


from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import (
    actions,
    audit,
    cases,
    contribute,
    feedback,
    meetings,
    policy,
    requests,
    signals,
    signin,
)
from api.web.headers import SecurityHeaders
from api.web.render import Pages
from api.web.texts import (
    ACTION_STATUSES,
    CASE_STATUSES,
    DONE,
    FEEDBACK_STATUSES,
    NOTE_KINDS,
    ROLES,
    SIGNAL_STATUSES,
)

STATIC = Path(__file__).parent / "static"
ROUTERS = (signin, cases, contribute, requests, meetings, actions, audit, signals, feedback,
           policy)


def install(app: FastAPI) -> None:
    pages = Pages()
    for env in pages.environments.values():
        env.globals.update(roles=ROLES, statuses=CASE_STATUSES, messages=DONE,
                           signal_statuses=SIGNAL_STATUSES,
                           feedback_statuses=FEEDBACK_STATUSES,
                           action_statuses=ACTION_STATUSES, note_kinds=NOTE_KINDS)
    app.state.web_pages = pages
    for module in ROUTERS:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
