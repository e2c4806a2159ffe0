"""Reads across cases that the web page needs and `Reads` does not give (yet).

Each one is built from the permitted reads in `roundtable/reads.py` (so what a person may see is
decided there, once): the cases and meetings listed are exactly those `Reads.cases` and
`Reads.meeting` grant, the actions those `Reads.actions` grants per case. The month's JSON
endpoints (`GET /v1/people`, `/v1/meetings`, `/v1/actions`, `/v1/cases?status=&q=`) answer
the same questions; when their read functions land, these become calls to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from domain.errors import NotFoundError
from domain.rules import Role
from roundtable.context import Caller, Context
from roundtable.reads import Reads, organisation_json, person_json

Json = dict[str, Any]
# `/meetings` shows the coming meetings and those of this many past days (API.md).
MEETINGS_PAST_DAYS = 90
CASE_STATUSES = ("open", "closed", "erased")
# What `/actions` lists: what is still to be done.
ACTIVE_ACTIONS = ("proposed", "open")


@dataclass(frozen=True)
class Directory:
    """Names of the professionals and organisations of the table (not personal data)."""

    people: dict[str, Json]
    organisations: dict[str, Json]

    def person(self, person_id: str | None) -> str:
        found = self.people.get(person_id or "")
        return str(found["name"]) if found else "?"

    def organisation(self, organisation_id: str | None) -> str:
        found = self.organisations.get(organisation_id or "")
        return str(found["name"]) if found else "?"

    def organisation_of(self, person_id: str) -> str:
        found = self.people.get(person_id)
        return self.organisation(found["organisation_id"]) if found else "?"

    def by_name(self, person_ids: list[str]) -> list[str]:
        """The ids ordered by organisation name, then name."""
        return sorted(person_ids, key=lambda p: (self.organisation_of(p).casefold(),
                                                 self.person(p).casefold()))

    def sorted_organisations(self) -> list[Json]:
        return sorted(self.organisations.values(), key=lambda o: str(o["name"]).casefold())

    def active_people(self, *roles: Role) -> list[Json]:
        """Active people with one of `roles`, by organisation name then name."""
        wanted = {r.value for r in roles}
        found = [p for p in self.people.values() if p["active"] and p["role"] in wanted]
        return sorted(found, key=lambda p: (self.organisation(p["organisation_id"]).casefold(),
                                            str(p["name"]).casefold()))


def directory(ctx: Context) -> Directory:
    people = ctx.queries.db.execute("SELECT * FROM people ORDER BY since").fetchall()
    return Directory(
        people={str(r["id"]): person_json(dict(r)) for r in people},
        organisations={str(r["id"]): organisation_json(r)
                       for r in ctx.queries.organisations()},
    )


def cases(reads: Reads, caller: Caller, status: str | None, q: str | None,
          endpoint: str) -> list[Json]:
    """The caller's cases with a status filter and a search (as `GET /v1/cases?status=&q=`)."""
    return reads.cases(caller, status if status in CASE_STATUSES else None,
                       (q or "").strip() or None, endpoint)


def _matches(case: Json, wanted: str) -> bool:
    subject = case.get("subject") or {}
    name = str(subject.get("name") or case.get("title") or "").casefold()
    return str(case["reference"]).casefold() == wanted or wanted in name


def meetings(ctx: Context, reads: Reads, caller: Caller, today: date) -> list[Json]:
    """The meetings the caller may see (as `GET /v1/meetings`): the coming ones and those of
    the last 90 days, oldest first."""
    return reads.meetings(caller, today - timedelta(days=MEETINGS_PAST_DAYS), None)


def case_meetings(ctx: Context, reads: Reads, caller: Caller, case_id: UUID) -> list[Json]:
    """The meetings the caller may see with this case on the agenda, newest first."""
    rows = ctx.queries.db.execute(
        "SELECT m.id FROM meetings m JOIN meeting_cases c ON c.meeting_id=m.id "
        "WHERE c.case_id=? ORDER BY m.held_on DESC, m.since DESC", (str(case_id),)).fetchall()
    shown = []
    for row in rows:
        try:
            meeting = reads.meeting(caller, UUID(row["id"]), "GET /cases/{id}")
        except NotFoundError:
            continue
        if str(case_id) in meeting["case_ids"]:
            shown.append(meeting)
    return shown


def actions(reads: Reads, caller: Caller) -> list[Json]:
    """What is still to be done (`proposed` and `open` actions) across the caller's cases, as
    `GET /v1/actions?status=...` gives it (`Reads.all_actions`): those assigned to its own
    organisation (a chair: all), overdue first, then by due date (none last)."""
    mine = caller.role is not Role.CHAIR
    found = [action for status in ACTIVE_ACTIONS
             for action in reads.all_actions(caller, mine=mine, status=status,
                                             endpoint="GET /actions")]
    return sorted(found, key=lambda a: (not a["overdue"], a["due_on"] or "9999-12-31",
                                        a["id"]))
