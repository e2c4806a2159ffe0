"""What every projection module shares: the transaction, the event's position, and the
recomputation of the permitted view (one row per (person, contribution) `decide` grants).

A module marks its handlers with `@handles(EventClass)`; `Projector` gathers them. An event
recomputes exactly the pairs whose facts it changed, by calling `decide` again: the rule is never
restated here. Each module may declare `SCHEMA`, its tables (idempotent statements).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from domain.ids import Position
from domain.replay import Unseal
from domain.rules import ContributionFacts, PersonFacts, decide
from projections import facts
from projections.db import Db

F = TypeVar("F", bound=Callable[..., None])


def handles(*event_types: type[Any]) -> Callable[[F], F]:
    """Mark a method as the handler of these event classes."""

    def mark(method: F) -> F:
        method._handles = event_types  # type: ignore[attr-defined]
        return method

    return mark


class ProjectionBase:
    """Applies one event at a time inside the caller's transaction."""

    SCHEMA: ClassVar[str] = ""

    def __init__(self, db: Db, position: int, unseal: Unseal | None = None) -> None:
        self.db = db
        self.position = Position(position)
        self.unseal = unseal  # opens what only the case key shows (an anonymous owner)

    # --- recomputing the permitted view

    def _refresh_contribution(self, cid: str) -> None:
        self._refresh(facts.contributions(self.db, "id=?", (cid,)))

    def _refresh_meeting(self, mid: str) -> None:
        self._refresh(facts.contributions(self.db, "meeting_id=?", (mid,)))

    def _refresh_person(self, pid: str) -> None:
        self.db.execute("DELETE FROM permitted WHERE person_id=?", (pid,))
        # A new or deactivated person: every contribution not withdrawn, plus their own.
        scope = facts.contributions(self.db, "withdrawn_at IS NULL OR contributor_id=?", (pid,))
        self._recompute(scope, facts.people(self.db, "id=?", (pid,)))

    def _refresh_case_for_organisation(self, case_id: str, org_id: str) -> None:
        people = facts.people(self.db, "organisation_id=?", (org_id,))
        self.db.executemany(
            "DELETE FROM permitted WHERE person_id=? AND case_id=?",
            [(str(p.id), case_id) for p in people],
        )
        self._recompute(facts.contributions(self.db, "case_id=?", (case_id,)), people)

    def _refresh(self, scope: Sequence[ContributionFacts]) -> None:
        """Recompute every row of the contributions in `scope`."""
        self.db.executemany(
            "DELETE FROM permitted WHERE contribution_id=?", [(str(c.id),) for c in scope]
        )
        self._recompute(scope, facts.people(self.db))

    def _recompute(self, scope: Sequence[ContributionFacts], people: list[PersonFacts]) -> None:
        """Insert the rows `decide` grants for `scope` x `people` (their old rows are gone)."""
        if not scope or not people:
            return
        orgs = facts.organisations(self.db)
        rows: list[tuple[object, ...]] = []
        for contribution in scope:
            case = facts.case(self.db, str(contribution.case_id))
            meeting = facts.meeting(self.db, _str(contribution.rule.meeting_id))
            expires = contribution.rule.expires_at
            expires_us = int(expires.timestamp() * 1_000_000) if expires else None
            for person in people:
                d = decide(person, orgs[person.organisation_id], contribution, case, meeting,
                           None)
                if d.see:
                    rows.append((
                        str(person.id), str(contribution.id), str(contribution.case_id),
                        contribution.added_at, int(d.act), int(d.sees_owner),
                        int(person.id == contribution.contributor_id), expires_us,
                    ))
        self.db.executemany("INSERT INTO permitted VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _str(value: object | None) -> str | None:
    return str(value) if value is not None else None
