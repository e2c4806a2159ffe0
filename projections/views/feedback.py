"""Feedback sheets, their answers, and who may read them (rows the pure rule grants).

`feedback_readers` holds one row per audience key (`chair`, or an organisation id) that may
read a sheet, with whether it may read the text and reasons: written from
`feedback_rules.audience` whenever its inputs change (the sheet's status, the case table,
erasure), so that reading a sheet is a look-up, never an `if` in a route. These handlers run
after the case projection's for the same event (`Projector` lists it first), so the case table
they read is already the new one.
"""

from __future__ import annotations

from domain import feedback_rules, model
from projections.views.base import ProjectionBase, handles


class FeedbackProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, to_organisation_id TEXT NOT NULL, text TEXT,
    status TEXT NOT NULL, drafted_at INTEGER NOT NULL, drafted_on TEXT NOT NULL,
    decided_at INTEGER, decided_on TEXT);
CREATE INDEX IF NOT EXISTS feedback_case ON feedback(case_id, drafted_at);
CREATE TABLE IF NOT EXISTS feedback_answers (
    feedback_id TEXT NOT NULL, organisation_id TEXT NOT NULL, consent INTEGER NOT NULL,
    reason TEXT, answered_at TEXT NOT NULL, position INTEGER NOT NULL,
    PRIMARY KEY (feedback_id, organisation_id));
CREATE TABLE IF NOT EXISTS feedback_readers (
    feedback_id TEXT NOT NULL, audience TEXT NOT NULL, sees_text INTEGER NOT NULL,
    PRIMARY KEY (feedback_id, audience));
CREATE INDEX IF NOT EXISTS feedback_readers_audience ON feedback_readers(audience);
"""

    @handles(model.Case.FeedbackDrafted)
    def _feedback_drafted(self, e: model.Case.FeedbackDrafted) -> None:
        self.db.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            (str(e.feedback_id), str(e.originator_id), str(e.to_organisation_id), e.text,
             feedback_rules.AWAITING, self.position, e.timestamp.date().isoformat()),
        )
        self._feedback_readers(str(e.originator_id), erased=False)

    @handles(model.Case.FeedbackConsented)
    def _feedback_consented(self, e: model.Case.FeedbackConsented) -> None:
        self._feedback_answer(e, consent=True, reason=None)

    @handles(model.Case.FeedbackRefused)
    def _feedback_refused(self, e: model.Case.FeedbackRefused) -> None:
        self._feedback_answer(e, consent=False, reason=e.reason)
        self._feedback_decide(e, feedback_rules.REFUSED)

    @handles(model.Case.FeedbackReleased)
    def _feedback_released(self, e: model.Case.FeedbackReleased) -> None:
        self._feedback_decide(e, feedback_rules.RELEASED)

    @handles(model.Case.OrganisationJoined, model.Case.OrganisationLeft)
    def _feedback_table_changed(
        self, e: model.Case.OrganisationJoined | model.Case.OrganisationLeft
    ) -> None:
        self._feedback_readers(str(e.originator_id), erased=False)

    @handles(model.Case.Erased)
    def _feedback_erased(self, e: model.Case.Erased) -> None:
        """The text and reasons are unreadable without the key; drop them from the view too."""
        case_id = str(e.originator_id)
        self.db.execute("UPDATE feedback SET text=NULL WHERE case_id=?", (case_id,))
        self.db.execute(
            "UPDATE feedback_answers SET reason=NULL WHERE feedback_id IN "
            "(SELECT id FROM feedback WHERE case_id=?)", (case_id,))
        self._feedback_readers(case_id, erased=True)

    def _feedback_answer(self, e: model.Case.FeedbackConsented | model.Case.FeedbackRefused,
                consent: bool, reason: str | None) -> None:
        self.db.execute(
            "INSERT INTO feedback_answers VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.feedback_id), str(e.organisation_id), int(consent), reason,
             e.timestamp.isoformat(), self.position),
        )

    def _feedback_decide(self, e: model.Case.FeedbackRefused | model.Case.FeedbackReleased,
                status: str) -> None:
        self.db.execute(
            "UPDATE feedback SET status=?, decided_at=?, decided_on=? WHERE id=?",
            (status, self.position, e.timestamp.date().isoformat(), str(e.feedback_id)))
        self._feedback_readers(str(e.originator_id), erased=False)

    def _feedback_readers(self, case_id: str, erased: bool) -> None:
        """Rewrite the readers of every sheet of the case from the pure rule."""
        sheets = self.db.execute(
            "SELECT id, to_organisation_id, status FROM feedback WHERE case_id=?", (case_id,)
        ).fetchall()
        if not sheets:
            return
        table = [r[0] for r in self.db.execute(
            "SELECT organisation_id FROM case_organisations WHERE case_id=?", (case_id,))]
        rows: list[tuple[str, str, int]] = []
        for sheet in sheets:
            granted = feedback_rules.audience(table, sheet["to_organisation_id"],
                                              sheet["status"], erased)
            rows.extend((sheet["id"], key, int(text)) for key, text in granted.items())
        self.db.executemany("DELETE FROM feedback_readers WHERE feedback_id=?",
                            [(sheet["id"],) for sheet in sheets])
        self.db.executemany("INSERT INTO feedback_readers VALUES (?, ?, ?)", rows)
