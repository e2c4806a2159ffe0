"""Request bodies of signals, information requests and notices."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from api.schemas import Body, Name, SubjectIn, Text


class SignalCreate(Body):
    subject: SubjectIn | None = None
    title: Name | None = None
    concern: Text


class TriageIn(Body):
    decision: Literal["accept", "decline", "refer"]
    reason: Text | None = None
    case_id: UUID | None = None
    refer_to: Name | None = None


class RequestCreate(Body):
    to_organisation_id: UUID
    question: Text


class AnswerIn(Body):
    """`{contribution_id}`, or `{declined: true, reason}`."""

    contribution_id: UUID | None = None
    declined: Literal[True] | None = None
    reason: Text | None = None


class NoticeCreate(Body):
    text: Text
    tlp: Literal["GREEN", "CLEAR"]
