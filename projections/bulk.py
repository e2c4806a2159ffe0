"""Applying the whole log at once, for a rebuild of the read models.

The projector runs as it always does, event by event, with one difference: it leaves the
permitted view alone, and `permit_all` computes that view once, when every event is in, from
the facts as they stand then (`decide` for every person on every contribution).

That gives the rows of the live projection because the permitted view is a function of the
current facts: the live projection recomputes a pair whenever an event changes one of its
facts, so the last recomputation of every pair, the one that counts, saw the final facts.
`tests/test_rebuild.py` compares a rebuild with the live views table by table, for random
histories.

`decide` runs once per distinct combination of what it reads (the person, the contribution's
rule, contributor, owner, case, withdrawal and RED audience): contributions that differ only in
their id and positions get the same grants, since positions enter only the reasons `decide`
cites, which the view does not keep.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, Notification

from domain.ids import PersonId
from domain.replay import Unseal
from domain.rules import (
    CaseFacts,
    ContributionFacts,
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    Tlp,
    decide,
)
from projections import facts
from projections.db import Db
from projections.projector import Projector
from projections.views.base import _str

BatchSink = Callable[[Db, Sequence[tuple[Notification, Any]]], None]
# What one contribution shows to whom: (person id, may act, sees owner, is its contributor).
Grants = list[tuple[str, int, int, int]]


class DeferringProjector(Projector):
    """The projector without the permitted view (`permit_all` makes it at the end)."""

    def _refresh_contribution(self, cid: str) -> None:
        pass

    def _refresh_meeting(self, mid: str) -> None:
        pass

    def _refresh_person(self, pid: str) -> None:
        pass

    def _refresh_case_for_organisation(self, case_id: str, org_id: str) -> None:
        pass

    def _refresh(self, scope: Sequence[ContributionFacts]) -> None:
        pass

    def _recompute(self, scope: Sequence[ContributionFacts], people: list[PersonFacts]) -> None:
        pass


def apply_batch(
    db: Db,
    notifications: Sequence[Notification],
    mapper: Mapper[Any],
    sinks: Sequence[BatchSink],
    unseal: Unseal | None = None,
) -> None:
    """Project `notifications` (in log order) inside the caller's transaction, all but the
    permitted view; `unseal` opens the sealed owner of an anonymous contribution."""
    batch = []
    for notification in notifications:
        event = mapper.to_domain_event(notification)
        DeferringProjector(db, notification.id, unseal).apply(event)
        batch.append((notification, event))
    for sink in sinks:
        sink(db, batch)


def permit_all(db: Db) -> int:
    """Fill the (empty) permitted view of a SQLite file from the facts as they stand; returns
    its rows.

    `decide` runs once per group of contributions alike in all it reads (a contribution given
    at a meeting is a group of its own: its RED audience is its own), for every person; SQL
    then joins each contribution to its group's grants and writes the rows in key order. The
    view's indexes are dropped meanwhile and made again from their own SQL (one sort each)."""
    people = facts.people(db)
    for sql in _TEMPORARY:
        db.execute(sql)
    grants = _Grants(db, people)
    red = _red_audiences(db)
    groups, granted = [], []
    for number, (case_id, rule, contributor_id, owner_id, live, single, first) in enumerate(
            db.execute(f"SELECT {_GROUP}, MIN(id) FROM contributions GROUP BY {_GROUP}")):
        row = db.execute(f"SELECT {_FACTS} FROM contributions WHERE id=?", (first,)).fetchone()
        contribution = facts.contribution_from_row(row, None)
        if single is not None and contribution.rule.tlp is Tlp.RED:  # as `facts` reads it
            contribution = replace(contribution, red_audience=red.get(single, frozenset()))
        groups.append((number, case_id, rule, contributor_id, owner_id, live, single,
                       _expires_us(contribution.rule.expires_at)))
        granted += [(number, *grant) for grant in grants.decide(contribution)]
    db.executemany("INSERT INTO temp.bulk_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?)", groups)
    db.executemany("INSERT INTO temp.bulk_grants VALUES (?, ?, ?, ?, ?)", granted)
    indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type='index' AND "
                         "tbl_name='permitted' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        db.execute(f"DROP INDEX {name}")
    db.execute(_PERMIT)
    for _, sql in indexes:
        db.execute(sql)
    for table in ("bulk_groups", "bulk_grants"):
        db.execute(f"DROP TABLE temp.{table}")
    return int(db.execute("SELECT COUNT(*) FROM permitted").fetchone()[0])


