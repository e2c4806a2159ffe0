"""The auditor's report: process facts taken from event metadata alone (DESIGN.md section 8).

One row per countable event (`report_facts`: its kind and day), and the little state needed to
classify them (when a case was closed, which label a contribution has). Nothing here reads a
case key or a sealed field, so the report needs none and its counts survive erasure.
Days are the UTC dates the events were recorded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain import model
from projections.views.base import ProjectionBase, handles

RED = "red"
WITHDRAWAL = "withdrawal"
ERASURE_ON_TIME = "erasure_on_time"
ERASURE_LATE = "erasure_late"
FEEDBACK_RELEASED = "feedback_released"
FEEDBACK_REFUSED = "feedback_refused"


class ReportProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS report_facts (
    position INTEGER PRIMARY KEY, kind TEXT NOT NULL, day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS report_facts_day ON report_facts(day, kind);
CREATE TABLE IF NOT EXISTS report_closings (
    case_id TEXT PRIMARY KEY, closed_on TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS report_labels (
    contribution_id TEXT PRIMARY KEY, tlp TEXT NOT NULL);
"""

    def _report_fact(self, kind: str, e: Any) -> None:
        self.db.execute("INSERT INTO report_facts VALUES (?, ?, ?)",
                        (self.position, kind, e.timestamp.date().isoformat()))

    def _report_label(self, e: model.Case.ContributionAdded | model.Case.SharingChanged,
               before: str | None) -> None:
        """RED counts each time a contribution is made RED (given so, or changed to it)."""
        tlp = e.rule["tlp"]
        if tlp == "RED" and before != "RED":
            self._report_fact(RED, e)
        self.db.execute("DELETE FROM report_labels WHERE contribution_id=?",
                        (str(e.contribution_id),))
        self.db.execute("INSERT INTO report_labels VALUES (?, ?)",
                        (str(e.contribution_id), tlp))

    @handles(model.Case.ContributionAdded)
    def _report_added(self, e: model.Case.ContributionAdded) -> None:
        self._report_label(e, None)

    @handles(model.Case.SharingChanged)
    def _report_sharing(self, e: model.Case.SharingChanged) -> None:
        row = self.db.execute("SELECT tlp FROM report_labels WHERE contribution_id=?",
                              (str(e.contribution_id),)).fetchone()
        self._report_label(e, row[0] if row else None)

    @handles(model.Case.ContributionWithdrawn)
    def _report_withdrawn(self, e: model.Case.ContributionWithdrawn) -> None:
        self._report_fact(WITHDRAWAL, e)

    @handles(model.Case.Closed)
    def _report_closed(self, e: model.Case.Closed) -> None:
        self.db.execute("DELETE FROM report_closings WHERE case_id=?", (str(e.originator_id),))
        self.db.execute("INSERT INTO report_closings VALUES (?, ?)",
                        (str(e.originator_id), e.closed_on))

    @handles(model.Case.Erased)
    def _report_erased(self, e: model.Case.Erased) -> None:
        """On time: a closed case erased no later than the retention period (as set when it
        is erased) after its closing; an open case erased is never late."""
        closed = self.db.execute("SELECT closed_on FROM report_closings WHERE case_id=?",
                                 (str(e.originator_id),)).fetchone()
        retention = self.db.execute("SELECT retention_days FROM round_table").fetchone()
        late = closed is not None and retention is not None and e.timestamp.date() > (
            date.fromisoformat(closed[0]) + timedelta(days=int(retention[0])))
        self._report_fact(ERASURE_LATE if late else ERASURE_ON_TIME, e)

    @handles(model.Case.FeedbackReleased)
    def _report_released(self, e: model.Case.FeedbackReleased) -> None:
        self._report_fact(FEEDBACK_RELEASED, e)

    @handles(model.Case.FeedbackRefused)
    def _report_refused(self, e: model.Case.FeedbackRefused) -> None:
        self._report_fact(FEEDBACK_REFUSED, e)
