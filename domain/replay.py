"""A pure, from-scratch fold of the event history into the facts `decide` reads.

Two users: the audit replay (what could person P see as of position N, computed from the log
up to N, not from today's views) and the property tests, which check the incremental
permitted-view projection against this independent evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import singledispatchmethod
from typing import Any
from uuid import UUID

from domain import model
from domain.ids import CaseId, ContributionId, MeetingId, OrganisationId, PersonId, Position
from domain.rules import (
    CaseFacts,
    ContributionFacts,
    Decision,
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    Role,
    SharingRule,
    Tlp,
    decide,
)

# Who contributed an anonymous contribution, once its case's key is gone (erased): nobody.
UNKNOWN = UUID(int=0)

# Opens a value sealed under a case's key: (case id, purpose, sealed) -> text, None if erased.
Unseal = Callable[[UUID, str, str], "str | None"]


def owner_of(e: model.Case.ContributionAdded, unseal: Unseal | None) -> tuple[
    PersonId, OrganisationId
]:
    """The contributor and owner organisation, from the clear fields or, for an anonymous
    contribution, from its sealed owner (which only a holder of the case key can open)."""
    if e.sealed_owner is None:
        assert e.contributor_id is not None
        assert e.owner_id is not None
        return PersonId(e.contributor_id), OrganisationId(e.owner_id)
    if unseal is None:
        raise RuntimeError("an anonymous contribution's owner is sealed: the case keys are "
                           "needed to project or replay it")
    opened = unseal(e.originator_id, f"owner:{e.contribution_id}", e.sealed_owner)
    if opened is None:
        return PersonId(UNKNOWN), OrganisationId(UNKNOWN)
    found = json.loads(opened)
    return PersonId(UUID(found["contributor_id"])), OrganisationId(UUID(found["owner_id"]))


@dataclass
class History:
    people: dict[PersonId, PersonFacts] = field(default_factory=dict)
    organisations: dict[OrganisationId, OrganisationFacts] = field(default_factory=dict)
    cases: dict[CaseId, CaseFacts] = field(default_factory=dict)
    meetings: dict[MeetingId, MeetingFacts] = field(default_factory=dict)
    contributions: dict[ContributionId, ContributionFacts] = field(default_factory=dict)
    position: Position = Position(0)
    recorded_at: datetime | None = None
    unseal: Unseal | None = None

    def apply(self, event: Any, position: int) -> None:
        self.position = Position(position)
        self.recorded_at = getattr(event, "timestamp", self.recorded_at)
        self._apply(event)

    def decide(self, person_id: PersonId, contribution_id: ContributionId,
               now: datetime | None) -> Decision:
        person = self.people[person_id]
        contribution = self.contributions[contribution_id]
        rule = contribution.rule
        meeting = self.meetings.get(rule.meeting_id) if rule.meeting_id else None
        return decide(person, self.organisations[person.organisation_id], contribution,
                      self.cases[contribution.case_id], meeting, now)

    def visible(self, person_id: PersonId, now: datetime | None) -> list[ContributionFacts]:
        """The contributions the person may see, in log order."""
        return [c for c in self.contributions.values()
                if self.decide(person_id, c.id, now).see]

    # --- the fold

    @singledispatchmethod
    def _apply(self, event: Any) -> None:
        """Events that decide nothing about visibility."""

    @_apply.register
    def _(self, e: model.Organisation.Registered) -> None:
        oid = OrganisationId(e.originator_id)
        self.organisations[oid] = OrganisationFacts(oid, e.professional_secrecy, self.position)

    @_apply.register
    def _(self, e: model.Person.Registered) -> None:
        pid = PersonId(e.originator_id)
        self.people[pid] = PersonFacts(pid, OrganisationId(e.organisation_id), Role(e.role),
                                       self.position, confirmed=e.confirmed)

    @_apply.register
    def _(self, e: model.Person.Confirmed) -> None:
        pid = PersonId(e.originator_id)
        self.people[pid] = replace(self.people[pid], confirmed=True)

    @_apply.register
    def _(self, e: model.Person.Deactivated) -> None:
        pid = PersonId(e.originator_id)
        self.people[pid] = replace(self.people[pid], deactivated_at=self.position)

    @_apply.register
    def _(self, e: model.Case.Opened) -> None:
        self.cases[CaseId(e.originator_id)] = CaseFacts(CaseId(e.originator_id))

    @_apply.register
    def _(self, e: model.Case.OrganisationJoined) -> None:
        case = self.cases[CaseId(e.originator_id)]
        table = {**case.table, OrganisationId(e.organisation_id): self.position}
        self.cases[case.id] = replace(case, table=table)

    @_apply.register
    def _(self, e: model.Case.OrganisationLeft) -> None:
        case = self.cases[CaseId(e.originator_id)]
        table = {k: v for k, v in case.table.items() if k != e.organisation_id}
        self.cases[case.id] = replace(case, table=table)

    @_apply.register
    def _(self, e: model.Case.Erased) -> None:
        case = self.cases[CaseId(e.originator_id)]
        self.cases[case.id] = replace(case, erased_at=self.position)

    @_apply.register
    def _(self, e: model.Case.ContributionAdded) -> None:
        cid = ContributionId(e.contribution_id)
        contributor, owner = owner_of(e, self.unseal)
        rule = SharingRule.from_json(e.rule)
        self.contributions[cid] = ContributionFacts(
            id=cid, case_id=CaseId(e.originator_id), contributor_id=contributor,
            owner_id=owner, rule=rule, added_at=self.position, rule_at=self.position,
            red_audience=self._present_at(rule),
        )

    @_apply.register
    def _(self, e: model.Case.SharingChanged) -> None:
        cid = ContributionId(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.contributions[cid] = replace(
            self.contributions[cid], rule=rule, rule_at=self.position,
            red_audience=self._present_at(rule),
        )

    def _present_at(self, rule: SharingRule) -> frozenset[PersonId] | None:
        """The attendance as recorded now, for RED given at a meeting (else None)."""
        if rule.tlp is not Tlp.RED or rule.meeting_id is None:
            return None
        meeting = self.meetings.get(rule.meeting_id)
        return meeting.present if meeting is not None else frozenset()

    @_apply.register
    def _(self, e: model.Case.ContributionWithdrawn) -> None:
        cid = ContributionId(e.contribution_id)
        self.contributions[cid] = replace(self.contributions[cid], withdrawn_at=self.position)

    @_apply.register
    def _(self, e: model.Meeting.Scheduled) -> None:
        mid = MeetingId(e.originator_id)
        self.meetings[mid] = MeetingFacts(mid, frozenset(CaseId(c) for c in e.case_ids))

    @_apply.register
    def _(self, e: model.Meeting.AttendanceRecorded) -> None:
        mid = MeetingId(e.originator_id)
        self.meetings[mid] = replace(
            self.meetings[mid], present=frozenset(PersonId(p) for p in e.person_ids),
            attendance_at=self.position,
        )
