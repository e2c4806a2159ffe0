"""What we owe: the open actions of the viewer's organisation (a chair: all), overdue first;
one action's page with its notes and outcome, where the assignee organisation (or a chair)
adds a progress note or reports the outcome, and the chair agrees a member's proposal."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas_actions import ActionNoteIn, ActionOutcomeIn
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller, WebSession
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import InvalidError
from domain.rules import Role
from roundtable import overview
from roundtable.context import Caller

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/actions")
def actions(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
            done: str = "") -> Response:
    found = overview.actions(svc.reads, caller)  # chairs and members: 403 for the others
    names = overview.directory(svc.ctx)
    mine = str(caller.organisation_id)
    return render(request, "actions.html", **page_context(ws, caller, names), actions=found,
                  done=done, completable={a["id"] for a in found
                                          if a["assignee_organisation_id"] == mine
                                          and a["status"] == "open"})


@router.get("/actions/{action_id}")
def action(request: Request, action_id: str, ws: SessionDep, caller: WebCaller,
           svc: ServicesDep, done: str = "") -> Response:
    return _action_page(request, ws, caller, svc, parse_id(action_id), done=done)


def _action_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
                 action_id: UUID, *, done: str = "", errors: dict[str, str] | None = None,
                 status_code: int = 200) -> Response:
    names = overview.directory(svc.ctx)
    shown = svc.reads.action(caller, action_id, "GET /actions/{id}")
    chair = caller.role is Role.CHAIR
    acts = chair or shown["assignee_organisation_id"] == str(caller.organisation_id)
    is_open = shown["status"] == "open"
    return render(request, "action.html", status_code, **page_context(ws, caller, names),
                  action=shown, done=done, errors=errors or {},
                  may={"note": acts and is_open and caller.role is not Role.POLICY,
                       "complete": acts and is_open and caller.role is not Role.POLICY,
                       "agree": chair and shown["status"] == "proposed"})


def _posted(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
            action_id: str, run: Any, done: str) -> Response:
    """Runs a command of the action's page; a refused form shows the page again (422)."""
    action_uuid = parse_id(action_id)
    try:
        run(action_uuid)
    except (forms.FormErrors, InvalidError) as error:
        return _action_page(request, ws, caller, svc, action_uuid, errors=forms.errors_of(error),
                            status_code=422)
    return RedirectResponse(f"/actions/{action_id}?done={done}", status_code=303)


@router.post("/actions/{action_id}/notes")
def note(request: Request, action_id: str, form: CheckedForm, ws: SessionDep,
         caller: WebCaller, svc: ServicesDep) -> Response:
    def run(action_uuid: UUID) -> None:
        body = forms.validate(ActionNoteIn, {"text": forms.text(form, "text")})
        svc.commands.note_action(caller, action_uuid, body.text)

    return _posted(request, ws, caller, svc, action_id, run, "noted")


@router.post("/actions/{action_id}/agree")
def agree(request: Request, action_id: str, form: CheckedForm, ws: SessionDep,
          caller: WebCaller, svc: ServicesDep) -> Response:
    return _posted(request, ws, caller, svc, action_id,
                   lambda action_uuid: svc.commands.agree_proposed_action(caller, action_uuid),
                   "agreed")


@router.post("/actions/{action_id}/complete")
def complete(request: Request, action_id: str, form: CheckedForm, ws: SessionDep,
             caller: WebCaller, svc: ServicesDep) -> Response:
    """The outcome (done when the form names none); from the case page or the actions list a
    plain "completed" button, from the action's page the outcome with its note."""
    case_id = forms.text(form, "case_id")
    if not forms.text(form, "outcome"):
        svc.commands.complete_action(caller, parse_id(action_id))
        back = f"/cases/{parse_id(case_id)}" if case_id else "/actions"  # only our own pages
        return RedirectResponse(f"{back}?done=completed", status_code=303)

    def run(action_uuid: UUID) -> None:
        body = forms.validate(ActionOutcomeIn, {
            "outcome": forms.text(form, "outcome"),
            "note": forms.text(form, "note").strip() or None})
        svc.commands.complete_action(caller, action_uuid, body.outcome, body.note)

    return _posted(request, ws, caller, svc, action_id, run, "completed")
