"""Typed identifiers. Every id is a UUID; a position is the place of an event in the log."""

from __future__ import annotations

from typing import NewType
from uuid import UUID

OrganisationId = NewType("OrganisationId", UUID)
PersonId = NewType("PersonId", UUID)
CaseId = NewType("CaseId", UUID)
MeetingId = NewType("MeetingId", UUID)
ContributionId = NewType("ContributionId", UUID)
ActionId = NewType("ActionId", UUID)
Position = NewType("Position", int)
SignalId = NewType("SignalId", UUID)
RequestId = NewType("RequestId", UUID)
NoticeId = NewType("NoticeId", UUID)
