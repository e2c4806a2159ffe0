"""Meetings the caller may see, their agenda and attendance, and the minutes the permitted view
grants the caller.

Who may see a meeting is a query (`_MEETING_VISIBLE`): every chair; a member who was present
or excused, whose organisation sits on the case table of a case on the agenda (not erased), or
any member for a network meeting. Auditors and policy people see none. Who may read minutes is
the rows the projector wrote from `may_read_minutes`: nothing is filtered here by hand.
"""

from __future__ import annotations

from uuid import UUID

from domain.rules import PersonFacts
from projections.query_base import _CASE_VISIBLE, QueryBase, Row, _dicts, _one, _scope
from projections.views.meetings import on_an_earlier_agenda

_MEETING_VISIBLE = (
    "(:confirmed=1 AND (:role='chair' OR (:role='member' AND (d.kind='network' "
    "OR EXISTS (SELECT 1 FROM meeting_present p WHERE p.meeting_id=m.id "
    "AND p.person_id=:person) "
    "OR EXISTS (SELECT 1 FROM meeting_excused x WHERE x.meeting_id=m.id "
    "AND x.person_id=:person) "
    "OR EXISTS (SELECT 1 FROM meeting_cases mc JOIN cases c ON c.id=mc.case_id "
    "JOIN case_organisations t ON t.case_id=c.id WHERE mc.meeting_id=m.id "
    "AND c.status!='erased' AND t.organisation_id=:org)))))"
)
_MEETING_COLUMNS = (
    "m.id, m.held_on, m.attendance_at, COALESCE(d.kind, 'case') AS kind, d.starts_at, "
    "d.place, d.cancel_reason, COALESCE(d.status, CASE WHEN m.attendance_at IS NULL THEN 'planned' "
    "ELSE 'held' END) AS status"
)
_MEETINGS = "meetings m LEFT JOIN meeting_details d ON d.meeting_id=m.id"
_PEOPLE = (
    "SELECT u.id, u.name, u.organisation_id, o.name AS organisation_name FROM {table} a "
    "JOIN people u ON u.id=a.person_id JOIN organisations o ON o.id=u.organisation_id "
    "WHERE a.meeting_id=? ORDER BY u.name, u.id"
)


def _viewer(person: PersonFacts) -> dict[str, object]:
    return {**_scope(person), "person": str(person.id)}


def _bounds(start: str | None, end: str | None) -> tuple[str, dict[str, str]]:
    """The `held_on` bounds as SQL (left out when absent, so no parameter is an untyped NULL)."""
    clauses, params = ["TRUE"], {}
    if start is not None:
        clauses.append("m.held_on>=:start")
        params["start"] = start
    if end is not None:
        clauses.append("m.held_on<=:end")
        params["end"] = end
    return " AND ".join(clauses), params


class MeetingQueries(QueryBase):
    def meeting_for(self, person: PersonFacts, meeting_id: UUID) -> Row | None:
        return _one(self.db.execute(
            f"SELECT {_MEETING_COLUMNS} FROM {_MEETINGS} WHERE m.id=:mid AND {_MEETING_VISIBLE}",
            {**_viewer(person), "mid": str(meeting_id)}).fetchone())

    def meetings_for(self, person: PersonFacts, start: str | None, end: str | None) -> list[Row]:
        """The meetings the person may see held between the bounds (inclusive), oldest first."""
        bounds, params = _bounds(start, end)
        return _dicts(self.db.execute(
            f"SELECT {_MEETING_COLUMNS} FROM {_MEETINGS} WHERE {bounds} AND {_MEETING_VISIBLE} "
            "ORDER BY m.held_on, d.starts_at, m.since",
            {**_viewer(person), **params}))

    def agenda_for(self, person: PersonFacts, meeting_id: UUID) -> list[Row]:
        """The agenda items of the meeting, with only the cases the person may see."""
        return self._agendas(person, "m.id=:mid", {"mid": str(meeting_id)}).get(
            str(meeting_id), [])

    def agendas_for(
        self, person: PersonFacts, start: str | None, end: str | None
    ) -> dict[str, list[Row]]:
        """The agenda items of the meetings held between the bounds, by meeting id."""
        return self._agendas(person, *_bounds(start, end))

    def _agendas(self, person: PersonFacts, where: str, params: dict[str, str]) -> dict[
        str, list[Row]
    ]:
        rows = self.db.execute(
            "SELECT i.meeting_id, i.case_id, i.item, c.reference FROM meetings m "
            "JOIN meeting_items i ON i.meeting_id=m.id JOIN cases c ON c.id=i.case_id "
            f"WHERE {where} AND {_CASE_VISIBLE} ORDER BY i.meeting_id, i.ord",
            {**_scope(person), **params})
        found: dict[str, list[Row]] = {}
        for row in rows:
            found.setdefault(row["meeting_id"], []).append(dict(row))
        return found

    def present(self, meeting_id: UUID) -> list[Row]:
        """The people recorded present, with their organisation's name."""
        return _dicts(self.db.execute(_PEOPLE.format(table="meeting_present"),
                                      (str(meeting_id),)))

    def excused(self, meeting_id: UUID) -> list[Row]:
        return _dicts(self.db.execute(_PEOPLE.format(table="meeting_excused"),
                                      (str(meeting_id),)))

    def minutes_for(self, person: PersonFacts, meeting_id: UUID) -> list[Row]:
        """The minutes items of the meeting the permitted view grants the person."""
        return _dicts(self.db.execute(
            "SELECT n.id, n.meeting_id, n.case_id, n.text, n.decisions FROM minutes_permitted r "
            "JOIN minutes n ON n.id=r.minutes_id WHERE r.person_id=? AND r.meeting_id=? "
            "ORDER BY n.recorded_at", (str(person.id), str(meeting_id))))

    def minutes_readers(self, minutes_id: UUID) -> set[str]:
        """Everyone the permitted view lets read the minutes item."""
        return {r[0] for r in self.db.execute(
            "SELECT person_id FROM minutes_permitted WHERE minutes_id=?", (str(minutes_id),))}

    def meeting_agenda(self, meeting_id: UUID) -> list[str] | None:
        """The case ids on a meeting's agenda (None: no such meeting); no visibility check."""
        if self.db.execute("SELECT 1 FROM meetings WHERE id=?",
                           (str(meeting_id),)).fetchone() is None:
            return None
        return [r[0] for r in self.db.execute(
            "SELECT case_id FROM meeting_cases WHERE meeting_id=?", (str(meeting_id),))]

    def on_an_earlier_agenda(self, case_id: UUID, held_on: str) -> bool:
        return on_an_earlier_agenda(self.db, str(case_id), held_on)

