"""Actions on cases: their status, grounds and notes.

The grounds are rows of their own, so that a read joins them on the permitted view and shows
each reader only the grounds it may see (and an anonymous one only with its owner). Notes,
outcome notes and cancellation reasons stay sealed with the case key, as the events carry them.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain import model
from projections.views.base import ProjectionBase, handles


class ActionProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, description TEXT, assignee_id TEXT NOT NULL,
    due_on TEXT, status TEXT NOT NULL, outcome TEXT, on_behalf INTEGER,
    created_at INTEGER NOT NULL, agreed_at INTEGER, agreed_on TEXT, completed_at INTEGER);
CREATE INDEX IF NOT EXISTS actions_case ON actions(case_id, created_at);
CREATE INDEX IF NOT EXISTS actions_assignee ON actions(assignee_id, status);
CREATE TABLE IF NOT EXISTS action_grounds (
    action_id TEXT NOT NULL, contribution_id TEXT NOT NULL, ord INTEGER NOT NULL,
    PRIMARY KEY (action_id, contribution_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS action_notes (
    id TEXT PRIMARY KEY, action_id TEXT NOT NULL, case_id TEXT NOT NULL, kind TEXT NOT NULL,
    text TEXT, person_id TEXT, at TEXT NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS action_notes_action ON action_notes(action_id, position);
"""

    @handles(model.Case.ActionAgreed, model.Case.ActionProposed)
    def _created(self, e: model.Case.ActionAgreed | model.Case.ActionProposed) -> None:
        aid = str(e.action_id)
        agreed = isinstance(e, model.Case.ActionAgreed)
        self.db.execute(
            "INSERT INTO actions (id, case_id, description, assignee_id, due_on, status, "
            "created_at, agreed_at, agreed_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (aid, str(e.originator_id), e.description, str(e.assignee_id), e.due_on,
             "open" if agreed else "proposed", self.position,
             self.position if agreed else None,
             e.timestamp.date().isoformat() if agreed else None),
        )
        self.db.executemany(
            "INSERT INTO action_grounds VALUES (?, ?, ?)",
            [(aid, str(c), i) for i, c in enumerate(dict.fromkeys(e.based_on))],
        )

    @handles(model.Case.ProposedActionAgreed)
    def _proposal_agreed(self, e: model.Case.ProposedActionAgreed) -> None:
        self._set(e.action_id, status="open", agreed_at=self.position,
                  agreed_on=e.timestamp.date().isoformat())

    @handles(model.Case.ActionCompleted)
    def _completed(self, e: model.Case.ActionCompleted) -> None:
        self._set(e.action_id, status="done", outcome="done", on_behalf=0,
                  completed_at=self.position)

    @handles(model.Case.ActionOutcomeRecorded)
    def _outcome(self, e: model.Case.ActionOutcomeRecorded) -> None:
        self._set(e.action_id, status=e.outcome, outcome=e.outcome,
                  on_behalf=int(e.on_behalf), completed_at=self.position)
        self._note(e, e.note_id, "outcome", e.note)

    @handles(model.Case.ActionNoted)
    def _noted(self, e: model.Case.ActionNoted) -> None:
        self._note(e, e.note_id, "progress", e.text)

    @handles(model.Case.ActionCancelled)
    def _cancelled(self, e: model.Case.ActionCancelled) -> None:
        self._set(e.action_id, status="cancelled")
        self._note(e, e.note_id, "cancellation", e.reason)

    @handles(model.Case.ActionReassigned)
    def _reassigned(self, e: model.Case.ActionReassigned) -> None:
        self._set(e.action_id, assignee_id=str(e.assignee_id))

    @handles(model.Case.ActionRescheduled)
    def _rescheduled(self, e: model.Case.ActionRescheduled) -> None:
        self._set(e.action_id, due_on=e.due_on)

    @handles(model.Case.Erased)
    def _case_erased(self, e: model.Case.Erased) -> None:
        """The key is gone already; drop the sealed texts from the views too."""
        case_id = str(e.originator_id)
        self.db.execute("UPDATE actions SET description=NULL WHERE case_id=?", (case_id,))
        self.db.execute("UPDATE action_notes SET text=NULL WHERE case_id=?", (case_id,))

    def _set(self, action_id: UUID, **columns: Any) -> None:
        # The column names come from the handlers above, never from input.
        assignments = ", ".join(f"{name}=?" for name in columns)
        self.db.execute(f"UPDATE actions SET {assignments} WHERE id=?",
                        (*columns.values(), str(action_id)))

    def _note(self, e: Any, note_id: UUID | None, kind: str, text: str | None) -> None:
        if note_id is None or text is None:
            return
        self.db.execute(
            "INSERT INTO action_notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (str(note_id), str(e.action_id), str(e.originator_id), kind, text,
             str(e.actor) if e.actor else None, e.timestamp.isoformat(), self.position),
        )
