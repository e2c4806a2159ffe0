"""Request bodies, named by direction. Unknown fields are refused so a typo is a 422, not a
silently wider sharing rule."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
TlpLabel = Literal["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"]
INT64_MAX = 2**63 - 1
"""The largest integer a query, path or header parameter takes: what both stores can hold."""


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


class RegisterChange(Body):
    mandate: Text | None = None
    offers: Text | None = None
    contact_person_id: UUID | None = None


class SubjectIn(Body):
    name: Name
    birth_year: int | None = Field(default=None, ge=1900, le=2100)


class OrganisationRef(Body):
    organisation_id: UUID


class ReasonIn(Body):
    reason: Text


class SharingRuleIn(Body):
    tlp: TlpLabel
    meeting_id: UUID | None = None
    recipients: list[UUID] | None = Field(default=None, max_length=500)
    organisations: list[UUID] | None = Field(default=None, max_length=500)
    secrecy_bound_only: bool = False
    actionable_by: list[UUID] | None = Field(default=None, max_length=500)
    anonymous: bool = False
    expires_at: AwareDatetime | None = None


class SharingRulePatch(Body):
    """Some fields of a sharing rule: those given replace the current ones, the others are
    kept. `null` clears a field that may be absent (`meeting_id`, `recipients`,
    `organisations`, `actionable_by`, `expires_at`)."""

    tlp: TlpLabel | None = None
    meeting_id: UUID | None = None
    recipients: list[UUID] | None = Field(default=None, max_length=500)
    organisations: list[UUID] | None = Field(default=None, max_length=500)
    secrecy_bound_only: bool | None = None
    actionable_by: list[UUID] | None = Field(default=None, max_length=500)
    anonymous: bool | None = None
    expires_at: AwareDatetime | None = None

    @field_validator("tlp", "secrecy_bound_only", "anonymous", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


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
