"""Feedback sheets as the caller may read them, as JSON or as a printable PDF.

Who reads what is decided by the rows the projector wrote from `feedback_rules.audience`; this
module only shapes them, unseals the text and reasons the row allows, and records the
disclosure before the answer leaves.
"""

from __future__ import annotations

from uuid import UUID

from domain import feedback_rules
from domain.errors import NotFoundError
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath
from roundtable.read.feedback_pdf import render_sheet


class FeedbackReads(ReadPath):
    def feedback(self, caller: Caller, feedback_id: UUID,
                 endpoint: str = "GET /v1/feedback/{id}") -> Json:
        (shown,) = self._sheet_shown(caller, [self._readable(caller, feedback_id)], endpoint)
        return shown

    def case_feedback(self, caller: Caller, case_id: UUID,
                      endpoint: str = "GET /v1/cases/{id}/feedback") -> list[Json]:
        """The sheets of a case the caller may see (case viewers)."""
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        rows = self.ctx.queries.feedback_of_case(caller.facts, case_id)
        return self._sheet_shown(caller, rows, endpoint)

    def feedback_pdf(self, caller: Caller, feedback_id: UUID) -> bytes:
        """The printable sheet: the table, the dates, the case reference (never the subject),
        the consents by organisation and the text (where the caller may read it)."""
        row = self._readable(caller, feedback_id)
        (shown,) = self._sheet_shown(caller, [row], "GET /v1/feedback/{id}.pdf")
        table = self.ctx.queries.round_table()
        assert table is not None
        return render_sheet(shown, table["name"], row["reference"], self.ctx.clock().date())

    def _readable(self, caller: Caller, feedback_id: UUID) -> Row:
        row = self.ctx.queries.feedback_for(caller.facts, feedback_id)
        if row is None:
            raise NotFoundError("no such feedback sheet")
        return row

    def _sheet_shown(self, caller: Caller, rows: list[Row], endpoint: str) -> list[Json]:
        answers = self.ctx.queries.feedback_answers(r["id"] for r in rows)
        names = self.ctx.queries.names("organisations", [
            *(r["to_organisation_id"] for r in rows),
            *(a["organisation_id"] for found in answers.values() for a in found)])
        shown = [self._sheet_json(r, answers[r["id"]], names) for r in rows]
        by_case: dict[str, list[str]] = {}
        for sheet in shown:
            if sheet["text"] is not None or any(c["reason"] for c in sheet["consents"]):
                by_case.setdefault(sheet["case_id"], []).append(sheet["id"])
        for case_id, ids in by_case.items():
            self.disclose(caller, "feedback", ids, endpoint, UUID(case_id))
        return shown

    def _sheet_json(self, row: Row, answers: list[Row], names: dict[str, str]) -> Json:
        case_id = UUID(row["case_id"])
        full = bool(row["sees_text"])
        to = row["to_organisation_id"]
        return {
            "id": row["id"],
            "case_id": row["case_id"],
            "case_reference": row["reference"],
            "to_organisation_id": to,
            "to_organisation": {"id": to, "name": names.get(to)},
            "status": row["status"],
            "drafted_on": row["drafted_on"],
            "decided_on": row["decided_on"],
            "awaiting": self._awaiting(case_id, row, answers),
            "consents": [{
                "organisation_id": a["organisation_id"],
                "organisation": {"id": a["organisation_id"], "name": a["organisation_name"]},
                "consent": bool(a["consent"]),
                "reason": self._open(case_id, f"feedback-reason:{row['id']}", a["reason"])
                if full else None,
                "at": a["answered_at"],
            } for a in answers],
            "text": self._open(case_id, f"feedback:{row['id']}", row["text"]) if full else None,
        }

    def _awaiting(self, case_id: UUID, row: Row, answers: list[Row]) -> list[Json]:
        """The organisations on the case table whose consent is still needed."""
        if row["status"] != feedback_rules.AWAITING:
            return []
        table = self.ctx.queries.case_organisations(case_id)
        required = feedback_rules.required_consents(table, row["to_organisation_id"])
        answered = {a["organisation_id"] for a in answers}
        missing = [o for o in table if o in required and o not in answered]
        found = self.ctx.queries.names("organisations", missing)
        return [{"id": o, "name": found.get(o)} for o in missing]
