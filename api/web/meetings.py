"""Meetings: the coming ones and those of the last 90 days, one meeting's agenda and
attendance; the chair schedules meetings and records who was present."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from api.deps import ServicesDep
from api.schemas import ReasonIn
from api.schemas_meetings import AttendanceIn, MeetingCreate, MinutesIn
from api.web import forms
from api.web.auth import CheckedForm, SessionDep, WebCaller, WebSession
from api.web.route import WebRoute, page_context, parse_id, render
from domain.errors import InvalidError, NotPermittedError
from domain.rules import Role
from roundtable import overview
from roundtable.context import Caller

router = APIRouter(route_class=WebRoute, include_in_schema=False)


@router.get("/meetings")
def meetings(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
             done: str = "") -> Response:
    return _meetings_page(request, ws, caller, svc, done=done)


def _meetings_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep, *,
                   done: str = "", errors: dict[str, str] | None = None,
                   status_code: int = 200) -> Response:
    if caller.role not in (Role.CHAIR, Role.MEMBER):
        raise NotPermittedError("only chairs and members take part in meetings")
    names = overview.directory(svc.ctx)
    today = svc.ctx.clock().date()
    is_chair = caller.role is Role.CHAIR
    return render(
        request, "meetings.html", status_code, **page_context(ws, caller, names),
        meetings=overview.meetings(svc.ctx, svc.reads, caller, today),
        cases={c["id"]: c for c in svc.reads.cases(caller, endpoint="GET /meetings")},
        today=today.isoformat(),
        schedulable=overview.cases(svc.reads, caller, "open", None, "GET /meetings")
        if is_chair else [],
        may={"schedule": is_chair}, done=done, errors=errors or {})


@router.post("/meetings")
def schedule(request: Request, form: CheckedForm, ws: SessionDep, caller: WebCaller,
             svc: ServicesDep) -> Response:
    try:
        body = forms.validate(MeetingCreate, {"held_on": forms.text(form, "held_on"),
                                              "case_ids": forms.texts(form, "case_ids")})
        created = svc.commands.schedule_meeting(caller, body.held_on, body.case_ids)
    except (forms.FormErrors, InvalidError) as error:
        return _meetings_page(request, ws, caller, svc, errors=forms.errors_of(error),
                              status_code=422)
    return RedirectResponse(f"/meetings/{created.id}?done=scheduled", status_code=303)


@router.get("/meetings/{meeting_id}")
def meeting(request: Request, meeting_id: str, ws: SessionDep, caller: WebCaller,
            svc: ServicesDep, done: str = "") -> Response:
    return _meeting_page(request, ws, caller, svc, parse_id(meeting_id), done=done)


def _meeting_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
                  meeting_id: UUID, *, done: str = "", errors: dict[str, str] | None = None,
                  status_code: int = 200) -> Response:
    names = overview.directory(svc.ctx)
    shown = svc.reads.meeting(caller, meeting_id, "GET /meetings/{id}")
    cases = {c["id"]: c for c in svc.reads.cases(caller, endpoint="GET /meetings/{id}")}
    return render(
        request, "meeting.html", status_code, **page_context(ws, caller, names),
        meeting=shown, present_ids={p["id"] for p in shown["present"]},
        excused_ids={p["id"] for p in shown["excused"]}, cases=cases, done=done,
        errors=errors or {},
        attendable=names.active_people(Role.CHAIR, Role.MEMBER),
        may={"record": caller.role is Role.CHAIR})


@router.post("/meetings/{meeting_id}/attendance")
def attendance(request: Request, meeting_id: str, form: CheckedForm, ws: SessionDep,
               caller: WebCaller, svc: ServicesDep) -> Response:
    meeting_uuid = parse_id(meeting_id)
    try:
        body = forms.validate(AttendanceIn, {"person_ids": forms.texts(form, "person_ids"),
                                             "excused": forms.texts(form, "excused")})
        svc.commands.record_attendance(caller, meeting_uuid, body.person_ids, body.excused)
    except (forms.FormErrors, InvalidError) as error:
        return _meeting_page(request, ws, caller, svc, meeting_uuid, errors=forms.errors_of(error),
                             status_code=422)
    return RedirectResponse(f"/meetings/{meeting_id}?done=attendance", status_code=303)


@router.post("/meetings/{meeting_id}/minutes")
def minutes(request: Request, meeting_id: str, form: CheckedForm, ws: SessionDep,
            caller: WebCaller, svc: ServicesDep) -> Response:
    meeting_uuid = parse_id(meeting_id)
    decisions = [line.strip() for line in forms.text(form, "decisions").splitlines()]
    try:
        body = forms.validate(MinutesIn, {"case_id": forms.text(form, "case_id") or None,
                                          "text": forms.text(form, "text"),
                                          "decisions": [d for d in decisions if d]})
        svc.commands.record_minutes(caller, meeting_uuid, body.case_id, body.text,
                                    body.decisions)
    except (forms.FormErrors, InvalidError) as error:
        return _meeting_page(request, ws, caller, svc, meeting_uuid, errors=forms.errors_of(error),
                             status_code=422)
    return RedirectResponse(f"/meetings/{meeting_id}?done=minutes", status_code=303)


@router.post("/meetings/{meeting_id}/cancel")
def cancel(request: Request, meeting_id: str, form: CheckedForm, ws: SessionDep,
           caller: WebCaller, svc: ServicesDep) -> Response:
    meeting_uuid = parse_id(meeting_id)
    try:
        body = forms.validate(ReasonIn, {"reason": forms.text(form, "reason")})
        svc.commands.cancel_meeting(caller, meeting_uuid, body.reason)
    except forms.FormErrors as error:
        return _meeting_page(request, ws, caller, svc, meeting_uuid, status_code=422,
                             errors={f"cancel_{k}": v for k, v in error.errors.items()})
    return RedirectResponse(f"/meetings/{meeting_id}?done=cancelled", status_code=303)
