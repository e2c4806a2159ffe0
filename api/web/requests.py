"""Information requests on the case page: an organisation of the case table asks another one
on it (as `POST /v1/cases/{id}/requests`); the asked organisation answers with a contribution
of its own or declines, saying why (as `POST /v1/requests/{id}/answer`).

A refused form shows the case page again (422) with its errors under the form; the forms are
plain posts, so they work with JavaScript off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas_signals import AnswerIn, RequestCreate
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller
from api.web.case_page import case_page
from api.web.route import WebRoute, parse_id
from domain.errors import InvalidError

router = APIRouter(route_class=WebRoute, include_in_schema=False)
DECLINE = "decline"


@router.post("/cases/{case_id}/requests")
def ask(request: Request, case_id: str, form: CheckedForm, ws: SessionDep, caller: WebCaller,
        svc: ServicesDep) -> Response:
    case_uuid = parse_id(case_id)
    try:
        body = forms.validate(RequestCreate, {
            "to_organisation_id": forms.text(form, "to_organisation_id"),
            "question": forms.text(form, "question")})
        svc.commands.ask_request(caller, case_uuid, body.to_organisation_id, body.question)
    except (forms.FormErrors, InvalidError) as error:
        return case_page(request, ws, caller, svc, case_uuid, status_code=422,
                         form_errors={"request": forms.errors_of(error)})
    return RedirectResponse(f"/cases/{case_id}?done=asked#requests-h", status_code=303)


@router.post("/requests/{request_id}/answer")
def answer(request: Request, request_id: str, form: CheckedForm, ws: SessionDep,
           caller: WebCaller, svc: ServicesDep) -> Response:
    """`answer=decline` with a reason, else the contribution chosen."""
    request_uuid = parse_id(request_id)
    case_uuid = parse_id(forms.text(form, "case_id"))  # the page the form was on
    declined = forms.text(form, "answer") == DECLINE
    try:
        body = forms.validate(AnswerIn, {
            "declined": True if declined else None,
            "reason": (forms.text(form, "reason").strip() or None) if declined else None,
            "contribution_id": None if declined else forms.text(form, "contribution_id")})
        if body.declined:
            if body.reason is None:
                raise forms.FormErrors({"reason": forms.REFUSED["reason"]})
            svc.commands.decline_request(caller, request_uuid, body.reason)
        else:
            if body.contribution_id is None:
                raise forms.FormErrors({"contribution_id": forms.REFUSED["contribution_id"]})
            svc.commands.answer_request(caller, request_uuid, body.contribution_id)
    except (forms.FormErrors, InvalidError) as error:
        return case_page(request, ws, caller, svc, case_uuid, status_code=422,
                         form_errors={f"answer:{request_id}": forms.errors_of(error)})
    return RedirectResponse(f"/cases/{case_uuid}?done=request_answered#r-{request_id}",
                            status_code=303)
