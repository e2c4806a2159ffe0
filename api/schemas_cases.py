"""Request bodies of the cases capability (v1.1): a case on a person or on a situation, and
its corrections. A field that does not belong to the case's kind is a 422 naming that field."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from api.schemas import Body, Name, SubjectIn, Text

CaseKind = Literal["person", "situation"]
# Which of the two fields each kind has: a person case a subject, a situation a title.
_FIELD_OF_KIND = {"person": "subject", "situation": "title"}


class CaseCreate(Body):
    kind: CaseKind = "person"
    subject: SubjectIn | None = Field(default=None, validate_default=True)
    title: Name | None = Field(default=None, validate_default=True)
    summary: Text | None = None

    @field_validator("subject", "title")
    @classmethod
    def _belongs_to_kind(cls, value: object, info: ValidationInfo) -> object:
        kind = info.data.get("kind")
        if kind is None:  # the kind itself is invalid: that is the error to report
            return value
        ours = _FIELD_OF_KIND[kind] == info.field_name
        if ours and value is None:
            raise PydanticCustomError("missing", "Field required for a {kind} case",
                                      {"kind": kind})
        if not ours and value is not None:
            raise PydanticCustomError("extra_forbidden",
                                      "A {kind} case has no {field}",
                                      {"kind": kind, "field": info.field_name})
        return value


class CaseEdit(Body):
    """Omitted fields stay as they are; a value is replaced, never removed (null: 422)."""

    subject: SubjectIn | None = None
    summary: Text | None = None
    title: Name | None = None

    @field_validator("subject", "summary", "title")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Runs only for a field the body names: null is an attempt to remove it.
        if value is None:
            raise PydanticCustomError("not_null", "Omit the field to keep it; it cannot be "
                                      "removed")
        return value
