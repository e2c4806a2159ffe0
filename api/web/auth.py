"""Signing in to the web page: a session cookie, its CSRF token, and the caller behind it.

Web routes authenticate by the session cookie only (never a bearer token); `/v1` by bearer
tokens only. Every state-changing form carries the session's CSRF token; a post without a
valid one is refused (403) before anything else runs.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from starlette.datastructures import FormData

from api.deps import ServicesDep
from roundtable.context import Caller, caller_from_row
from roundtable.sessions import Session

COOKIE = "rt_session"


class SignInRequired(Exception):
    """No session, or the session's person was deactivated: to the sign-in form."""


class CsrfRejected(Exception):
    """A state-changing post without the session's CSRF token."""


@dataclass(frozen=True)
class WebSession:
    cookie: str | None
    session: Session | None


def web_session(request: Request, svc: ServicesDep) -> WebSession:
    cookie = request.cookies.get(COOKIE)
    return WebSession(cookie, svc.sessions.get(cookie))


SessionDep = Annotated[WebSession, Depends(web_session)]


def signed_in(request: Request, ws: SessionDep, svc: ServicesDep) -> Caller:
    """The person of the session, with the views caught up to the log for this request; named
    in the request's log line (api/ops.py)."""
    if ws.session is None or ws.session.person_id is None:
        raise SignInRequired
    svc.ctx.catchup.catch_up()
    row = svc.ctx.queries.person(ws.session.person_id)
    if row is None or row["deactivated_at"] is not None:
        svc.sessions.end(ws.cookie)
        raise SignInRequired
    request.state.person_id = str(row["id"])
    return caller_from_row(row)


WebCaller = Annotated[Caller, Depends(signed_in)]


async def _form(request: Request) -> FormData:
    return await request.form()


def checked_form(ws: SessionDep, form: Annotated[FormData, Depends(_form)]) -> FormData:
    """The posted form, once its CSRF token is the session's."""
    sent = form.get("csrf")
    if ws.session is None or not isinstance(sent, str) or not hmac.compare_digest(
        sent.encode(), ws.session.csrf.encode()
    ):
        raise CsrfRejected
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def set_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def csrf_of(ws: WebSession) -> str:
    return ws.session.csrf if ws.session else ""
