"""Meetings: agenda, attendance (which decides the audience of RED given there), cancellation,
and minutes with their permitted view (one row per person who may read a minutes item).

`meetings`, `meeting_cases` and `meeting_present` keep their v1 meaning (the RED rule reads
them; excused people are not in `meeting_present`). What v1.1 adds lives in tables of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from domain import model
from domain.ids import CaseId, MeetingId, PersonId
from domain.meetings_rules import (
    MinutesFacts,
    MinutesId,
    derived_item,
    may_read_minutes,
    meeting_status,
)
from projections import facts
from projections.db import Db
from projections.views.base import ProjectionBase, _str, handles

TABLES = """
CREATE INDEX IF NOT EXISTS meetings_held_on ON meetings(held_on);
CREATE TABLE IF NOT EXISTS meeting_details (
    meeting_id TEXT PRIMARY KEY, kind TEXT NOT NULL, starts_at TEXT, place TEXT,
    status TEXT NOT NULL, cancelled_at INTEGER, cancel_reason TEXT);
CREATE TABLE IF NOT EXISTS meeting_items (
    meeting_id TEXT NOT NULL, case_id TEXT NOT NULL, item TEXT NOT NULL, ord INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, case_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meeting_excused (
    meeting_id TEXT NOT NULL, person_id TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS meeting_excused_person ON meeting_excused(person_id);
CREATE TABLE IF NOT EXISTS minutes (
    id TEXT PRIMARY KEY, meeting_id TEXT NOT NULL, case_id TEXT, text TEXT, decisions TEXT,
    recorded_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS minutes_meeting ON minutes(meeting_id, recorded_at);
CREATE INDEX IF NOT EXISTS minutes_case ON minutes(case_id);
CREATE TABLE IF NOT EXISTS minutes_permitted (
    person_id TEXT NOT NULL, minutes_id TEXT NOT NULL, meeting_id TEXT NOT NULL,
    PRIMARY KEY (person_id, minutes_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS minutes_permitted_item ON minutes_permitted(minutes_id);
CREATE INDEX IF NOT EXISTS minutes_permitted_meeting ON minutes_permitted(meeting_id);
"""


def on_an_earlier_agenda(db: Db, case_id: str, held_on: str) -> bool:
    """Had an earlier-dated meeting that is not cancelled the case on its agenda?"""
    return db.execute(
        "SELECT 1 FROM meeting_cases mc JOIN meetings m ON m.id=mc.meeting_id "
        "LEFT JOIN meeting_details d ON d.meeting_id=m.id "
        "WHERE mc.case_id=? AND m.held_on<? AND COALESCE(d.status, 'planned')!='cancelled' "
        "LIMIT 1", (case_id, held_on)).fetchone() is not None


def minutes_facts(db: Db, where: str, params: Sequence[Any] = ()) -> list[MinutesFacts]:
    """The facts `may_read_minutes` reads, for the minutes items matching `where` (on `n`)."""
    rows = db.execute(
        "SELECT n.id, n.meeting_id, n.case_id, c.erased_at FROM minutes n "
        f"LEFT JOIN cases c ON c.id=n.case_id WHERE {where}", params).fetchall()
    present: dict[str, frozenset[PersonId]] = {}
    for meeting_id in {r["meeting_id"] for r in rows}:
        present[meeting_id] = frozenset(PersonId(UUID(p[0])) for p in db.execute(
            "SELECT person_id FROM meeting_present WHERE meeting_id=?", (meeting_id,)))
    return [
        MinutesFacts(
            id=MinutesId(UUID(r["id"])),
            meeting_id=MeetingId(UUID(r["meeting_id"])),
            case_id=CaseId(UUID(r["case_id"])) if r["case_id"] is not None else None,
            present=present[r["meeting_id"]],
            case_erased=r["erased_at"] is not None,
        )
        for r in rows
    ]


class MeetingProjection(ProjectionBase):
    SCHEMA = TABLES

    @handles(model.Meeting.Scheduled)
    def _meeting_scheduled(self, e: model.Meeting.Scheduled) -> None:
        mid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO meetings VALUES (?, ?, ?, NULL)", (mid, e.held_on, self.position)
        )
        case_ids = list(dict.fromkeys(facts.ids(e.case_ids)))
        items = e.items or [derived_item(on_an_earlier_agenda(self.db, c, e.held_on)).value
                            for c in case_ids]  # a v1 meeting: derived as v1's case_ids are
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_cases VALUES (?, ?)", [(mid, c) for c in case_ids]
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_items VALUES (?, ?, ?, ?)",
            [(mid, c, item, i) for i, (c, item) in enumerate(zip(case_ids, items, strict=True))],
        )
        self.db.execute(
            "INSERT INTO meeting_details VALUES (?, ?, ?, ?, ?, NULL, NULL)",
            (mid, e.kind, e.starts_at, e.place, meeting_status(False, False).value),
        )
        self._refresh_meeting(mid)

    @handles(model.Meeting.AttendanceRecorded)
    def _meeting_attendance(self, e: model.Meeting.AttendanceRecorded) -> None:
        mid = str(e.originator_id)
        self.db.execute("UPDATE meetings SET attendance_at=? WHERE id=?", (self.position, mid))
        self.db.execute("UPDATE meeting_details SET status=? WHERE meeting_id=?",
                        (meeting_status(True, False).value, mid))
        self.db.execute("DELETE FROM meeting_present WHERE meeting_id=?", (mid,))
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_present VALUES (?, ?)",
            [(mid, p) for p in facts.ids(e.person_ids)],
        )
        self.db.execute("DELETE FROM meeting_excused WHERE meeting_id=?", (mid,))
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_excused VALUES (?, ?)",
            [(mid, p) for p in facts.ids(e.excused)],
        )
        self._refresh_meeting(mid)
        self._refresh_minutes("n.meeting_id=?", (mid,))

    @handles(model.Meeting.Cancelled)
    def _meeting_cancelled(self, e: model.Meeting.Cancelled) -> None:
        self.db.execute(
            "UPDATE meeting_details SET status=?, cancelled_at=?, cancel_reason=? "
            "WHERE meeting_id=?",
            (meeting_status(False, True).value, self.position, e.reason, str(e.originator_id)),
        )

    @handles(model.Meeting.MinutesRecorded)
    def _minutes_recorded(self, e: model.Meeting.MinutesRecorded) -> None:
        nid = str(e.minutes_id)
        self.db.execute(
            "INSERT INTO minutes VALUES (?, ?, ?, ?, ?, ?)",
            (nid, str(e.originator_id), _str(e.case_id), e.text, e.decisions, self.position),
        )
        self._refresh_minutes("n.id=?", (nid,))

    @handles(model.Person.Registered, model.Person.Deactivated)
    def _minutes_person(self, e: model.Person.Registered | model.Person.Deactivated) -> None:
        pid = str(e.originator_id)
        self.db.execute("DELETE FROM minutes_permitted WHERE person_id=?", (pid,))
        self._grant(minutes_facts(self.db, "TRUE"), "id=?", (pid,))

    @handles(model.Case.Erased)
    def _minutes_case_erased(self, e: model.Case.Erased) -> None:
        """Crypto-shredded with the case: the sealed text goes too, and every reader."""
        case_id = str(e.originator_id)
        self.db.execute("UPDATE minutes SET text=NULL, decisions=NULL WHERE case_id=?",
                        (case_id,))
        self._refresh_minutes("n.case_id=?", (case_id,))

    # --- the permitted view of minutes

    def _refresh_minutes(self, where: str, params: Sequence[Any]) -> None:
        """Recompute every row of the minutes items matching `where`."""
        scope = minutes_facts(self.db, where, params)
        self.db.executemany("DELETE FROM minutes_permitted WHERE minutes_id=?",
                            [(str(m.id),) for m in scope])
        self._grant(scope, "TRUE", ())

    def _grant(self, scope: list[MinutesFacts], who: str, params: Sequence[Any]) -> None:
        """Insert the rows `may_read_minutes` grants for `scope` x the people matching `who`."""
        if not scope:
            return
        people = facts.people(self.db, who, params)
        self.db.executemany(
            "INSERT INTO minutes_permitted VALUES (?, ?, ?)",
            [(str(p.id), str(m.id), str(m.meeting_id))
             for m in scope for p in people if may_read_minutes(p, m)],
        )
