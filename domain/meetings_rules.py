"""Meetings: who may read minutes, and the small rules of a meeting's life, as pure functions.

Written once and used twice, like `decide`: the projector writes a permitted row per (person,
minutes item) from `may_read_minutes`, and the read path reads those rows; no route decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NewType
from uuid import UUID

from domain.ids import CaseId, MeetingId, PersonId
from domain.rules import METADATA_ONLY_ROLES, PersonFacts, Role

MinutesId = NewType("MinutesId", UUID)


class MeetingKind(StrEnum):
    CASE = "case"  # cases on the agenda
    NETWORK = "network"  # training, the table's own business: no cases


class AgendaItem(StrEnum):
    NEW = "new"
    ONGOING = "ongoing"
    TO_CLOSE = "to_close"


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MinutesFacts:
    """What decides who may read one minutes item."""

    id: MinutesId
    meeting_id: MeetingId
    case_id: CaseId | None  # None: minutes of the meeting as a whole
    present: frozenset[PersonId]  # the meeting's attendance as recorded now
    case_erased: bool = False


def may_read_minutes(person: PersonFacts, minutes: MinutesFacts) -> bool:
    """Chairs and the people present, while active; never auditors or policy people.

    Excused is not present; colleagues of someone present are not present. Minutes of an
    erased case are read by nobody (their key is destroyed too).
    """
    if minutes.case_erased or not person.active or person.role in METADATA_ONLY_ROLES:
        return False
    return person.role is Role.CHAIR or person.id in minutes.present


def meeting_status(held: bool, cancelled: bool) -> MeetingStatus:
    """`held` once attendance is recorded; a held meeting cannot be cancelled."""
    if cancelled:
        return MeetingStatus.CANCELLED
    return MeetingStatus.HELD if held else MeetingStatus.PLANNED


def derived_item(on_an_earlier_agenda: bool) -> AgendaItem:
    """The item of a case given by v1's `case_ids`: `new` unless an earlier-dated meeting that
    is not cancelled had it on its agenda."""
    return AgendaItem.ONGOING if on_an_earlier_agenda else AgendaItem.NEW


def attendance_problem(role: Role, active: bool) -> str | None:
    """Why a person cannot be recorded present or excused, or None."""
    if not active:
        return "the person is deactivated"
    if role in METADATA_ONLY_ROLES:
        return "auditors and policy people are never recorded present or excused"
    return None
