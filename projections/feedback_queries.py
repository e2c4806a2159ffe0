"""Feedback sheets as the caller may read them: the rows `feedback_readers` grants.

A confirmed chair reads through the `chair` row, a confirmed member through its organisation's
row; nobody else reads a sheet. `sees_text` says whether the text and reasons may be shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.rules import PersonFacts
from projections.query_base import QueryBase, Row, _dicts, _one, _scope

_READER = (
    "(:confirmed=1 AND r.audience = CASE :role WHEN 'chair' THEN 'chair' "
    "WHEN 'member' THEN :org END)"
)
_COLUMNS = "f.*, r.sees_text, c.reference"
_FROM = (
    "FROM feedback f JOIN feedback_readers r ON r.feedback_id=f.id "
    "JOIN cases c ON c.id=f.case_id"
)


class FeedbackQueries(QueryBase):
    def feedback_for(self, person: PersonFacts, feedback_id: UUID) -> Row | None:
        return _one(self.db.execute(
            f"SELECT {_COLUMNS} {_FROM} WHERE f.id=:id AND {_READER}",
            {**_scope(person), "id": str(feedback_id)}).fetchone())

    def feedback_of_case(self, person: PersonFacts, case_id: UUID) -> list[Row]:
        return _dicts(self.db.execute(
            f"SELECT {_COLUMNS} {_FROM} WHERE f.case_id=:case AND {_READER} "
            "ORDER BY f.drafted_at", {**_scope(person), "case": str(case_id)}))

    def feedback_answers(self, feedback_ids: Iterable[str]) -> dict[str, list[Row]]:
        """The answers of these sheets, in the order they were given, with organisation names."""
        wanted = list(feedback_ids)
        found: dict[str, list[Row]] = {w: [] for w in wanted}
        if not wanted:
            return found
        marks = ",".join("?" * len(wanted))
        for row in self.db.execute(
            "SELECT a.*, o.name AS organisation_name FROM feedback_answers a "
            "JOIN organisations o ON o.id=a.organisation_id "
            f"WHERE a.feedback_id IN ({marks}) ORDER BY a.position", wanted):
            found[row["feedback_id"]].append(dict(row))
        return found
