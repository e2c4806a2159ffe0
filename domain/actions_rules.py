"""Actions: who may read one and its notes, which of its grounds a reader is shown, and when
it is overdue. Pure functions over plain values, like `decide` (no I/O, no clock).

The read models answer the same questions with queries (`projections/actions_queries.py`);
the property test checks them against these rules replayed from the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.ids import ContributionId
from domain.rules import CaseFacts, Decision, PersonFacts, Role

# An action still to be done; every other status is final.
ACTIVE = frozenset({"proposed", "open"})
OUTCOMES = ("done", "not_possible", "not_undertaken")
STATUSES = ("proposed", "open", *OUTCOMES, "cancelled")
DEFAULT_TIMEZONE = "Europe/Brussels"


def may_read_action(person: PersonFacts, case: CaseFacts) -> bool:
    """An action and its notes are read by the case's viewers: every active chair, and every
    active member of an organisation on the case table while the case is not erased; a
    pending person (not yet confirmed by its organisation) none."""
    if not person.active or not person.confirmed:
        return False
    if person.role is Role.CHAIR:
        return True
    return (person.role is Role.MEMBER and case.erased_at is None
            and person.organisation_id in case.table)


def grounds_shown(
    based_on: Iterable[ContributionId], decisions: Mapping[ContributionId, Decision]
) -> list[ContributionId]:
    """The grounds a reader is shown: those `decide` lets it see, and an anonymous one only
    if it may also see the owner; else the action, assigned by default to the owner, would
    link the source to the information."""
    return [c for c in based_on
            if (d := decisions.get(c)) is not None and d.see and d.sees_owner]


def overdue(status: str, due_on: str | None, today: date) -> bool:
    return status in ACTIVE and due_on is not None and date.fromisoformat(due_on) < today


def today_in(now: datetime, timezone: str) -> date:
    """The date at the round table (its time zone) at the moment `now`."""
    return now.astimezone(ZoneInfo(timezone)).date()


def cannot_ground(contribution_id: UUID) -> str:
    """One message for a ground that is missing, hidden, withdrawn or not actionable."""
    return f"contribution {contribution_id} cannot ground an action for this assignee"
