"""Request bodies of the feedback sheet."""

from __future__ import annotations

from uuid import UUID

from api.schemas import Body, Text


class FeedbackCreate(Body):
    to_organisation_id: UUID
    text: Text


class FeedbackAnswer(Body):
    """`{consent: true}`, or `{consent: false, reason}` (checked by the command, which names
    `reason` when it is missing or given with a consent)."""

    consent: bool
    reason: Text | None = None
