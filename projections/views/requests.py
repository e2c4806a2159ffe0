"""Information requests between the organisations of a case table, and their answers.

Who may read them is who may see their case (`may_read_request`): the queries join the case's
visibility, so no rows of their own are needed. The question and the reason are stored sealed
under the case's key and purged when the case is erased.
"""

from __future__ import annotations

from domain import model
from projections.views.base import ProjectionBase, _str, handles


class RequestProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY, case_id TEXT NOT NULL, from_organisation_id TEXT NOT NULL,
    to_organisation_id TEXT NOT NULL, asked_by TEXT, question TEXT, status TEXT NOT NULL,
    contribution_id TEXT, reason TEXT, answered_by TEXT, created_at TEXT NOT NULL,
    asked_at INTEGER NOT NULL, answered_at INTEGER);
CREATE INDEX IF NOT EXISTS requests_case ON requests(case_id, asked_at);
CREATE INDEX IF NOT EXISTS requests_to ON requests(to_organisation_id, asked_at);
CREATE INDEX IF NOT EXISTS requests_from ON requests(from_organisation_id, asked_at);
"""

    @handles(model.Case.RequestAsked)
    def _request_asked(self, e: model.Case.RequestAsked) -> None:
        self.db.execute(
            "INSERT INTO requests (id, case_id, from_organisation_id, to_organisation_id, "
            "asked_by, question, status, created_at, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)",
            (str(e.request_id), str(e.originator_id), str(e.from_organisation_id),
             str(e.to_organisation_id), _str(e.actor), e.question, e.timestamp.isoformat(),
             self.position),
        )

    @handles(model.Case.RequestAnswered)
    def _request_answered(self, e: model.Case.RequestAnswered) -> None:
        self.db.execute(
            "UPDATE requests SET status='answered', contribution_id=?, answered_by=?, "
            "answered_at=? WHERE id=?",
            (str(e.contribution_id), _str(e.actor), self.position, str(e.request_id)),
        )

    @handles(model.Case.RequestDeclined)
    def _request_declined(self, e: model.Case.RequestDeclined) -> None:
        self.db.execute(
            "UPDATE requests SET status='declined', reason=?, answered_by=?, answered_at=? "
            "WHERE id=?",
            (e.reason, _str(e.actor), self.position, str(e.request_id)),
        )

    @handles(model.Case.Erased)
    def _requests_of_erased_case(self, e: model.Case.Erased) -> None:
        self.db.execute("UPDATE requests SET question=NULL, reason=NULL WHERE case_id=?",
                        (str(e.originator_id),))
