"""Cases: the list a caller may see (filtered by status, searched), and one case with its
subject or title and its case table. Every answer that shows a subject, title, summary or
reason is recorded as a disclosure of kind `subject` before it leaves."""

from __future__ import annotations

import json
import unicodedata
from uuid import UUID

from domain.errors import NotFoundError
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath

STATUSES = ("open", "closed", "erased")


class CaseReads(ReadPath):
    def cases(self, caller: Caller, status: str | None = None, q: str | None = None,
              endpoint: str = "GET /v1/cases") -> list[Json]:
        """The caller's visible cases; `q` is searched in the unsealed values, in memory."""
        prefilter = status if status in ("open", "closed") else None
        listed = [self._case_json(r, with_table=False)
                  for r in self.ctx.queries.visible_cases(caller.facts, prefilter)]
        # The status shown (a case whose key is gone shows as erased) is the one filtered on.
        found = [c for c in listed if (status is None or c["status"] == status)
                 and (q is None or matches(c, q))]
        self.disclose_subjects(caller, found, endpoint)
        return found

    def case(self, caller: Caller, case_id: UUID, endpoint: str = "GET /v1/cases/{id}") -> Json:
        row = self.ctx.queries.visible_case(caller.facts, case_id)
        if row is None:
            raise NotFoundError("no such case")
        shown = self._case_json(row, with_table=True)
        self.disclose_subjects(caller, [shown], endpoint)
        return shown

    def disclose_subjects(self, caller: Caller, shown: list[Json], endpoint: str) -> None:
        """Record the cases whose subject, title, summary or reasons this answer shows; the
        record names the case when it shows one (so `?case_id=` finds it), else none."""
        ids = [c["id"] for c in shown if _shows_personal_data(c)]
        case_id = UUID(ids[0]) if len(ids) == 1 else None
        self.disclose(caller, "subject", ids, endpoint, case_id)

    def _case_json(self, row: Row, *, with_table: bool) -> Json:
        if "kind" not in row:  # read by a query that does not join the v1.1 details
            row = {**row, **self.ctx.queries.case_details([row["id"]]).get(
                row["id"], {"kind": "person", "title": None, "reopened_on": None,
                            "reopen_reason": None, "reopening_id": None})}
        case_id = UUID(row["id"])
        opened = self.ctx.sealer.opener(case_id)
        subject = opened("subject", row["subject"]) if row["subject"] else None
        title = opened("title", row["title"]) if row["title"] else None
        # A sealed value whose key is gone: a store restored from before an erasure.
        shredded = (row["subject"] or row["title"]) is not None and (subject or title) is None
        out: Json = {
            "id": row["id"],
            "reference": row["reference"],
            "kind": row["kind"],
            "status": "erased" if shredded else row["status"],
            "subject": json.loads(subject) if subject is not None else None,
            "title": title,
            "opened_on": row["opened_on"],
            "closed_on": row["closed_on"],
        }
        if with_table:
            out["summary"] = self._open(case_id, "summary", row["summary"])
            out["close_reason"] = self._open(case_id, "close_reason", row["close_reason"])
            out["reopened_on"] = row["reopened_on"]
            out["reopen_reason"] = self._open(
                case_id, f"reopen_reason:{row['reopening_id']}", row["reopen_reason"])
            table = self.ctx.queries.case_table(case_id)
            out["organisations"] = [t["id"] for t in table]
            out["case_table"] = table
        return out


def _shows_personal_data(case: Json) -> bool:
    return any(case.get(field) is not None for field in (
        "subject", "title", "summary", "close_reason", "reopen_reason"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def matches(case: Json, q: str) -> bool:
    """`q` is the case's reference (whole), or part of its subject's name or its title;
    case-insensitive."""
    wanted = _fold(q.strip())
    name = case["subject"]["name"] if case["subject"] else None
    return wanted == _fold(case["reference"]) or any(
        wanted in _fold(text) for text in (name, case["title"]) if text)
