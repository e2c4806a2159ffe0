"""The caller, the organisations and the people of the round table (names of professionals
and organisations are not personal data: they are shown to every chair and member)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFoundError, NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class PeopleReads(ReadPath):
    def me(self, caller: Caller) -> Json:
        row = self.ctx.queries.person(caller.id)
        assert row is not None
        return person_json(row)

    def person(self, caller: Caller, person_id: UUID) -> Json:
        row = self.ctx.queries.person(person_id)
        if row is None:
            raise NotFoundError("no such person")
        return person_json(row)

    def people(self, caller: Caller) -> list[Json]:
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only chairs and members list the people of the table")
        return [{**person_json(r), "organisation": {"id": r["organisation_id"],
                                                    "name": r["organisation_name"]}}
                for r in self.ctx.queries.people()]

    def organisations(self) -> list[Json]:
        rows = self.ctx.queries.organisations()
        contacts = self.ctx.queries.names(
            "people", [r["contact_person_id"] for r in rows if r["contact_person_id"]])
        return [organisation_json(r, contacts) for r in rows]

    def names(self, table: str, ids: list[str]) -> dict[str, str]:
        """Names of people or organisations, to show who alongside an id."""
        return self.ctx.queries.names(table, ids)


def person_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation_id": row["organisation_id"],
        "role": row["role"],
        "active": row["deactivated_at"] is None,
        "confirmed": bool(row["confirmed"]),
    }


def organisation_json(row: Row, contacts: dict[str, str] | None = None) -> Json:
    contact = row.get("contact_person_id")
    return {
        "id": row["id"],
        "name": row["name"],
        "sector": row["sector"],
        "kind": row["kind"],
        "professional_secrecy": bool(row["professional_secrecy"]),
        "mandate": row.get("mandate"),
        "offers": row.get("offers"),
        "contact_person": {"id": contact, "name": (contacts or {}).get(contact)}
        if contact else None,
    }
