"""The projection: each event updates the read-model tables and the permitted view.

The permitted view holds one row per (person, contribution) that `decide` lets the person see,
with `may_act`, whether the owner is shown, and `expires_us` (applied at read time). An event
recomputes exactly the pairs whose facts it changed, by calling `decide` again: the rule is
never restated here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from domain import model
from domain.ids import Position
from domain.rules import ContributionFacts, PersonFacts, Role, SharingRule, decide
from projections import facts
from projections.db import Db


class Projector:
    """Applies one event at a time inside the caller's transaction."""

    def __init__(self, db: Db, position: int) -> None:
        self.db = db
        self.position = Position(position)

    @singledispatchmethod
    def apply(self, event: Any) -> None:
        """Events that no read model needs (the case numbering) change nothing."""

    # --- round table, organisations, people

    @apply.register
    def _(self, e: model.RoundTable.Founded) -> None:
        self.db.execute(
            "INSERT INTO round_table VALUES (?, ?, 365, 365)", (str(e.originator_id), e.name)
        )

    @apply.register
    def _(self, e: model.RoundTable.SettingsChanged) -> None:
        self.db.execute(
            "UPDATE round_table SET retention_days=?, review_days=?",
            (e.retention_days_after_close, e.review_interval_days),
        )

    @apply.register
    def _(self, e: model.Organisation.Registered) -> None:
        self.db.execute(
            "INSERT INTO organisations VALUES (?, ?, ?, ?, ?, ?)",
            (str(e.originator_id), e.name, e.sector, e.kind, int(e.professional_secrecy),
             self.position),
        )

    @apply.register
    def _(self, e: model.Person.Registered) -> None:
        pid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (pid, e.name, str(e.organisation_id), e.role, e.token_hash, self.position),
        )
        if Role(e.role) in (Role.CHAIR, Role.MEMBER):
            self._refresh_person(pid)

    @apply.register
    def _(self, e: model.Person.Deactivated) -> None:
        pid = str(e.originator_id)
        self.db.execute("UPDATE people SET deactivated_at=? WHERE id=?", (self.position, pid))
        self._refresh_person(pid)

    # --- cases

    @apply.register
    def _(self, e: model.Case.Opened) -> None:
        self.db.execute(
            "INSERT INTO cases (id, reference, status, subject, summary, opened_on, opened_at) "
            "VALUES (?, ?, 'open', ?, ?, ?, ?)",
            (str(e.originator_id), e.reference, e.subject, e.summary, e.opened_on,
             self.position),
        )

    @apply.register
    def _(self, e: model.Case.OrganisationJoined) -> None:
        case_id, org_id = str(e.originator_id), str(e.organisation_id)
        self.db.execute(
            "INSERT INTO case_organisations VALUES (?, ?, ?)", (case_id, org_id, self.position)
        )
        self._refresh_case_for_organisation(case_id, org_id)

    @apply.register
    def _(self, e: model.Case.OrganisationLeft) -> None:
        case_id, org_id = str(e.originator_id), str(e.organisation_id)
        self.db.execute(
            "DELETE FROM case_organisations WHERE case_id=? AND organisation_id=?",
            (case_id, org_id),
        )
        self._refresh_case_for_organisation(case_id, org_id)

    @apply.register
    def _(self, e: model.Case.Closed) -> None:
        self.db.execute(
            "UPDATE cases SET status='closed', closed_at=?, closed_on=?, close_reason=? "
            "WHERE id=?",
            (self.position, e.closed_on, e.reason, str(e.originator_id)),
        )

    @apply.register
    def _(self, e: model.Case.Erased) -> None:
        """Purge everything the case showed; only its reference and status stay, for chairs."""
        case_id = str(e.originator_id)
        self.db.execute(
            "UPDATE cases SET status='erased', erased_at=?, subject=NULL, summary=NULL, "
            "close_reason=NULL WHERE id=?",
            (self.position, case_id),
        )
        self.db.execute("UPDATE contributions SET text=NULL WHERE case_id=?", (case_id,))
        self.db.execute("UPDATE actions SET description=NULL WHERE case_id=?", (case_id,))
        self._refresh(facts.contributions(self.db, "case_id=?", (case_id,)))

    # --- contributions

    @apply.register
    def _(self, e: model.Case.ContributionAdded) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.db.execute(
            "INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (cid, str(e.originator_id), str(e.contributor_id), str(e.owner_id), e.text,
             json.dumps(rule.to_json()), _str(rule.meeting_id), e.timestamp.isoformat(),
             self.position, self.position),
        )
        self._refresh_contribution(cid)

    @apply.register
    def _(self, e: model.Case.SharingChanged) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.db.execute(
            "UPDATE contributions SET rule=?, meeting_id=?, rule_at=? WHERE id=?",
            (json.dumps(rule.to_json()), _str(rule.meeting_id), self.position, cid),
        )
        self._refresh_contribution(cid)

    @apply.register
    def _(self, e: model.Case.ContributionWithdrawn) -> None:
        cid = str(e.contribution_id)
        self.db.execute(
            "UPDATE contributions SET withdrawn_at=? WHERE id=?", (self.position, cid)
        )
        self._refresh_contribution(cid)

    # --- actions

    @apply.register
    def _(self, e: model.Case.ActionAgreed) -> None:
        self.db.execute(
            "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (str(e.action_id), str(e.originator_id), e.description, str(e.assignee_id),
             e.due_on, json.dumps(facts.ids(e.based_on)), self.position,
             e.timestamp.date().isoformat()),
        )

    @apply.register
    def _(self, e: model.Case.ActionCompleted) -> None:
        self.db.execute(
            "UPDATE actions SET completed_at=? WHERE id=?", (self.position, str(e.action_id))
        )

    # --- meetings

    @apply.register
    def _(self, e: model.Meeting.Scheduled) -> None:
        mid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO meetings VALUES (?, ?, ?, NULL)", (mid, e.held_on, self.position)
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_cases VALUES (?, ?)",
            [(mid, c) for c in facts.ids(e.case_ids)],
        )
        self._refresh_meeting(mid)

    @apply.register
    def _(self, e: model.Meeting.AttendanceRecorded) -> None:
        mid = str(e.originator_id)
        self.db.execute("UPDATE meetings SET attendance_at=? WHERE id=?", (self.position, mid))
        self.db.execute("DELETE FROM meeting_present WHERE meeting_id=?", (mid,))
        self.db.executemany(
            "INSERT OR IGNORE INTO meeting_present VALUES (?, ?)",
            [(mid, p) for p in facts.ids(e.person_ids)],
        )
        self._refresh_meeting(mid)

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
