"""The sharing rule of a contribution, and the one pure function that applies it.

`decide` is written once and used everywhere: the service refuses commands with it, the
permitted-view projection derives its rows from it, and the audit replay evaluates it as of a
position. It reads plain values only (no I/O, no clock: `now` is passed in).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.ids import CaseId, ContributionId, MeetingId, OrganisationId, PersonId, Position


class Tlp(StrEnum):
    RED = "RED"
    AMBER_STRICT = "AMBER+STRICT"
    AMBER = "AMBER"
    GREEN = "GREEN"
    CLEAR = "CLEAR"


class Role(StrEnum):
    CHAIR = "chair"
    MEMBER = "member"
    AUDITOR = "auditor"
    POLICY = "policy"


# Roles that never see contribution text or case subjects, whatever a rule says.
METADATA_ONLY_ROLES = frozenset({Role.AUDITOR, Role.POLICY})


@dataclass(frozen=True)
class SharingRule:
    """Who may see and act on one contribution (API.md, "Sharing rule of a contribution")."""

    tlp: Tlp
    meeting_id: MeetingId | None = None
    recipients: frozenset[PersonId] | None = None
    organisations: frozenset[OrganisationId] | None = None
    secrecy_bound_only: bool = False
    actionable_by: frozenset[OrganisationId] | None = None
    anonymous: bool = False
    expires_at: datetime | None = None

    def problems(self) -> list[tuple[str, str]]:
        """Shape errors as (field, why); references to other things are checked by the service."""
        found: list[tuple[str, str]] = []
        if self.tlp is Tlp.RED:
            if (self.meeting_id is None) == (self.recipients is None):
                found.append(("meeting_id", "RED needs exactly one of meeting_id or recipients"))
            if self.recipients is not None and not self.recipients:
                found.append(("recipients", "must name at least one person"))
        elif self.recipients is not None:
            found.append(("recipients", "only a RED contribution has named recipients"))
        if self.organisations is not None and not self.organisations:
            found.append(("organisations", "must name at least one organisation, or be left out"))
        if self.actionable_by is not None and not self.actionable_by:
            found.append(("actionable_by", "must name at least one organisation, or be left out"))
        if self.expires_at is not None and self.expires_at.tzinfo is None:
            found.append(("expires_at", "must carry a time zone"))
        return found

    def acting_organisations(self, owner: OrganisationId) -> frozenset[OrganisationId]:
        return self.actionable_by if self.actionable_by is not None else frozenset({owner})

    def expired(self, now: datetime | None) -> bool:
        return self.expires_at is not None and now is not None and now > self.expires_at

    def to_json(self) -> dict[str, Any]:
        """JSON-native form, as stored in events and shown to those who may see the owner."""
        return {
            "tlp": self.tlp.value,
            "meeting_id": _str_or_none(self.meeting_id),
            "recipients": _sorted_strs(self.recipients),
            "organisations": _sorted_strs(self.organisations),
            "secrecy_bound_only": self.secrecy_bound_only,
            "actionable_by": _sorted_strs(self.actionable_by),
            "anonymous": self.anonymous,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SharingRule:
        expires = data.get("expires_at")
        meeting = data.get("meeting_id")
        return cls(
            tlp=Tlp(data["tlp"]),
            meeting_id=MeetingId(UUID(meeting)) if meeting else None,
            recipients=_id_set(data.get("recipients"), PersonId),
            organisations=_id_set(data.get("organisations"), OrganisationId),
            secrecy_bound_only=bool(data.get("secrecy_bound_only", False)),
            actionable_by=_id_set(data.get("actionable_by"), OrganisationId),
            anonymous=bool(data.get("anonymous", False)),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


def _str_or_none(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


def _sorted_strs(values: frozenset[Any] | None) -> list[str] | None:
    return sorted(str(v) for v in values) if values is not None else None


def _id_set(values: Any, kind: Any) -> Any:
    return frozenset(kind(UUID(str(v))) for v in values) if values is not None else None


# --- Facts: the plain values `decide` reads, each stamped with the position that made it so.


@dataclass(frozen=True)
class PersonFacts:
    id: PersonId
    organisation_id: OrganisationId
    role: Role
    since: Position
    deactivated_at: Position | None = None
    # A pending person (added to an organisation that already had a confirmed person) sees
    # only GREEN and CLEAR until a confirmed person of its organisation confirms it.
    confirmed: bool = True

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


@dataclass(frozen=True)
class OrganisationFacts:
    id: OrganisationId
    professional_secrecy: bool
    since: Position


@dataclass(frozen=True)
class CaseFacts:
    id: CaseId
    table: Mapping[OrganisationId, Position] = field(default_factory=dict)
    erased_at: Position | None = None


@dataclass(frozen=True)
class MeetingFacts:
    id: MeetingId
    agenda: frozenset[CaseId]
    present: frozenset[PersonId] = frozenset()
    attendance_at: Position | None = None


@dataclass(frozen=True)
class ContributionFacts:
    id: ContributionId
    case_id: CaseId
    contributor_id: PersonId
    owner_id: OrganisationId
    rule: SharingRule
    added_at: Position
    rule_at: Position
    withdrawn_at: Position | None = None
    # RED given at a meeting: the people present as recorded when the rule was set. A later
    # attendance may take people out of the audience (it must still list them), never add.
    red_audience: frozenset[PersonId] | None = None


@dataclass(frozen=True)
class Reason:
    """One ground of a decision, citing the positions of the events that establish it."""

    text: str
    positions: tuple[Position, ...]

    def to_json(self) -> dict[str, Any]:
        return {"reason": self.text, "positions": list(self.positions)}


@dataclass(frozen=True)
class Decision:
    see: bool
    act: bool
    sees_owner: bool
    why: tuple[Reason, ...]


def _refuse(text: str, *positions: Position | None) -> Decision:
    cited = tuple(p for p in positions if p is not None)
    return Decision(see=False, act=False, sees_owner=False, why=(Reason(text, cited),))


def decide(
    person: PersonFacts,
    organisation: OrganisationFacts,
    contribution: ContributionFacts,
    case: CaseFacts,
    meeting: MeetingFacts | None,
    now: datetime | None,
) -> Decision:
    """May `person` see and act on `contribution`, and why.

    `meeting` is the meeting named by the rule's `meeting_id` (None if there is none).
    `now=None` leaves expiry out; the permitted view stores `expires_at` and applies it at read
    time, which gives the same answer as calling this with the reader's `now`.
    """
    rule = contribution.rule
    if case.erased_at is not None:
        return _refuse("the case was erased", case.erased_at)
    if not person.active:
        return _refuse("the person was deactivated", person.deactivated_at)
    if person.id == contribution.contributor_id:
        return _contributor_decision(person, contribution, now)
    if contribution.withdrawn_at is not None:
        return _refuse("withdrawn by its owner", contribution.withdrawn_at)
    if person.role in METADATA_ONLY_ROLES:
        return _refuse(f"a {person.role.value} never sees contribution text", person.since)
    if not person.confirmed and rule.tlp not in (Tlp.GREEN, Tlp.CLEAR):
        return _refuse("not yet confirmed by its organisation", person.since)
    if rule.expired(now):
        return _refuse("the sharing rule expired", contribution.rule_at)
    narrowing = _narrowing(person, organisation, contribution)
    if isinstance(narrowing, Decision):
        return narrowing
    audience = _audience(person, contribution, case, meeting)
    if audience is None:
        return _refuse(f"not in the audience of {rule.tlp.value}", contribution.rule_at)
    rule_reason = Reason(f"sharing rule {rule.tlp.value}", (contribution.rule_at,))
    return Decision(
        see=True,
        act=person.organisation_id in rule.acting_organisations(contribution.owner_id),
        sees_owner=_sees_owner(person, contribution),
        why=(audience, rule_reason, *narrowing),
    )


def _contributor_decision(
    person: PersonFacts, contribution: ContributionFacts, now: datetime | None
) -> Decision:
    rule = contribution.rule
    can_act = (
        contribution.withdrawn_at is None
        and not rule.expired(now)
        and person.organisation_id in rule.acting_organisations(contribution.owner_id)
    )
    reason = Reason("contributed it", (contribution.added_at,))
    return Decision(see=True, act=can_act, sees_owner=True, why=(reason,))


def _narrowing(
    person: PersonFacts, organisation: OrganisationFacts, contribution: ContributionFacts
) -> Decision | tuple[Reason, ...]:
    """The narrowing fields apply at every level: a refusal, or the reasons they let through."""
    rule, at = contribution.rule, contribution.rule_at
    reasons: list[Reason] = []
    if rule.organisations is not None:
        if person.organisation_id not in rule.organisations:
            return _refuse("narrowed to other organisations", at)
        reasons.append(Reason("organisation among those named", (at,)))
    if rule.secrecy_bound_only:
        if not organisation.professional_secrecy:
            return _refuse("narrowed to organisations bound by professional secrecy", at)
        reasons.append(Reason("bound by professional secrecy", (organisation.since, at)))
    return tuple(reasons)


def _audience(
    person: PersonFacts,
    contribution: ContributionFacts,
    case: CaseFacts,
    meeting: MeetingFacts | None,
) -> Reason | None:
    rule = contribution.rule
    if rule.tlp is Tlp.RED:
        return _red_audience(person, contribution, meeting)
    if rule.tlp in (Tlp.AMBER, Tlp.AMBER_STRICT):
        if person.role is Role.CHAIR:
            return Reason("chair of the round table", (person.since,))
        joined = case.table.get(person.organisation_id)
        if person.role is Role.MEMBER and joined is not None:
            return Reason("member of an organisation on the case table", (person.since, joined))
        return None
    if person.role in (Role.CHAIR, Role.MEMBER):
        return Reason(f"{person.role.value} at the round table", (person.since,))
    return None


def _red_audience(
    person: PersonFacts, contribution: ContributionFacts, meeting: MeetingFacts | None
) -> Reason | None:
    rule = contribution.rule
    if rule.recipients is not None:
        if person.id in rule.recipients:
            return Reason("named as a recipient", (contribution.rule_at,))
        return None
    if (
        meeting is not None
        and meeting.id == rule.meeting_id
        and contribution.case_id in meeting.agenda
        and person.id in meeting.present
        and meeting.attendance_at is not None
        and (contribution.red_audience is None or person.id in contribution.red_audience)
    ):
        return Reason("present at the meeting", (meeting.attendance_at,))
    return None


def _sees_owner(person: PersonFacts, contribution: ContributionFacts) -> bool:
    return (
        not contribution.rule.anonymous
        or person.role is Role.CHAIR
        or person.organisation_id == contribution.owner_id
    )


def utc_now() -> datetime:
    """The clock, read at the edge (routes and commands), never inside `decide`."""
    return datetime.now(UTC)
