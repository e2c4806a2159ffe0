"""Reads of the action read models, scoped to what the caller may see.

An action and its notes are read by the viewers of its case (`domain.actions_rules.
may_read_action`): the same visibility clause as the case list. Its grounds are joined on the
permitted view, so a reader is shown only the contributions it may see, and an anonymous one
only if it may see the owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.actions_rules import DEFAULT_TIMEZONE
from domain.rules import PersonFacts
from projections.query_base import _CASE_VISIBLE, _NOT_EXPIRED, QueryBase, Row, _dicts, _scope, _us

_ACTIONS = (
    "SELECT a.*, c.reference AS case_reference, o.name AS assignee_name "
    "FROM actions a JOIN cases c ON c.id=a.case_id "
    "LEFT JOIN organisations o ON o.id=a.assignee_id "
    f"WHERE {_CASE_VISIBLE}"
)
_OVERDUE = "(a.status IN ('proposed', 'open') AND a.due_on IS NOT NULL AND a.due_on < :today)"
_CHUNK = 500


class ActionQueries(QueryBase):
    def actions_for(
        self,
        person: PersonFacts,
        *,
        today: str,
        case_id: UUID | None = None,
        mine: bool = False,
        status: str | None = None,
        overdue: bool | None = None,
    ) -> list[Row]:
        """The actions on the cases the person may see, narrowed by the filters given; one
        case's in the order they were made, across cases by due date (none last)."""
        where, params = [_ACTIONS], {**_scope(person), "today": today}
        if case_id is not None:
            where.append("a.case_id=:case")
            params["case"] = str(case_id)
        if mine:
            where.append("a.assignee_id=:org")
        if status is not None:
            where.append("a.status=:status")
            params["status"] = status
        if overdue is not None:
            where.append(_OVERDUE if overdue else f"NOT {_OVERDUE}")
        order = ("a.created_at" if case_id is not None
                 else "a.due_on IS NULL, a.due_on, a.created_at")
        return _dicts(self.db.execute(f"{' AND '.join(where)} ORDER BY {order}", params))

    def action_for(self, person: PersonFacts, action_id: UUID) -> Row | None:
        rows = self.db.execute(f"{_ACTIONS} AND a.id=:action",
                               {**_scope(person), "action": str(action_id)}).fetchall()
        return dict(rows[0]) if rows else None

    def action(self, action_id: UUID) -> Row | None:
        """Unscoped: for the write path, which has checked that the caller sees the case."""
        row = self.db.execute("SELECT * FROM actions WHERE id=?", (str(action_id),)).fetchone()
        return dict(row) if row is not None else None

    def grounds_for(
        self, person: PersonFacts, action_ids: Sequence[str], now: datetime
    ) -> dict[str, list[str]]:
        """The grounds of these actions that the person is shown, each action's in order."""
        shown: dict[str, list[str]] = {a: [] for a in action_ids}
        for start in range(0, len(action_ids), _CHUNK):
            chunk = list(action_ids[start:start + _CHUNK])
            rows = self.db.execute(
                "SELECT g.action_id, g.contribution_id FROM action_grounds g "
                "JOIN permitted p ON p.contribution_id=g.contribution_id AND p.person_id=? "
                f"WHERE g.action_id IN ({','.join('?' * len(chunk))}) AND p.sees_owner=1 "
                f"AND {_NOT_EXPIRED} ORDER BY g.action_id, g.ord",
                (str(person.id), *chunk, _us(now)))
            for row in rows:
                shown[row[0]].append(row[1])
        return shown

    def all_grounds(self, action_id: UUID) -> list[str]:
        """Every ground of the action, whoever may see it (for the write path's checks)."""
        return [r[0] for r in self.db.execute(
            "SELECT contribution_id FROM action_grounds WHERE action_id=? ORDER BY ord",
            (str(action_id),))]

    def notes_for(self, person: PersonFacts, action_id: UUID) -> list[Row]:
        """The notes of an action the person may read, oldest first, with their authors."""
        return _dicts(self.db.execute(
            "SELECT n.id, n.kind, n.text, n.at, n.person_id, u.name AS person_name, "
            "u.organisation_id, o.name AS organisation_name FROM action_notes n "
            "JOIN actions a ON a.id=n.action_id JOIN cases c ON c.id=a.case_id "
            "LEFT JOIN people u ON u.id=n.person_id "
            "LEFT JOIN organisations o ON o.id=u.organisation_id "
            f"WHERE n.action_id=:action AND {_CASE_VISIBLE} ORDER BY n.position",
            {**_scope(person), "action": str(action_id)}))

    def timezone(self) -> str:
        """The table's time zone (setting `timezone`, once there is one)."""
        row: Any = self.db.execute("SELECT * FROM round_table").fetchone()
        found = dict(row).get("timezone") if row is not None else None
        return str(found) if found else DEFAULT_TIMEZONE
