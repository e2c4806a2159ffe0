"""Request bodies of the actions capability (and of closing a case with open actions)."""

from __future__ import annotations

from datetime import date
from typing import Literal
from uuid import UUID

from pydantic import Field, ValidationInfo, field_validator, model_validator

from api.schemas import Body, ReasonIn, Text

Outcome = Literal["done", "not_possible", "not_undertaken"]
Status = Literal["proposed", "open", "done", "not_possible", "not_undertaken", "cancelled"]


class CaseClose(ReasonIn):
    open_actions: Literal["cancel"] | None = None


class ActionNoteIn(Body):
    text: Text


class ActionOutcomeIn(Body):
    outcome: Outcome = "done"
    note: Text | None = Field(default=None, validate_default=True)

    @field_validator("note")
    @classmethod
    def _note_unless_done(cls, note: str | None, info: ValidationInfo) -> str | None:
        if note is None and info.data.get("outcome", "done") != "done":
            raise ValueError("a note is required unless the outcome is done")
        return note


class ActionCancelIn(Body):
    reason: Text


class ActionChange(Body):
    """`due_on: null` clears the due date; a field left out is left as it is."""

    assignee_organisation_id: UUID | None = None
    due_on: date | None = None

    @model_validator(mode="after")
    def _something(self) -> ActionChange:
        if not self.model_fields_set:
            raise ValueError("give assignee_organisation_id, due_on or both")
        return self
