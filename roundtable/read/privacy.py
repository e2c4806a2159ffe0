"""Subject-access export, the retention and review settings, and the reviews due."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from domain.errors import NotFoundError, NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.actions import ActionReads
from roundtable.read.base import Json
from roundtable.read.cases import CaseReads
from roundtable.read.contributions import ContributionReads


class PrivacyReads(CaseReads, ContributionReads, ActionReads):
    def export(self, caller: Caller, case_id: UUID) -> Json:
        """Subject-access export: every contribution with its label and owner; the text only
        where the chair may see it, else `ask` names the owner organisation (GDPR 15(4))."""
        case = self.ctx.queries.case_for(caller.facts, case_id)
        if case is None:
            raise NotFoundError("no such case")
        if caller.role is not Role.CHAIR:
            raise NotPermittedError("only a chair exports a case")
        now = self.ctx.clock()
        visible = {r["id"]: r for r in self.ctx.queries.contributions_for(caller.facts, case_id,
                                                                            now)}
        erased = case["status"] == "erased"
        items = []
        for c in self.ctx.queries.case_contributions(case_id):
            shown = visible.get(c["id"])
            text = self._contribution_json(shown)["text"] if shown else None
            items.append({
                "id": c["id"], "tlp": c["rule"]["tlp"], "owner_organisation_id": c["owner_id"],
                "created_at": c["created_at"], "withdrawn": c["withdrawn_at"] is not None,
                "text": text, "ask": None if text is not None or erased else c["owner_id"],
            })
        self._disclose(caller, items, "GET /v1/cases/{id}/export", case_id, "export")
        shown = self._case_json(case, with_table=True)
        if all(i["text"] is None for i in items):
            # No export record (it lists the texts shown), yet the subject was shown.
            self.disclose_subjects(caller, [shown], "GET /v1/cases/{id}/export")
        return {"case": shown, "contributions": items,
                "actions": self.actions(caller, case_id, "GET /v1/cases/{id}/export"),
                "exported_at": now.isoformat()}

    def settings(self, caller: Caller) -> Json:
        if caller.role is not Role.CHAIR:
            raise NotPermittedError("only a chair reads the settings")
        row = self.ctx.queries.round_table()
        assert row is not None
        return {"retention_days_after_close": row["retention_days"],
                "review_interval_days": row["review_days"],
                "signal_retention_days": self.ctx.queries.signal_retention_days()}

    def reviews(self, caller: Caller) -> list[Json]:
        """Open cases due for review: the interval has passed since they were opened or last
        on the agenda of a meeting held, oldest first."""
        interval = self.settings(caller)["review_interval_days"]
        today = self.ctx.clock().date()
        rows = self.ctx.queries.open_cases_last_reviewed(today.isoformat())
        due = [{**self._case_json(row, with_table=False), "last_reviewed_on": last_reviewed_on,
                "due_on": due_on.isoformat()}
               for row, last_reviewed_on, due_on in due_for_review(rows, interval, today)]
        self.disclose_subjects(caller, due, "GET /v1/reviews")
        return due


def due_for_review(rows: list[Row], interval: int, today: date) -> list[tuple[Row, str, date]]:
    """The open cases (`open_cases_last_reviewed`: oldest review first) due for review today:
    (case, last reviewed on, due on); reviewed = opened, or on the agenda of a meeting held
    (not cancelled)."""
    due = []
    for row in rows:
        due_on = date.fromisoformat(row["last_reviewed_on"]) + timedelta(days=interval)
        if due_on <= today:
            due.append((row, row["last_reviewed_on"], due_on))
    return due
