"""A feedback sheet: its status, the consents by organisation name, the text where the viewer
may read it (as the read function decides), and the consent or refusal of the viewer's
organisation while it is awaited."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas_feedback import FeedbackAnswer, FeedbackCreate
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller, WebSession
from api.web.case_page import case_page
from api.web.i18n import N_
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import InvalidError
from roundtable import overview
from roundtable.context import Caller

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ENDPOINT = "GET /feedback/{id}"
# The one refusal of a draft's text (`InvalidError` naming `text`): the copy check.
COPIED = N_("This text repeats 12 or more consecutive words of a contribution shared as RED "
            "or AMBER: write it in your own words.")


@router.post("/cases/{case_id}/feedback")
def draft(request: Request, case_id: str, form: CheckedForm, ws: SessionDep,
          caller: WebCaller, svc: ServicesDep) -> Response:
    """The chair drafts a sheet for an organisation on the case table (as
    `POST /v1/cases/{id}/feedback`); a refused form shows the case page again (422)."""
    case_uuid = parse_id(case_id)
    try:
        body = forms.validate(FeedbackCreate, {
            "to_organisation_id": forms.text(form, "to_organisation_id"),
            "text": forms.text(form, "text")})
        created = svc.commands.draft_feedback(caller, case_uuid, body.to_organisation_id,
                                              body.text)
    except forms.FormErrors as error:
        return _draft_refused(request, ws, caller, svc, case_uuid, error.errors)
    except InvalidError as error:
        field = forms.field_of(error)
        return _draft_refused(request, ws, caller, svc, case_uuid, {
            field: COPIED if field == "text" else forms.refused(error)})
    return RedirectResponse(f"/feedback/{created.id}?done=drafted", status_code=303)


def _draft_refused(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
                   case_id: UUID, errors: dict[str, str]) -> Response:
    named = {("feedback_text" if k == "text" else k): v for k, v in errors.items()}
    return case_page(request, ws, caller, svc, case_id, status_code=422,
                     form_errors={"feedback": named})


@router.get("/feedback/{feedback_id}")
def feedback(request: Request, feedback_id: str, ws: SessionDep, caller: WebCaller,
             svc: ServicesDep, done: str = "") -> Response:
    return _feedback_page(request, ws, caller, svc, parse_id(feedback_id), done=done)


def _feedback_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
                   feedback_id: UUID, *, done: str = "", errors: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    names = overview.directory(svc.ctx)
    sheet = svc.reads.feedback(caller, feedback_id, ENDPOINT)
    awaited = {o["id"] for o in sheet["awaiting"]}
    return render(request, "feedback.html", status_code, **page_context(ws, caller, names),
                  sheet=sheet, done=done, errors=errors or {},
                  may={"answer": str(caller.organisation_id) in awaited})


@router.post("/feedback/{feedback_id}/consent")
def answer(request: Request, feedback_id: str, form: CheckedForm, ws: SessionDep,
           caller: WebCaller, svc: ServicesDep) -> Response:
    feedback_uuid = parse_id(feedback_id)
    consent = forms.text(form, "answer")
    data = {"consent": {"consent": True, "refuse": False}.get(consent, consent),
            "reason": forms.text(form, "reason").strip() or None}
    try:
        body = forms.validate(FeedbackAnswer, data)
        svc.commands.answer_feedback(caller, feedback_uuid, body.consent, body.reason)
    except forms.FormErrors as error:
        return _feedback_page(request, ws, caller, svc, feedback_uuid, status_code=422,
                              errors={("answer" if k == "consent" else k): v
                                      for k, v in error.errors.items()})
    except InvalidError as error:
        return _feedback_page(request, ws, caller, svc, feedback_uuid, status_code=422,
                              errors={forms.field_of(error): forms.refused(error)})
    return RedirectResponse(f"/feedback/{feedback_id}?done=answered", status_code=303)
