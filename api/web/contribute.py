"""The contribution form and its audience preview: who will see it and who may act on it,
by name, before anything is posted."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas import ContributionCreate
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller
from api.web.case_page import case_page, preview, preview_texts
from api.web.route import WebRoute, parse_id, render
from domain.errors import InvalidError
from roundtable.commands import parse_rule

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.post("/cases/{case_id}/contributions")
def contribute(request: Request, case_id: str, form: CheckedForm, ws: SessionDep,
               caller: WebCaller, svc: ServicesDep) -> Response:
    """"Preview" shows the form again with its audience, storing nothing; "Contribute"
    makes the contribution, as `POST /v1/cases/{id}/contributions` does."""
    case_uuid = parse_id(case_id)
    values = forms.form_values(form)
    if forms.text(form, "intent") == "preview":
        return case_page(request, ws, caller, svc, case_uuid, values=values)
    try:
        body = forms.validate(ContributionCreate, {**forms.rule_data(values),
                                                   "text": values["text"]})
        rule = parse_rule(body.model_dump(mode="json", exclude={"text"}))
        created = svc.commands.contribute(caller, case_uuid, body.text, rule)
    except forms.FormErrors as error:
        return case_page(request, ws, caller, svc, case_uuid, status_code=422, values=values,
                         errors=error.errors)
    except InvalidError as error:
        return case_page(request, ws, caller, svc, case_uuid, status_code=422, values=values,
                         errors={forms.field_of(error): forms.refused(error)})
    return RedirectResponse(f"/cases/{case_id}?done=contributed#c-{created.id}",
                            status_code=303)


@router.get("/cases/{case_id}/audience")
def audience(request: Request, case_id: str, caller: WebCaller,
             svc: ServicesDep) -> Response:
    """The audience list alone, for the form's script to show as the fields change."""
    values = forms.form_values(request.query_params)
    return render(request, "_audience.html",
                  audience=preview(svc, caller, parse_id(case_id), values), **preview_texts())


@router.post("/contributions/{contribution_id}/withdraw")
def withdraw(contribution_id: str, form: CheckedForm, caller: WebCaller,
             svc: ServicesDep) -> Response:
    svc.commands.withdraw(caller, parse_id(contribution_id))
    back = parse_id(forms.text(form, "case_id"))  # the page the form was on
    return RedirectResponse(f"/cases/{back}?done=withdrawn", status_code=303)
