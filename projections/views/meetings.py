"""Meetings: agenda and attendance (which decide the audience of RED given there)."""

from __future__ import annotations

from domain import model
from projections import facts
from projections.views.base import ProjectionBase, handles


class MeetingProjection(ProjectionBase):
    @handles(model.Meeting.Scheduled)
    def _scheduled(self, e: model.Meeting.Scheduled) -> None:
        mid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO meetings VALUES (?, ?, ?, NULL)", (mid, e.held_on, self.position)
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_cases VALUES (?, ?)",
            [(mid, c) for c in facts.ids(e.case_ids)],
        )
        self._refresh_meeting(mid)

    @handles(model.Meeting.AttendanceRecorded)
    def _attendance(self, e: model.Meeting.AttendanceRecorded) -> None:
        mid = str(e.originator_id)
        self.db.execute("UPDATE meetings SET attendance_at=? WHERE id=?", (self.position, mid))
        self.db.execute("DELETE FROM meeting_present WHERE meeting_id=?", (mid,))
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_present VALUES (?, ?)",
            [(mid, p) for p in facts.ids(e.person_ids)],
        )
        self._refresh_meeting(mid)
