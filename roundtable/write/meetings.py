"""Meetings of the round table: the agenda and who was present."""

from __future__ import annotations

import uuid
from datetime import date
from uuid import UUID

from domain.errors import NotFoundError
from domain.ids import Position
from domain.model import Meeting
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


class MeetingCommands(WritePath):
    def schedule_meeting(self, caller: Caller, held_on: date, case_ids: list[UUID]) -> Created:
        require_chair(caller)
        self._check_exist("cases", "case_ids", case_ids)
        meeting = Meeting(id=uuid.uuid4(), held_on=held_on.isoformat(),
                          case_ids=list(dict.fromkeys(case_ids)), actor=caller.id)
        return Created(meeting.id, self.ctx.save(meeting))

    def record_attendance(
        self, caller: Caller, meeting_id: UUID, person_ids: list[UUID]
    ) -> Position:
        self.ctx.catchup.catch_up()
        if self.ctx.queries.meeting_for(caller.facts, meeting_id) is None:
            raise NotFoundError("no such meeting")
        require_chair(caller)
        self.ctx.get(meeting_id, Meeting)
        self._check_exist("people", "person_ids", person_ids)

        def attempt() -> Position:
            meeting: Meeting = self.ctx.get(meeting_id, Meeting)
            meeting.record_attendance(list(dict.fromkeys(person_ids)), caller.id)
            return self.ctx.save(meeting)

        return self.ctx.retrying(attempt)
