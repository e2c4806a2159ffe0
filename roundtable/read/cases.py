"""Cases: the list a caller may see, and one case with its subject and case table."""

from __future__ import annotations

import json
from uuid import UUID

from domain.errors import NotFoundError
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class CaseReads(ReadPath):
    def cases(self, caller: Caller) -> list[Json]:
        return [self._case_json(r, with_table=False)
                for r in self.ctx.queries.cases_for(caller.facts)]

    def case(self, caller: Caller, case_id: UUID) -> Json:
        row = self.ctx.queries.case_for(caller.facts, case_id)
        if row is None:
            raise NotFoundError("no such case")
        return self._case_json(row, with_table=True)

    def _case_json(self, row: Row, *, with_table: bool) -> Json:
        case_id = UUID(row["id"])
        subject = self._open(case_id, "subject", row["subject"])
        # A sealed subject whose key is gone: a store restored from before an erasure.
        shredded = row["subject"] is not None and subject is None
        out: Json = {
            "id": row["id"],
            "reference": row["reference"],
            "status": "erased" if shredded else row["status"],
            "subject": json.loads(subject) if subject is not None else None,
            "opened_on": row["opened_on"],
            "closed_on": row["closed_on"],
        }
        if with_table:
            out["summary"] = self._open(case_id, "summary", row["summary"])
            out["close_reason"] = self._open(case_id, "close_reason", row["close_reason"])
            out["organisations"] = self.ctx.queries.case_organisations(case_id)
        return out
