"""What every query module shares: the connection and the visibility clauses.

Read authorization is a query here, never an `if` in a route: each function takes the caller and
returns only what the permitted view grants (None or nothing for the rest).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from domain.rules import PersonFacts
from projections.db import Db
from projections.store import ViewStore

Row = dict[str, Any]


def _us(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _dicts(rows: Iterable[Any]) -> list[Row]:
    return [dict(r) for r in rows]


def _one(row: Any | None) -> Row | None:
    return dict(row) if row is not None else None


_NOT_EXPIRED = "(p.contributor=1 OR p.expires_us IS NULL OR p.expires_us >= ?)"
_CONTRIBUTION_COLUMNS = (
    "c.id, c.case_id, c.contributor_id, c.owner_id, c.text, c.rule, c.created_at, "
    "c.added_at, c.rule_at, c.withdrawn_at, p.may_act, p.sees_owner, p.contributor, "
    "p.expires_us, p.expires_us < ? AS expired, u.name AS contributor_name, "
    "o.name AS owner_name"
)
# The owner's and contributor's names for `_CONTRIBUTION_COLUMNS` (a contribution of `c`).
_CONTRIBUTION_NAMES = (
    "LEFT JOIN people u ON u.id=c.contributor_id LEFT JOIN organisations o ON o.id=c.owner_id"
)
_CASE_VISIBLE = (
    "(:confirmed=1 AND (:role='chair' OR (:role='member' AND c.status!='erased' AND EXISTS ("
    "SELECT 1 FROM case_organisations t WHERE t.case_id=c.id AND t.organisation_id=:org))))"
)




class QueryBase:
    def __init__(self, store: ViewStore) -> None:
        self.store = store

    @property
    def db(self) -> Db:
        return self.store.connection()


def _scope(person: PersonFacts) -> dict[str, Any]:
    """The parameters of the visibility clauses: role, organisation, confirmed."""
    return {"role": person.role.value, "org": str(person.organisation_id),
            "confirmed": int(person.confirmed)}
