"""Actions the caller may read: on one case, across cases, or one with its notes.

Who may read is the queries' to say (the case's viewers; the grounds through the permitted
view). Every answer that shows a description or a note is recorded as a disclosure first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.actions_rules import OUTCOMES, overdue, today_in
from domain.errors import NotFoundError, NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath

Opener = Callable[[str, str], str | None]


class ActionReads(ReadPath):
    def actions(self, caller: Caller, case_id: UUID,
                endpoint: str = "GET /v1/cases/{id}/actions") -> list[Json]:
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        rows = self.ctx.queries.actions_for(caller.facts, today=self._today().isoformat(),
                                            case_id=case_id)
        return self._shown(caller, rows, endpoint)

    def all_actions(self, caller: Caller, *, mine: bool = False, status: str | None = None,
                    overdue: bool | None = None, endpoint: str = "GET /v1/actions") -> list[Json]:
        """What the table owes, and to whom: across the cases the caller may see."""
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only chairs and members list actions")
        rows = self.ctx.queries.actions_for(
            caller.facts, today=self._today().isoformat(), mine=mine, status=status,
            overdue=overdue)
        return self._shown(caller, rows, endpoint)

    def action(self, caller: Caller, action_id: UUID,
               endpoint: str = "GET /v1/actions/{id}") -> Json:
        row = self.ctx.queries.action_for(caller.facts, action_id)
        if row is None:
            raise NotFoundError("no such action")
        (shown,) = self._shown(caller, [row], endpoint)
        case_id = UUID(row["case_id"])
        opener = self.ctx.sealer.opener(case_id)
        notes = [_note_json(n, opener) for n in self.ctx.queries.notes_for(caller.facts,
                                                                            action_id)]
        self.disclose(caller, "note", [n["id"] for n in notes if n["text"] is not None],
                      endpoint, case_id)
        return {**shown, "notes": notes}

    def _today(self) -> date:
        return today_in(self.ctx.clock(), self.ctx.queries.timezone())

    def _shown(self, caller: Caller, rows: list[Row], endpoint: str) -> list[Json]:
        """The items, their descriptions unsealed (one key look-up per case), each case's
        disclosure recorded."""
        today = self._today()
        grounds = self.ctx.queries.grounds_for(caller.facts, [r["id"] for r in rows],
                                               self.ctx.clock())
        openers: dict[str, Opener] = {}
        shown: dict[str, list[str]] = {}
        items = []
        for row in rows:
            case_id = row["case_id"]
            if case_id not in openers:
                openers[case_id] = self.ctx.sealer.opener(UUID(case_id))
            item = _action_json(row, grounds[row["id"]], openers[case_id], today)
            if item["description"] is not None:
                shown.setdefault(case_id, []).append(item["id"])
            items.append(item)
        for case_id, ids in shown.items():
            self.disclose(caller, "action", ids, endpoint, UUID(case_id))
        return items


def _action_json(row: Row, based_on: list[str], opener: Opener, today: date) -> Json:
    sealed = row["description"]
    return {
        "id": row["id"],
        "case_id": row["case_id"],
        "case_reference": row["case_reference"],
        "description": opener(f"action:{row['id']}", sealed) if sealed is not None else None,
        "assignee_organisation_id": row["assignee_id"],
        "assignee_organisation": {"id": row["assignee_id"], "name": row["assignee_name"]},
        "due_on": row["due_on"],
        "status": row["status"],
        "outcome": row["outcome"],
        "on_behalf": None if row["on_behalf"] is None else bool(row["on_behalf"]),
        "overdue": overdue(row["status"], row["due_on"], today),
        "based_on": based_on,
        "agreed_on": row["agreed_on"],
        "completed": row["status"] in OUTCOMES,
    }


def _note_json(row: Row, opener: Opener) -> Json:
    sealed = row["text"]
    by = None if row["person_id"] is None else {
        "id": row["person_id"], "name": row["person_name"],
        "organisation": {"id": row["organisation_id"], "name": row["organisation_name"]},
    }
    return {
        "id": row["id"],
        "kind": row["kind"],
        "text": opener(f"note:{row['id']}", sealed) if sealed is not None else None,
        "by": by,
        "at": row["at"],
    }
