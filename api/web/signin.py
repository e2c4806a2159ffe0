"""Sign in with a token, sign out; `/` leads to the person's first page."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.web.auth import COOKIE, CheckedForm, SessionDep, WebSession, set_cookie, signed_in
from api.web.i18n import N_
from api.web.route import HOME, WebRoute, render
from roundtable.context import Unauthenticated

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/")
def home(request: Request, ws: SessionDep, svc: ServicesDep) -> Response:
    if ws.session is None or ws.session.person_id is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME[signed_in(request, ws, svc).role], status_code=303)


@router.get("/login")
def login_form(request: Request, ws: SessionDep, svc: ServicesDep) -> Response:
    if ws.session is not None and ws.session.person_id is not None:
        return RedirectResponse("/", status_code=303)
    return _form(request, ws, svc, error=None, status_code=200)


@router.post("/login")
def login(request: Request, form: CheckedForm, ws: SessionDep, svc: ServicesDep) -> Response:
    token = form.get("token")
    try:
        caller = svc.ctx.authenticate(token.strip() if isinstance(token, str) else None)
    except Unauthenticated:
        return _form(request, ws, svc, N_("This token is not valid. Check it and try again."),
                     status_code=401)
    svc.sessions.end(ws.cookie)  # a new id once signed in: no fixation of a known id
    session_id, _ = svc.sessions.start(caller.id)
    response = RedirectResponse("/cases", status_code=303)
    set_cookie(request, response, session_id)
    return response


@router.post("/logout")
def logout(form: CheckedForm, ws: SessionDep, svc: ServicesDep) -> Response:
    svc.sessions.end(ws.cookie)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _form(request: Request, ws: WebSession, svc: ServicesDep, error: str | None,
          status_code: int) -> Response:
    """The sign-in form, with a session of its own for its CSRF token."""
    cookie, session = ws.cookie, ws.session
    if session is None:
        cookie, session = svc.sessions.start(None)
    response = render(request, "login.html", status_code, csrf=session.csrf, error=error,
                      signed_out=request.query_params.get("signed_out") == "1")
    if cookie is not None and cookie != ws.cookie:
        set_cookie(request, response, cookie)
    return response
