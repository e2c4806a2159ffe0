"""Information requests as the viewers of their case get them.

A request is read through a case the caller may see (`requests_for`, `request_for`); the
answer names the contribution only for a reader who may see that contribution (the permitted
view), else `contribution_id` is null and the request just says `answered`. Every answer that
shows a question or a reason is a disclosure of kind `request`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from uuid import UUID

from domain.errors import NotFoundError
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath
from roundtable.write.requests import require_partner


class RequestReads(ReadPath):
    def requests(
        self, caller: Caller, to_mine: bool, from_mine: bool, endpoint: str
    ) -> list[Json]:
        """To and from the caller's organisation (both when neither is asked for)."""
        require_partner(caller)
        both = not to_mine and not from_mine
        rows = self.ctx.queries.requests_for(caller.facts, to_mine=to_mine or both,
                                             from_mine=from_mine or both)
        return self._requests_shown(caller, rows, endpoint)

    def case_requests(self, caller: Caller, case_id: UUID, endpoint: str) -> list[Json]:
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        return self._requests_shown(
            caller, self.ctx.queries.requests_for(caller.facts, case_id=case_id), endpoint)

    def request(self, caller: Caller, request_id: UUID, endpoint: str) -> Json:
        row = self.ctx.queries.request_for(caller.facts, request_id)
        if row is None:
            raise NotFoundError("no such request")
        return self._requests_shown(caller, [row], endpoint)[0]

    def _requests_shown(self, caller: Caller, rows: list[Row], endpoint: str) -> list[Json]:
        organisations = {r["id"]: r["name"] for r in self.ctx.queries.organisations()}
        people = self.ctx.queries.person_names(
            [r[k] for r in rows for k in ("asked_by", "answered_by") if r[k]])
        shown = [self._request_json(caller, r, organisations, people) for r in rows]
        by_case: dict[str, list[str]] = defaultdict(list)
        for request in shown:
            if request["question"] is not None or (request["answer"] or {}).get("reason"):
                by_case[request["case_id"]].append(request["id"])
        for case_id, ids in by_case.items():
            self.disclose(caller, "request", ids, endpoint, UUID(case_id))
        return shown

    def _request_json(
        self, caller: Caller, row: Row, organisations: dict[str, str], people: dict[str, str]
    ) -> Json:
        opener = self.ctx.sealer.opener(UUID(row["case_id"]))
        question = opener(f"request:{row['id']}:question", row["question"]) if (
            row["question"]) else None

        def named(key: str, names: dict[str, str]) -> Json | None:
            return {"id": row[key], "name": names.get(row[key])} if row[key] else None

        return {
            "id": row["id"],
            "case_id": row["case_id"],
            "case_reference": row["case_reference"],
            "from_organisation_id": row["from_organisation_id"],
            "from_organisation": named("from_organisation_id", organisations),
            "to_organisation_id": row["to_organisation_id"],
            "to_organisation": named("to_organisation_id", organisations),
            "asked_by": named("asked_by", people),
            "question": question,
            "status": row["status"],
            "answer": self._answer(caller, row, opener),
            "answered_by": named("answered_by", people),
            "created_at": row["created_at"],
        }

    def _answer(
        self, caller: Caller, row: Row, opener: Callable[[str, str], str | None]
    ) -> Json | None:
        if row["status"] == "declined":
            reason = opener(f"request:{row['id']}:reason", row["reason"]) if (
                row["reason"]) else None
            return {"declined": True, "reason": reason}
        if row["status"] == "answered":
            seen = self.ctx.queries.contribution_for(
                caller.facts, UUID(row["contribution_id"]), self.ctx.clock())
            return {"contribution_id": row["contribution_id"] if seen else None}
        return None
