"""Cases and their case tables.

`case_details` holds what v1.1 added to a case (its kind, its sealed title, its last
reopening), in a table of its own so that a read model built before v1.1 gains it without a
migration: a case without a row there is a person case that was never reopened.
"""

from __future__ import annotations

from domain import model
from projections import facts
from projections.views.base import ProjectionBase, handles


class CaseProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS case_details (
    case_id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT, reopened_on TEXT,
    reopen_reason TEXT, reopening_id TEXT);
"""

    @handles(model.Case.Opened)
    def _opened(self, e: model.Case.Opened) -> None:
        self.db.execute(
            "INSERT INTO cases (id, reference, status, subject, summary, opened_on, opened_at) "
            "VALUES (?, ?, 'open', ?, ?, ?, ?)",
            (str(e.originator_id), e.reference, e.subject, e.summary, e.opened_on,
             self.position),
        )
        self.db.execute(
            "INSERT INTO case_details (case_id, kind, title) VALUES (?, ?, ?)",
            (str(e.originator_id), e.kind, e.title),
        )

    @handles(model.Case.Edited)
    def _edited(self, e: model.Case.Edited) -> None:
        case_id = str(e.originator_id)
        self.db.execute(
            "UPDATE cases SET subject=COALESCE(?, subject), summary=COALESCE(?, summary) "
            "WHERE id=?", (e.subject, e.summary, case_id))
        if e.title is not None:
            self.db.execute("UPDATE case_details SET title=? WHERE case_id=?",
                            (e.title, case_id))

    @handles(model.Case.Reopened)
    def _reopened(self, e: model.Case.Reopened) -> None:
        case_id = str(e.originator_id)
        self.db.execute(
            "UPDATE cases SET status='open', closed_at=NULL, closed_on=NULL, close_reason=NULL "
            "WHERE id=?", (case_id,))
        self.db.execute(
            "INSERT INTO case_details (case_id, kind, reopened_on, reopen_reason, reopening_id) "
            "VALUES (?, 'person', ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
            "reopened_on=excluded.reopened_on, reopen_reason=excluded.reopen_reason, "
            "reopening_id=excluded.reopening_id",
            (case_id, e.reopened_on, e.reason, str(e.reopening_id)))

    @handles(model.Case.OrganisationJoined)
    def _joined(self, e: model.Case.OrganisationJoined) -> None:
        case_id, org_id = str(e.originator_id), str(e.organisation_id)
        self.db.execute(
            "INSERT INTO case_organisations VALUES (?, ?, ?)", (case_id, org_id, self.position)
        )
        self._refresh_case_for_organisation(case_id, org_id)

    @handles(model.Case.OrganisationLeft)
    def _left(self, e: model.Case.OrganisationLeft) -> None:
        case_id, org_id = str(e.originator_id), str(e.organisation_id)
        self.db.execute(
            "DELETE FROM case_organisations WHERE case_id=? AND organisation_id=?",
            (case_id, org_id),
        )
        self._refresh_case_for_organisation(case_id, org_id)

    @handles(model.Case.Closed)
    def _closed(self, e: model.Case.Closed) -> None:
        self.db.execute(
            "UPDATE cases SET status='closed', closed_at=?, closed_on=?, close_reason=? "
            "WHERE id=?",
            (self.position, e.closed_on, e.reason, str(e.originator_id)),
        )

    @handles(model.Case.Erased)
    def _erased(self, e: model.Case.Erased) -> None:
        """Purge everything the case showed; only its reference and status stay, for chairs."""
        case_id = str(e.originator_id)
        self.db.execute(
            "UPDATE cases SET status='erased', erased_at=?, subject=NULL, summary=NULL, "
            "close_reason=NULL WHERE id=?",
            (self.position, case_id),
        )
        self.db.execute(
            "UPDATE case_details SET title=NULL, reopen_reason=NULL WHERE case_id=?", (case_id,))
        self.db.execute("UPDATE contributions SET text=NULL WHERE case_id=?", (case_id,))
        self.db.execute("UPDATE actions SET description=NULL WHERE case_id=?", (case_id,))
        self._refresh(facts.contributions(self.db, "case_id=?", (case_id,)))