# What `decide` reads of a contribution, but for its id and positions (which it only cites).
_GROUP = ("case_id, rule, contributor_id, owner_id, withdrawn_at IS NULL, "
          "CASE WHEN meeting_id IS NOT NULL THEN id END")
_FACTS = ("id, case_id, contributor_id, owner_id, rule, added_at, rule_at, withdrawn_at, "
          "meeting_id")
_TEMPORARY = [
    "CREATE TEMP TABLE bulk_groups (grp INTEGER PRIMARY KEY, case_id, rule, contributor_id, "
    "owner_id, live, single, expires_us)",
    "CREATE INDEX temp.bulk_groups_key ON bulk_groups (case_id, rule, contributor_id, "
    "owner_id, live, single)",
    "CREATE TEMP TABLE bulk_grants (grp INTEGER NOT NULL, person_id, may_act, sees_owner, "
    "contributor)",
    "CREATE INDEX temp.bulk_grants_group ON bulk_grants (grp)",
]
_PERMIT = """
INSERT INTO permitted
SELECT g.person_id, c.id, c.case_id, c.added_at, g.may_act, g.sees_owner, g.contributor,
       k.expires_us
FROM contributions c
JOIN temp.bulk_groups k ON k.case_id IS c.case_id AND k.rule IS c.rule
    AND k.contributor_id IS c.contributor_id AND k.owner_id IS c.owner_id
    AND k.live IS (c.withdrawn_at IS NULL)
    AND k.single IS (CASE WHEN c.meeting_id IS NOT NULL THEN c.id END)
JOIN temp.bulk_grants g ON g.grp = k.grp
ORDER BY g.person_id, c.id
"""


class _Grants:
    """`decide` for every person on a contribution (the case and meeting facts read once)."""

    def __init__(self, db: Db, people: list[PersonFacts]) -> None:
        self.db = db
        self.people = people
        self.organisations: dict[Any, OrganisationFacts] = facts.organisations(db)
        self.cases: dict[str, CaseFacts] = {}
        self.meetings: dict[str | None, MeetingFacts | None] = {}

    def decide(self, contribution: ContributionFacts) -> Grants:
        case_id = str(contribution.case_id)
        case = self.cases.get(case_id)
        if case is None:
            case = self.cases[case_id] = facts.case(self.db, case_id)
        meeting_id = _str(contribution.rule.meeting_id)
        if meeting_id not in self.meetings:
            self.meetings[meeting_id] = facts.meeting(self.db, meeting_id)
        meeting = self.meetings[meeting_id]
        granted: Grants = []
        for person in self.people:
            d = decide(person, self.organisations[person.organisation_id], contribution, case,
                       meeting, None)
            if d.see:
                granted.append((str(person.id), int(d.act), int(d.sees_owner),
                                int(person.id == contribution.contributor_id)))
        return granted


def _red_audiences(db: Db) -> dict[str, frozenset[Any]]:
    """The recorded RED audience of each contribution that has one, as `facts` reads it."""
    found: dict[str, set[Any]] = {}
    for contribution_id, person_id in db.execute(
            "SELECT contribution_id, person_id FROM red_audience"):
        found.setdefault(contribution_id, set()).add(PersonId(UUID(person_id)))
    return {cid: frozenset(people) for cid, people in found.items()}


def _expires_us(expires: datetime | None) -> int | None:
    return int(expires.timestamp() * 1_000_000) if expires else None


__all__ = ["BatchSink", "DeferringProjector", "apply_batch", "permit_all"]
