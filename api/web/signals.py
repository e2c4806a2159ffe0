"""Signals: members and chairs raise a concern (a subject optional); the chair's triage inbox
(accept, decline or refer with a reason); the raiser sees the decision and its reason."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas_signals import SignalCreate, TriageIn
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller, WebSession
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import InvalidError
from domain.rules import Role
from roundtable import overview
from roundtable.context import Caller

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/signals")
def signals(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
            done: str = "") -> Response:
    return _signals_page(request, ws, caller, svc, done=done)


def _signals_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep, *,
                  done: str = "", errors: dict[str, str] | None = None,
                  values: dict[str, str] | None = None, status_code: int = 200) -> Response:
    names = overview.directory(svc.ctx)
    shown = svc.reads.signals(caller, None, "GET /signals")
    return render(request, "signals.html", status_code, **page_context(ws, caller, names),
                  signals=shown, done=done, errors=errors or {}, values=values or {},
                  may={"triage": caller.role is Role.CHAIR})


def _none_if_empty(value: str) -> str | None:
    return value.strip() or None


@router.post("/signals")
def raise_signal(request: Request, form: CheckedForm, ws: SessionDep, caller: WebCaller,
                 svc: ServicesDep) -> Response:
    values = {k: forms.text(form, k) for k in ("name", "birth_year", "title", "concern")}
    data: dict[str, Any] = {"title": _none_if_empty(values["title"]),
                            "concern": values["concern"]}
    if values["name"].strip():
        data["subject"] = {"name": values["name"],
                           "birth_year": _none_if_empty(values["birth_year"])}
    try:
        body = forms.validate(SignalCreate, data)
        subject = body.subject.model_dump() if body.subject is not None else None
        svc.commands.raise_signal(caller, subject, body.title, body.concern)
    except forms.FormErrors as error:
        return _signals_page(request, ws, caller, svc, errors=error.errors, values=values,
                             status_code=422)
    except InvalidError as error:
        return _signals_page(request, ws, caller, svc, values=values, status_code=422,
                             errors={forms.field_of(error): forms.refused(error)})
    return RedirectResponse("/signals?done=signalled", status_code=303)


@router.post("/signals/{signal_id}/triage")
def triage(request: Request, signal_id: str, form: CheckedForm, ws: SessionDep,
           caller: WebCaller, svc: ServicesDep) -> Response:
    signal_uuid = parse_id(signal_id)
    data = {"decision": forms.text(form, "decision"),
            "reason": _none_if_empty(forms.text(form, "reason")),
            "refer_to": _none_if_empty(forms.text(form, "refer_to"))}
    try:
        body = forms.validate(TriageIn, data)
        svc.commands.triage_signal(caller, signal_uuid, body.decision, body.reason, None,
                                   body.refer_to)
    except forms.FormErrors as error:
        return _signals_page(request, ws, caller, svc, errors=_for(signal_id, error.errors),
                             status_code=422)
    except InvalidError as error:
        return _signals_page(request, ws, caller, svc, status_code=422,
                             errors=_for(signal_id, {forms.field_of(error):
                                                     forms.refused(error)}))
    return RedirectResponse("/signals?done=triaged", status_code=303)


def _for(signal_id: str, errors: dict[str, str]) -> dict[str, str]:
    """A triage form's errors, named by the signal whose form it was."""
    return {f"{signal_id}:{name}": message for name, message in errors.items()}
