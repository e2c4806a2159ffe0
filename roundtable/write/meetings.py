"""Meetings of the round table: the agenda, who was present or excused, cancellation, minutes.

A meeting has a data key of its own in the case key store, for what belongs to no case: its
place, the reason it was cancelled, the minutes of the meeting as a whole. Minutes of an agenda
item are sealed with that case's key, so that erasing the case shreds them too.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import InvalidError, NotFoundError
from domain.ids import Position
from domain.meetings_rules import AgendaItem, MeetingKind, attendance_problem, derived_item
from domain.model import Meeting
from domain.rules import Role
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair

Agenda = list[tuple[UUID, AgendaItem]]


class MeetingCommands(WritePath):
    def schedule_meeting(
        self,
        caller: Caller,
        held_on: date,
        case_ids: list[UUID] | None = None,
        *,
        kind: MeetingKind = MeetingKind.CASE,
        starts_at: str | None = None,
        place: str | None = None,
        agenda: Agenda | None = None,
    ) -> Created:
        """Plan a meeting: a case meeting with its agenda (or v1's `case_ids`, whose items
        are derived), or a network meeting without cases."""
        require_chair(caller)
        self.ctx.catchup.catch_up()
        items = self._agenda(caller, held_on, kind, case_ids, agenda)
        meeting_id = uuid.uuid4()
        self.ctx.keys.create(meeting_id)
        meeting = Meeting(
            id=meeting_id, held_on=held_on.isoformat(), case_ids=[c for c, _ in items],
            actor=caller.id, kind=kind.value, starts_at=starts_at,
            place=self.ctx.sealer.seal(meeting_id, "place", place) if place else None,
            items=[i.value for _, i in items],
        )
        return Created(meeting.id, self.ctx.save(meeting))

    def record_attendance(
        self,
        caller: Caller,
        meeting_id: UUID,
        person_ids: list[UUID],
        excused: list[UUID] | None = None,
    ) -> Position:
        """Record the complete lists of the people present and of those excused."""
        self._visible_meeting(caller, meeting_id)
        require_chair(caller)
        absent = excused or []

        def attempt() -> Position:
            self.ctx.catchup.catch_up()  # deactivations up to now count
            self._check_attendees("person_ids", person_ids)
            self._check_attendees("excused", absent)
            for index, person_id in enumerate(absent):
                if person_id in person_ids:
                    raise InvalidError(("body", "excused", str(index)),
                                       "the person is recorded present too")
            meeting: Meeting = self.ctx.get(meeting_id, Meeting)
            meeting.record_attendance(list(dict.fromkeys(person_ids)), caller.id,
                                      list(dict.fromkeys(absent)))
            return self.ctx.save(meeting)

        return self.ctx.retrying(attempt, meeting_id)

    def cancel_meeting(self, caller: Caller, meeting_id: UUID, reason: str) -> Position:
        self._visible_meeting(caller, meeting_id)
        require_chair(caller)
        sealed = self._seal_for_meeting(meeting_id, "cancel_reason", reason)
        return self._on_meeting(meeting_id, lambda m: m.cancel(sealed, caller.id))

    def record_minutes(
        self,
        caller: Caller,
        meeting_id: UUID,
        case_id: UUID | None,
        text: str,
        decisions: Sequence[str] = (),
    ) -> Created:
        """Minutes of one agenda item (sealed with its case's key) or of the whole meeting."""
        self._visible_meeting(caller, meeting_id)
        require_chair(caller)
        if case_id is not None and case_id not in self.ctx.get(meeting_id, Meeting).case_ids:
            raise InvalidError("case_id", "the case is not on the meeting's agenda")
        minutes_id = uuid.uuid4()
        purpose = f"minutes:{minutes_id}"
        listed = json.dumps(list(decisions)) if decisions else None
        if case_id is None:
            sealed = self._seal_for_meeting(meeting_id, purpose, text)
            sealed_decisions = self._seal_for_meeting(
                meeting_id, f"{purpose}:decisions", listed) if listed else None
        else:
            sealed = self._seal(case_id, purpose, text)
            sealed_decisions = self._seal(case_id, f"{purpose}:decisions",
                                          listed) if listed else None
        position = self._on_meeting(meeting_id, lambda m: m.record_minutes(
            minutes_id, case_id, sealed, sealed_decisions, caller.id))
        return Created(minutes_id, position)

    # --- helpers

    def _visible_meeting(self, caller: Caller, meeting_id: UUID) -> None:
        self.ctx.catchup.catch_up()
        if self.ctx.queries.meeting_for(caller.facts, meeting_id) is None:
            raise NotFoundError("no such meeting")

    def _on_meeting(self, meeting_id: UUID, change: Callable[[Meeting], Any]) -> Position:
        def attempt() -> Position:
            meeting: Meeting = self.ctx.get(meeting_id, Meeting)
            change(meeting)
            return self.ctx.save(meeting)

        return self.ctx.retrying(attempt, meeting_id)

    def _seal_for_meeting(self, meeting_id: UUID, purpose: str, text: str) -> str:
        """Seal under the meeting's own key; a meeting planned before v1.1 gets one now."""
        if not self.ctx.keys.exists(meeting_id):
            try:
                self.ctx.keys.create(meeting_id)
            except ValueError:  # another process created it meanwhile
                pass
        return self.ctx.sealer.seal(meeting_id, purpose, text)

    def _agenda(
        self,
        caller: Caller,
        held_on: date,
        kind: MeetingKind,
        case_ids: list[UUID] | None,
        agenda: Agenda | None,
    ) -> Agenda:
        if kind is MeetingKind.NETWORK:
            if agenda or case_ids:
                raise InvalidError("agenda" if agenda else "case_ids",
                                   "a network meeting has no cases on its agenda")
            return []
        if agenda is not None and case_ids is not None:
            raise InvalidError("case_ids", "give the agenda or case_ids, not both")
        if agenda is not None:
            return self._checked_agenda(caller, agenda)
        if not case_ids:
            raise InvalidError("agenda", "a case meeting needs at least one case")
        found: dict[UUID, AgendaItem] = {}
        for index, case_id in enumerate(case_ids):
            self._check_agenda_case(caller, case_id, ("body", "case_ids", str(index)))
            found.setdefault(case_id, derived_item(self.ctx.queries.on_an_earlier_agenda(
                case_id, held_on.isoformat())))
        return list(found.items())

    def _checked_agenda(self, caller: Caller, agenda: Agenda) -> Agenda:
        seen: set[UUID] = set()
        for index, (case_id, _) in enumerate(agenda):
            field = ("body", "agenda", str(index), "case_id")
            self._check_agenda_case(caller, case_id, field)
            if case_id in seen:
                raise InvalidError(field, "the case is already on the agenda")
            seen.add(case_id)
        return list(agenda)

    def _check_agenda_case(self, caller: Caller, case_id: UUID, field: tuple[str, ...]) -> None:
        """A case the caller may see, open: else the same 422 for hidden and missing."""
        row = self.ctx.queries.case_for(caller.facts, case_id)
        if row is None:
            raise InvalidError(field, "no such case")
        if row["status"] != "open":
            raise InvalidError(field, f"the case is {row['status']}")

    def _check_attendees(self, field: str, person_ids: list[UUID]) -> None:
        for index, person_id in enumerate(person_ids):
            row = self.ctx.queries.person(person_id)
            problem = "no such person" if row is None else attendance_problem(
                Role(row["role"]), row["deactivated_at"] is None)
            if problem is not None:
                raise InvalidError(("body", field, str(index)), problem)
