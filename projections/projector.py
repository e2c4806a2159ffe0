"""The projection: each event updates the read-model tables and the permitted view.

One module per capability under `projections/views/`; this class gathers their handlers
(`@handles`) and dispatches each event to its handler, inside the caller's transaction. A new
capability is a new module and one line here. Events no read model needs change nothing.
Several modules may handle one event (a figure counts what another view shows): they run in the
order of `Projector`'s bases, so a later module reads what an earlier one just wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.views.actions import ActionProjection
from projections.views.base import ProjectionBase
from projections.views.cases import CaseProjection
from projections.views.contributions import ContributionProjection
from projections.views.feedback import FeedbackProjection
from projections.views.meetings import MeetingProjection
from projections.views.people import PeopleProjection
from projections.views.report import ReportProjection


class Projector(
    PeopleProjection,
    CaseProjection,
    ContributionProjection,
    ActionProjection,
    MeetingProjection,
    FeedbackProjection,
    ReportProjection,
):
    def apply(self, event: Any) -> None:
        for handler in HANDLERS.get(type(event), ()):
            handler(self, event)


def _handlers() -> dict[type[Any], list[Callable[[Any, Any], None]]]:
    found: dict[type[Any], list[Callable[[Any, Any], None]]] = {}
    for cls in Projector.__mro__:  # its bases in the order listed
        for attribute in vars(cls).values():
            for event_type in getattr(attribute, "_handles", ()):
                found.setdefault(event_type, []).append(attribute)
    return found


HANDLERS = _handlers()

# Every table of every module, for the read-model store to create.
SCHEMAS = [cls.SCHEMA for cls in Projector.__mro__ if issubclass(cls, ProjectionBase)
           and cls.SCHEMA and "SCHEMA" in vars(cls)]
