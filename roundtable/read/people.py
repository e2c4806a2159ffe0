"""The caller, the organisations and the people of the round table."""

from __future__ import annotations

from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class PeopleReads(ReadPath):
    def me(self, caller: Caller) -> Json:
        row = self.ctx.queries.person(caller.id)
        assert row is not None
        return person_json(row)

    def organisations(self) -> list[Json]:
        return [organisation_json(r) for r in self.ctx.queries.organisations()]


def person_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation_id": row["organisation_id"],
        "role": row["role"],
        "active": row["deactivated_at"] is None,
    }


def organisation_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "sector": row["sector"],
        "kind": row["kind"],
        "professional_secrecy": bool(row["professional_secrecy"]),
    }
