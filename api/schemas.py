"""Request bodies, named by direction. Unknown fields are refused so a typo is a 422, not a
silently wider sharing rule."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
TlpLabel = Literal["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationCreate(Body):
    name: Name
    sector: Name
    kind: Literal["formal", "informal"]
    professional_secrecy: bool = False


class PersonCreate(Body):
    name: Name
    organisation_id: UUID
    role: Literal["chair", "member", "auditor", "policy"]


class SubjectIn(Body):
    name: Name
    birth_year: int | None = Field(default=None, ge=1900, le=2100)


class CaseCreate(Body):
    subject: SubjectIn
    summary: Text | None = None


class OrganisationRef(Body):
    organisation_id: UUID


class ReasonIn(Body):
    reason: Text


class MeetingCreate(Body):
    held_on: date
    case_ids: list[UUID] = Field(min_length=1, max_length=200)


class AttendanceIn(Body):
    person_ids: list[UUID] = Field(max_length=500)


class SharingRuleIn(Body):
    tlp: TlpLabel
    meeting_id: UUID | None = None
    recipients: list[UUID] | None = Field(default=None, max_length=500)
    organisations: list[UUID] | None = Field(default=None, max_length=500)
    secrecy_bound_only: bool = False
    actionable_by: list[UUID] | None = Field(default=None, max_length=500)
    anonymous: bool = False
    expires_at: AwareDatetime | None = None


class ContributionCreate(SharingRuleIn):
    text: Text


class ActionCreate(Body):
    description: Text
    assignee_organisation_id: UUID
    due_on: date | None = None
    based_on: list[UUID] = Field(default_factory=list, max_length=100)


class SettingsIn(Body):
    retention_days_after_close: int = Field(ge=0, le=3650)
    review_interval_days: int = Field(ge=1, le=3650)
    signal_retention_days: int | None = Field(default=None, ge=0, le=3650)
