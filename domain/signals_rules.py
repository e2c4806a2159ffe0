"""Who may read a signal, an information request and the notices: pure functions over plain
values, next to `decide` (domain/rules.py). The projector writes the readable rows of signals
from `may_read_signal`; requests are read by the viewers of their case (`may_read_request`,
which the case-visibility query implements); the property tests check both against these."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ids import OrganisationId, Position, SignalId
from domain.rules import METADATA_ONLY_ROLES, CaseFacts, PersonFacts, Role


@dataclass(frozen=True)
class SignalFacts:
    id: SignalId
    organisation_id: OrganisationId
    raised_at: Position


def confirmed(person: PersonFacts) -> bool:
    """A pending person (v1.1 confirmed membership) sees no signal and no request."""
    return person.confirmed


def may_use_signals(person: PersonFacts) -> bool:
    """Chairs and confirmed members; everyone else gets 403 on every signal endpoint."""
    return person.role in (Role.CHAIR, Role.MEMBER) and confirmed(person)


def may_read_signal(person: PersonFacts, signal: SignalFacts) -> bool:
    """Its subject, concern and triage: every chair and the raising organisation's people."""
    if not person.active or not may_use_signals(person):
        return False
    return person.role is Role.CHAIR or person.organisation_id == signal.organisation_id


def may_read_request(person: PersonFacts, case: CaseFacts) -> bool:
    """A request (its question, answer or reason) is read by the viewers of its case: every
    chair, and the members of the organisations on the case table while it is not erased."""
    if not person.active or not confirmed(person) or person.role in METADATA_ONLY_ROLES:
        return False
    if person.role is Role.CHAIR:
        return True
    return case.erased_at is None and person.organisation_id in case.table


def may_read_notices(person: PersonFacts) -> bool:
    """Table-level notices (GREEN or CLEAR): chairs and members, pending ones included."""
    return person.active and person.role in (Role.CHAIR, Role.MEMBER)
