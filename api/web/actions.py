"""What we owe: the open actions of the viewer's organisation (a chair: all), overdue first."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import NotPermittedError
from domain.rules import Role
from roundtable import overview

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/actions")
def actions(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
            done: str = "") -> Response:
    if caller.role not in (Role.CHAIR, Role.MEMBER):
        raise NotPermittedError("only chairs and members have actions")
    names = overview.directory(svc.ctx)
    found = overview.actions(svc.reads, caller, svc.ctx.clock().date())
    mine = str(caller.organisation_id)
    return render(request, "actions.html", **page_context(ws, caller, names), actions=found,
                  done=done, completable={a["id"] for a in found
                                          if a["assignee_organisation_id"] == mine})


@router.post("/actions/{action_id}/complete")
def complete(action_id: str, form: CheckedForm, caller: WebCaller,
             svc: ServicesDep) -> Response:
    svc.commands.complete_action(caller, parse_id(action_id))
    case_id = forms.text(form, "case_id")
    back = f"/cases/{parse_id(case_id)}" if case_id else "/actions"  # only our own pages
    return RedirectResponse(f"{back}?done=completed", status_code=303)
