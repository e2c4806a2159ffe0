"""The policy level's figures: counts taken from event metadata alone (API.md v1.1).

Like the auditor's report (`report.py`), one row per countable event (`figures_facts`: its
kind, a detail such as a case's kind or an action's outcome, and the UTC day it was recorded)
and the little state needed to classify them. Nothing here reads a case key, a sealed field
or a text, so the figures need none and survive erasure.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import model
from domain.signals import Signal
from projections.views.base import ProjectionBase, handles

CASE_OPENED = "case_opened"
CASE_CLOSED = "case_closed"
ACTION_OUTCOME = "action_outcome"


class FiguresProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS figures_facts (
    position INTEGER PRIMARY KEY, kind TEXT NOT NULL, detail TEXT, day TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS figures_facts_day ON figures_facts(day, kind);
CREATE TABLE IF NOT EXISTS figures_cases (
    case_id TEXT PRIMARY KEY, opened_on TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS figures_signals (
    signal_id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, status TEXT NOT NULL,
    day TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS figures_actions (
    action_id TEXT PRIMARY KEY, case_id TEXT NOT NULL, due_on TEXT, open INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS figures_meetings (
    meeting_id TEXT PRIMARY KEY, held_on TEXT NOT NULL, attended INTEGER NOT NULL,
    cancelled INTEGER NOT NULL);
"""

    def _figures_fact(self, kind: str, detail: str | None, e: Any) -> None:
        self.db.execute("INSERT INTO figures_facts VALUES (?, ?, ?, ?)",
                        (self.position, kind, detail, e.timestamp.date().isoformat()))

    @handles(model.Case.Opened)
    def _figures_opened(self, e: model.Case.Opened) -> None:
        self._figures_fact(CASE_OPENED, e.kind, e)
        self.db.execute("INSERT INTO figures_cases VALUES (?, ?)",
                        (str(e.originator_id), e.opened_on))

    @handles(model.Case.Reopened)
    def _figures_reopened(self, e: model.Case.Reopened) -> None:
        """A reopened case's next closing counts the days since it was reopened."""
        self.db.execute("UPDATE figures_cases SET opened_on=? WHERE case_id=?",
                        (e.reopened_on, str(e.originator_id)))

    @handles(model.Case.Closed)
    def _figures_closed(self, e: model.Case.Closed) -> None:
        """The detail is how many days the case was open: from the day it was opened (or
        last reopened) to the day it is closed, both on the service's clock."""
        row = self.db.execute("SELECT opened_on FROM figures_cases WHERE case_id=?",
                              (str(e.originator_id),)).fetchone()
        days = None
        if row is not None:
            days = str((date.fromisoformat(e.closed_on) - date.fromisoformat(row[0])).days)
        self._figures_fact(CASE_CLOSED, days, e)

    @handles(model.Case.Erased)
    def _figures_erased(self, e: model.Case.Erased) -> None:
        """An erased case's actions are no longer open (the counts made so far remain)."""
        self.db.execute("UPDATE figures_actions SET open=0 WHERE case_id=?",
                        (str(e.originator_id),))

    @handles(Signal.Raised)
    def _figures_signal(self, e: Signal.Raised) -> None:
        self.db.execute("INSERT INTO figures_signals VALUES (?, ?, 'new', ?)",
                        (str(e.originator_id), str(e.organisation_id),
                         e.timestamp.date().isoformat()))

    @handles(Signal.Accepted, Signal.Declined, Signal.Referred)
    def _figures_triaged(self, e: Any) -> None:
        status = {Signal.Accepted: "accepted", Signal.Declined: "declined",
                  Signal.Referred: "referred"}[type(e)]
        self.db.execute("UPDATE figures_signals SET status=? WHERE signal_id=?",
                        (status, str(e.originator_id)))

    @handles(model.Case.ActionAgreed)
    def _figures_agreed(self, e: model.Case.ActionAgreed) -> None:
        self._figures_action(str(e.action_id), str(e.originator_id), e.due_on)

    @handles(model.Case.ActionProposed)
    def _figures_proposed(self, e: model.Case.ActionProposed) -> None:
        """A proposal counts as open, as in the actions list (overdue once its day passed)."""
        self._figures_action(str(e.action_id), str(e.originator_id), e.due_on)

    def _figures_action(self, action_id: str, case_id: str, due_on: str | None) -> None:
        self.db.execute("DELETE FROM figures_actions WHERE action_id=?", (action_id,))
        self.db.execute("INSERT INTO figures_actions VALUES (?, ?, ?, 1)",
                        (action_id, case_id, due_on))

    @handles(model.Case.ActionRescheduled)
    def _figures_rescheduled(self, e: model.Case.ActionRescheduled) -> None:
        self.db.execute("UPDATE figures_actions SET due_on=? WHERE action_id=?",
                        (e.due_on, str(e.action_id)))

    def _figures_ended(self, e: Any, outcome: str) -> None:
        self._figures_fact(ACTION_OUTCOME, outcome, e)
        self.db.execute("UPDATE figures_actions SET open=0 WHERE action_id=?",
                        (str(e.action_id),))

    @handles(model.Case.ActionCompleted)
    def _figures_completed(self, e: model.Case.ActionCompleted) -> None:
        self._figures_ended(e, "done")

    @handles(model.Case.ActionOutcomeRecorded)
    def _figures_outcome(self, e: model.Case.ActionOutcomeRecorded) -> None:
        self._figures_ended(e, e.outcome)

    @handles(model.Case.ActionCancelled)
    def _figures_cancelled(self, e: model.Case.ActionCancelled) -> None:
        self._figures_ended(e, "cancelled")

    @handles(model.Meeting.Scheduled)
    def _figures_scheduled(self, e: model.Meeting.Scheduled) -> None:
        self.db.execute("INSERT INTO figures_meetings VALUES (?, ?, 0, 0)",
                        (str(e.originator_id), e.held_on))

    @handles(model.Meeting.AttendanceRecorded)
    def _figures_attendance(self, e: model.Meeting.AttendanceRecorded) -> None:
        self.db.execute("UPDATE figures_meetings SET attended=1 WHERE meeting_id=?",
                        (str(e.originator_id),))

    @handles(model.Meeting.Cancelled)
    def _figures_meeting_cancelled(self, e: model.Meeting.Cancelled) -> None:
        self.db.execute("UPDATE figures_meetings SET cancelled=1 WHERE meeting_id=?",
                        (str(e.originator_id),))
