"""Request bodies of the meetings routes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field, StringConstraints

from api.schemas import Body, Name, Text

Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
Decision = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2_000)
]


class AgendaItemIn(Body):
    case_id: UUID
    item: Literal["new", "ongoing", "to_close"]


class MeetingCreate(Body):
    held_on: date
    kind: Literal["case", "network"] = "case"
    starts_at: Clock | None = None
    place: Name | None = None
    agenda: list[AgendaItemIn] | None = Field(default=None, min_length=1, max_length=200)
    # v1: the cases alone, their items derived (new, or ongoing after an earlier meeting).
    case_ids: list[UUID] | None = Field(default=None, min_length=1, max_length=200)


class AttendanceIn(Body):
    person_ids: list[UUID] = Field(max_length=500)
    excused: list[UUID] = Field(default_factory=list, max_length=500)


class MinutesIn(Body):
    case_id: UUID | None = None
    text: Text
    decisions: list[Decision] = Field(default_factory=list, max_length=50)
