"""Cases with what v1.1 added (kind, title, reopening), and case tables with names.

Which cases a caller may see is the v1 clause (`_CASE_VISIBLE`); nothing here widens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from domain.rules import PersonFacts
from projections.query_base import _CASE_VISIBLE, QueryBase, Row, _dicts, _one, _scope

# A case without a `case_details` row was opened before kinds existed: a person case.
_CASE_COLUMNS = (
    "c.*, COALESCE(d.kind, 'person') AS kind, d.title, d.reopened_on, d.reopen_reason, "
    "d.reopening_id"
)
_DETAILS = "LEFT JOIN case_details d ON d.case_id=c.id"


class CaseQueries(QueryBase):
    def visible_cases(self, person: PersonFacts, status: str | None = None) -> list[Row]:
        """The cases the caller may see, oldest first; with `status`, those of that status
        in the read model (an erased case's status is `erased`)."""
        where = "" if status is None else "AND c.status=:status "
        return _dicts(self.db.execute(
            f"SELECT {_CASE_COLUMNS} FROM cases c {_DETAILS} WHERE {_CASE_VISIBLE} {where}"
            "ORDER BY c.opened_at", {**_scope(person), "status": status}))

    def visible_case(self, person: PersonFacts, case_id: UUID) -> Row | None:
        return _one(self.db.execute(
            f"SELECT {_CASE_COLUMNS} FROM cases c {_DETAILS} "
            f"WHERE c.id=:case AND {_CASE_VISIBLE}",
            {**_scope(person), "case": str(case_id)}).fetchone())

    def case_details(self, case_ids: Sequence[str]) -> dict[str, Row]:
        """Kind, title and reopening of these cases (for rows read without them)."""
        if not case_ids:
            return {}
        rows = self.db.execute(
            "SELECT case_id, kind, title, reopened_on, reopen_reason, reopening_id "
            f"FROM case_details WHERE case_id IN ({','.join('?' * len(case_ids))})",
            list(case_ids))
        return {r["case_id"]: dict(r) for r in rows}

    def case_table(self, case_id: UUID) -> list[Row]:
        """The organisations on the case table with their names, in the order they joined;
        `since` is the position of the event that put them there."""
        return _dicts(self.db.execute(
            "SELECT t.organisation_id AS id, o.name, t.since FROM case_organisations t "
            "JOIN organisations o ON o.id=t.organisation_id WHERE t.case_id=? ORDER BY t.since",
            (str(case_id),)))
