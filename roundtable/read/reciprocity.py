"""Reciprocity (chair): one row per organisation, active or not, of what it gives and takes.

`contributions_read` counts the distinct contributions of other organisations its people were
shown, from the disclosure log (each answer that showed contributions lists their ids).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from domain.errors import NotPermittedError
from domain.rules import Role
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath, period


@runtime_checkable
class DisclosureList(Protocol):
    def list(self) -> list[object]: ...


class ReciprocityReads(ReadPath):
    def reciprocity(self, caller: Caller, since: date | None, until: date | None) -> list[Json]:
        """Counts for the days from `since` to `until`, inclusive (either left out: no bound)."""
        if caller.role != Role.CHAIR or not caller.facts.confirmed:
            raise NotPermittedError("only chairs read the reciprocity at the table")
        start, end = period(since, until)
        q = self.ctx.queries
        given = q.contributions_given(start, end)
        requests = q.requests_by_status(start, end)
        attended, missed = q.meetings_attended(start, end), q.meetings_missed(start, end)
        read = self._contributions_read(start or "", end or "9999-12-31")
        return [{
            "organisation_id": o["id"], "name": o["name"],
            "contributions_given": given.get(o["id"], 0),
            "contributions_read": len(read.get(o["id"], ())),
            "requests_answered": requests.get("answered", {}).get(o["id"], 0),
            "requests_declined": requests.get("declined", {}).get(o["id"], 0),
            "meetings_attended": attended.get(o["id"], 0),
            "meetings_missed": missed.get(o["id"], 0),
            "asked_times": sum(by.get(o["id"], 0) for by in requests.values()),
        } for o in q.organisations()]

    def _contributions_read(self, since: str, until: str) -> dict[str, set[str]]:
        """Organisation id → the contributions of other organisations its people were shown."""
        if not isinstance(self.disclosures, DisclosureList):
            raise TypeError("the disclosure log cannot list its records")
        owners = self.ctx.queries.contribution_organisations()
        people = {p["id"]: p["organisation_id"] for p in self.ctx.queries.people()}
        found: dict[str, set[str]] = {}
        for d in self.disclosures.list():
            org = people.get(getattr(d, "person_id", ""))
            if org is None or not since <= getattr(d, "at", "")[:10] <= until:
                continue
            for cid in getattr(d, "contribution_ids", ()):
                if owners.get(cid, org) != org:
                    found.setdefault(org, set()).add(cid)
        return found
