"""Meetings of the round table and who was present."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import AttendanceIn, MeetingCreate

router = v1_router("meetings")


@router.post("/meetings", status_code=201)
def schedule_meeting(body: MeetingCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Schedule a meeting with the cases on its agenda (chair)."""
    created = svc.commands.schedule_meeting(caller, body.held_on, body.case_ids)
    return {"id": str(created.id), "position": created.position}


@router.post("/meetings/{meeting_id}/attendance")
def record_attendance(
    meeting_id: UUID, body: AttendanceIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Record the complete list of people present (chair)."""
    return {"position": svc.commands.record_attendance(caller, meeting_id, body.person_ids)}


@router.get("/meetings/{meeting_id}", dependencies=[Fresh], responses=WAITS)
def meeting(meeting_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """A meeting (chairs; members present or whose organisation is on a case of its agenda)."""
    return svc.reads.meeting(caller, meeting_id)
