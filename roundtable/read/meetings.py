"""Meetings the caller may see."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFoundError
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class MeetingReads(ReadPath):
    def meeting(self, caller: Caller, meeting_id: UUID) -> Json:
        found = self.ctx.queries.meeting_for(caller.facts, meeting_id)
        if found is None:
            raise NotFoundError("no such meeting")
        return found
