"""Meetings the caller may see, with their agenda, attendance and the minutes it may read.

Every answer that shows minutes records a disclosure (kind `minutes`) per case before it
leaves; minutes of the meeting as a whole belong to no case (`case_id` null).
"""

from __future__ import annotations

import json
from datetime import date
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class MeetingReads(ReadPath):
    def meetings(self, caller: Caller, start: date | None, end: date | None) -> list[Json]:
        """The meetings the caller may see held between the bounds (inclusive), oldest first."""
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only chairs and members read the meetings")
        if start is not None and end is not None and end < start:
            raise InvalidError(("query", "to"), "must not be before from")
        low, high = (d.isoformat() if d else None for d in (start, end))
        queries = self.ctx.queries
        agendas = queries.agendas_for(caller.facts, low, high)
        return [self._summary(row, agendas.get(row["id"], []))
                for row in queries.meetings_for(caller.facts, low, high)]

    def meeting(self, caller: Caller, meeting_id: UUID, endpoint: str) -> Json:
        queries = self.ctx.queries
        row = queries.meeting_for(caller.facts, meeting_id)
        if row is None:
            raise NotFoundError("no such meeting")
        agenda = queries.agenda_for(caller.facts, meeting_id)
        minutes = [self._minutes_json(meeting_id, r)
                   for r in queries.minutes_for(caller.facts, meeting_id)]
        self._disclose_minutes(caller, minutes, endpoint)
        return {
            **self._summary(row, agenda),
            "case_ids": [item["case_id"] for item in agenda],
            "starts_at": row["starts_at"],
            "cancel_reason": self._open(meeting_id, "cancel_reason", row["cancel_reason"]),
            "present": [_person_json(r) for r in queries.present(meeting_id)],
            "excused": [_person_json(r) for r in queries.excused(meeting_id)],
            "minutes": minutes,
        }

    def _summary(self, row: Row, agenda: list[Row]) -> Json:
        return {
            "id": row["id"],
            "held_on": row["held_on"],
            "kind": row["kind"],
            "place": self._open(UUID(row["id"]), "place", row["place"]),
            "status": row["status"],
            "agenda": [{"case_id": a["case_id"], "reference": a["reference"],
                        "item": a["item"]} for a in agenda],
        }

    def _minutes_json(self, meeting_id: UUID, row: Row) -> Json:
        key = UUID(row["case_id"]) if row["case_id"] is not None else meeting_id
        purpose = f"minutes:{row['id']}"
        decisions = self._open(key, f"{purpose}:decisions", row["decisions"])
        return {
            "id": row["id"],
            "case_id": row["case_id"],
            "text": self._open(key, purpose, row["text"]),
            "decisions": json.loads(decisions) if decisions is not None else [],
        }

    def _disclose_minutes(self, caller: Caller, minutes: list[Json], endpoint: str) -> None:
        by_case: dict[str | None, list[str]] = {}
        for item in minutes:
            if item["text"] is not None:
                by_case.setdefault(item["case_id"], []).append(item["id"])
        for case_id, ids in by_case.items():
            self.disclose(caller, "minutes", ids, endpoint,
                          UUID(case_id) if case_id is not None else None)


def _person_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation_id": row["organisation_id"],
        "organisation": {"id": row["organisation_id"], "name": row["organisation_name"]},
    }
