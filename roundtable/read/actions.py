"""The actions agreed on a case the caller may see."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFoundError
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class ActionReads(ReadPath):
    def actions(self, caller: Caller, case_id: UUID,
                endpoint: str = "GET /v1/cases/{id}/actions") -> list[Json]:
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        actions = self.ctx.queries.actions(case_id)
        grounds = self.ctx.queries.visible_grounds(
            caller.facts, sorted({g for a in actions for g in a["based_on"]}), self.ctx.clock())
        shown = [
            {
                "id": a["id"],
                "case_id": a["case_id"],
                "description": self._open(case_id, f"action:{a['id']}", a["description"]),
                "assignee_organisation_id": a["assignee_id"],
                "due_on": a["due_on"],
                "based_on": [g for g in a["based_on"] if g in grounds],
                "agreed_on": a["agreed_on"],
                "completed": a["completed_at"] is not None,
            }
            for a in actions
        ]
        self.disclose(caller, "action", [a["id"] for a in shown if a["description"]],
                      endpoint, case_id)
        return shown
