"""Cases and their case tables."""

from __future__ import annotations

from domain import model
from projections import facts
from projections.views.base import ProjectionBase, handles


class CaseProjection(ProjectionBase):
    @handles(model.Case.Opened)
    def _opened(self, e: model.Case.Opened) -> None:
        self.db.execute(
            "INSERT INTO cases (id, reference, status, subject, summary, opened_on, opened_at) "
            "VALUES (?, ?, 'open', ?, ?, ?, ?)",
            (str(e.originator_id), e.reference, e.subject, e.summary, e.opened_on,
             self.position),
        )

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
        self.db.execute("UPDATE contributions SET text=NULL WHERE case_id=?", (case_id,))
        self.db.execute("UPDATE actions SET description=NULL WHERE case_id=?", (case_id,))
        self._refresh(facts.contributions(self.db, "case_id=?", (case_id,)))
