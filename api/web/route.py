"""What every web route shares: the page context, and domain errors as HTML pages.

A hidden thing and a missing thing get the same 404 page, byte for byte (as in the JSON API).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from api.web.auth import CsrfRejected, SignInRequired, WebSession, csrf_of
from api.web.i18n import N_
from api.web.render import Pages
from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.rules import Role
from roundtable.context import Caller
from roundtable.overview import Directory

# (path, label) of the pages each role has.
NAV: dict[Role, list[tuple[str, str]]] = {
    Role.CHAIR: [("/cases", N_("Cases")), ("/meetings", N_("Meetings")),
                 ("/actions", N_("Actions")), ("/signals", N_("Signals")),
                 ("/policy", N_("Policy")), ("/audit", N_("Audit"))],
    Role.MEMBER: [("/cases", N_("Cases")), ("/meetings", N_("Meetings")),
                  ("/actions", N_("Actions")), ("/signals", N_("Signals"))],
    Role.AUDITOR: [("/audit", N_("Audit"))],
    Role.POLICY: [("/policy", N_("Policy"))],
}
HOME = {Role.CHAIR: "/cases", Role.MEMBER: "/cases", Role.AUDITOR: "/audit",
        Role.POLICY: "/policy"}

ERRORS: dict[int, tuple[str, str]] = {
    403: (N_("Not allowed"), N_("Your role or organisation may not do this.")),
    404: (N_("Not found"), N_("There is no such page, or it is not shared with you.")),
    409: (N_("Not possible now"),
          N_("This cannot be done in the current state (it may have been done already).")),
    422: (N_("Not accepted"), N_("Some of what was sent was not valid; nothing was changed.")),
}
CSRF_ERROR = (N_("Form expired"),
              N_("This form is no longer valid (it was not sent from this page, or the session "
                 "ended). Nothing was changed: go back, reload the page and try again."))


def pages(request: Request) -> Pages:
    found: Pages = request.app.state.web_pages
    return found


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Response:
    return pages(request).render(request, template, context, status_code)


def page_context(ws: WebSession, caller: Caller, names: Directory) -> dict[str, Any]:
    """What the layout shows every signed-in person: who they are, their pages, the CSRF
    token of the sign-out form."""
    return {
        "me": {"id": str(caller.id), "name": caller.name, "role": caller.role.value,
               "organisation": names.organisation(str(caller.organisation_id))},
        "nav": NAV[caller.role],
        "csrf": csrf_of(ws),
        "names": names,
    }


def parse_id(value: str) -> UUID:
    """A path id; a malformed one is as missing as an unknown one."""
    try:
        return UUID(value)
    except ValueError:
        raise NotFoundError("not found") from None


def error_page(request: Request, status: int, texts: tuple[str, str] | None = None) -> Response:
    title, message = texts or ERRORS[status]
    return render(request, "error.html", status, title=title, message=message)


class WebRoute(APIRoute):
    """Domain errors become HTML pages; a missing session becomes the sign-in form."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired:
                return RedirectResponse("/login", status_code=303)
            except CsrfRejected:
                return error_page(request, 403, CSRF_ERROR)
            except NotFoundError:
                return error_page(request, 404)
            except NotPermittedError:
                return error_page(request, 403)
            except ConflictError:
                return error_page(request, 409)
            except (InvalidError, RequestValidationError):
                return error_page(request, 422)

        return guarded
