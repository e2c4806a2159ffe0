"""The cases pages: my cases, a case, and what can be done there."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas import ActionCreate, OrganisationRef
from api.schemas_cases import CaseCreate
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller, WebSession
from api.web.case_page import case_page
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import InvalidError
from domain.rules import Role
from roundtable import overview
from roundtable.context import Caller

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/cases")
def cases(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
          done: str = "") -> Response:
    return _cases_page(request, ws, caller, svc, done=done)


@router.post("/cases/search")
def search(request: Request, form: CheckedForm, ws: SessionDep, caller: WebCaller,
           svc: ServicesDep) -> Response:
    """A search is posted, so that a name searched for stays out of addresses, browser
    histories and access logs."""
    return _cases_page(request, ws, caller, svc, q=forms.text(form, "q"),
                       status=forms.text(form, "status"))


@router.post("/cases")
def open_case(request: Request, form: CheckedForm, ws: SessionDep, caller: WebCaller,
              svc: ServicesDep) -> Response:
    values = {k: forms.text(form, k) for k in ("name", "birth_year", "summary")}
    try:
        body = forms.validate(CaseCreate, {
            "subject": {"name": values["name"], "birth_year": values["birth_year"] or None},
            "summary": values["summary"] or None})
    except forms.FormErrors as error:
        return _cases_page(request, ws, caller, svc, values=values, errors=error.errors,
                           status_code=422)
    assert body.subject is not None  # the form names a person
    created, _ = svc.commands.open_case(caller, body.subject.name, body.subject.birth_year,
                                        body.summary)
    return RedirectResponse(f"/cases/{created.id}?done=opened", status_code=303)


def _cases_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep, *,
                q: str = "", status: str = "", done: str = "",
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                status_code: int = 200) -> Response:
    names = overview.directory(svc.ctx)
    return render(
        request, "cases.html", status_code, **page_context(ws, caller, names),
        cases=overview.cases(svc.reads, caller, status, q, "GET /cases"), q=q, status=status,
        done=done,
        values=values or {}, errors=errors or {},
        may={"see_cases": caller.role in (Role.CHAIR, Role.MEMBER),
             "open_case": caller.role is Role.CHAIR,
             "see_figures": caller.role is Role.POLICY})


@router.get("/cases/{case_id}")
def case(request: Request, case_id: str, ws: SessionDep, caller: WebCaller,
         svc: ServicesDep, done: str = "") -> Response:
    return case_page(request, ws, caller, svc, parse_id(case_id), done=done)


@router.post("/cases/{case_id}/organisations")
def join(request: Request, case_id: str, form: CheckedForm, caller: WebCaller,
         svc: ServicesDep) -> Response:
    body = forms.validate(OrganisationRef, {"organisation_id": forms.text(form,
                                                                          "organisation_id")})
    svc.commands.join_case(caller, parse_id(case_id), body.organisation_id)
    return RedirectResponse(f"/cases/{case_id}?done=joined", status_code=303)


@router.post("/cases/{case_id}/actions")
def agree_action(request: Request, case_id: str, form: CheckedForm, ws: SessionDep,
                 caller: WebCaller, svc: ServicesDep) -> Response:
    case_uuid = parse_id(case_id)
    try:
        body = forms.validate(ActionCreate, {
            "description": forms.text(form, "description"),
            "assignee_organisation_id": forms.text(form, "assignee_organisation_id"),
            "due_on": forms.text(form, "due_on") or None,
            "based_on": forms.texts(form, "based_on")})
        created = svc.commands.agree_action(caller, case_uuid, body.description,
                                            body.assignee_organisation_id, body.due_on,
                                            body.based_on)
    except (forms.FormErrors, InvalidError) as error:
        return case_page(request, ws, caller, svc, case_uuid, status_code=422,
                         form_errors={"action": forms.errors_of(error)})
    done = "agreed" if created.status == "open" else "proposed"
    return RedirectResponse(f"/cases/{case_id}?done={done}#actions-h", status_code=303)
