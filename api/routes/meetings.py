"""Meetings of the round table: agenda, attendance, cancellation and minutes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep, Since, Until
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ReasonIn
from api.schemas_meetings import AttendanceIn, MeetingCreate, MinutesIn
from domain.meetings_rules import AgendaItem, MeetingKind

router = v1_router("meetings")


@router.post("/meetings", status_code=201)
def schedule_meeting(body: MeetingCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Plan a case meeting with its agenda, or a network meeting without cases (chair)."""
    agenda = [(a.case_id, AgendaItem(a.item)) for a in body.agenda] if body.agenda else None
    created = svc.commands.schedule_meeting(
        caller, body.held_on, body.case_ids, kind=MeetingKind(body.kind),
        starts_at=body.starts_at, place=body.place, agenda=agenda,
    )
    return {"id": str(created.id), "position": created.position}


@router.get("/meetings", dependencies=[Fresh], responses=WAITS)
def meetings(
    svc: ServicesDep,
    caller: CallerDep,
    start: Since = None,
    end: Until = None,
) -> list[dict[str, Any]]:
    """The meetings the caller may see held between `from` and `to` (inclusive), oldest first
    (chair, member)."""
    return svc.reads.meetings(caller, start, end)


@router.get("/meetings/{meeting_id}", dependencies=[Fresh], responses=WAITS)
def meeting(meeting_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """A meeting with its agenda, attendance and the minutes the caller may read (chairs;
    members present, excused or whose organisation is on a case of its agenda; any member for
    a network meeting)."""
    return svc.reads.meeting(caller, meeting_id, "GET /v1/meetings/{id}")


@router.post("/meetings/{meeting_id}/attendance")
def record_attendance(
    meeting_id: UUID, body: AttendanceIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Record the complete lists of the people present and excused (chair)."""
    return {"position": svc.commands.record_attendance(caller, meeting_id, body.person_ids,
                                                       body.excused)}


@router.post("/meetings/{meeting_id}/cancel")
def cancel_meeting(
    meeting_id: UUID, body: ReasonIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Cancel a meeting that was not held, with a reason, sealed at rest (chair)."""
    return {"position": svc.commands.cancel_meeting(caller, meeting_id, body.reason)}


@router.post("/meetings/{meeting_id}/minutes", status_code=201)
def record_minutes(
    meeting_id: UUID, body: MinutesIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Minutes and decisions of one agenda item, or of the meeting as a whole (chair); read by
    chairs and the people present only."""
    created = svc.commands.record_minutes(caller, meeting_id, body.case_id, body.text,
                                          body.decisions)
    return {"id": str(created.id), "position": created.position}
