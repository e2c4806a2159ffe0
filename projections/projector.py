"""The projection: each event updates the read-model tables and the permitted view.

One module per capability under `projections/views/`; this class gathers their handlers
(`@handles`) and dispatches each event to its handlers, inside the caller's transaction. A new
capability is a new module and one line here. Events no read model needs change nothing.
An event may have handlers in several modules: they run in the order of `Projector`'s bases,
so a later module reads what an earlier one wrote (the people table, the case's status).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.views.actions import ActionProjection
from projections.views.base import ProjectionBase
from projections.views.cases import CaseProjection
from projections.views.contributions import ContributionProjection
from projections.views.feedback import FeedbackProjection
from projections.views.figures import FiguresProjection
from projections.views.meetings import MeetingProjection
from projections.views.notices import NoticeProjection
from projections.views.people import PeopleProjection
from projections.views.report import ReportProjection
from projections.views.requests import RequestProjection
from projections.views.signals import SignalProjection


class Projector(
    PeopleProjection,
    CaseProjection,
    ContributionProjection,
    ActionProjection,
    MeetingProjection,
    SignalProjection,
    RequestProjection,
    NoticeProjection,
    FeedbackProjection,
    ReportProjection,
    FiguresProjection,
):
    def apply(self, event: Any) -> None:
        for handler in HANDLERS.get(type(event), ()):
            handler(self, event)


def _handlers() -> dict[type[Any], list[Callable[[Any, Any], None]]]:
    """Every module's handlers of each event class (an erasure concerns several modules), in
    the order of the bases (the people before whoever reads them); a method overridden by name
    counts once, as the most derived class defines it."""
    found: dict[type[Any], dict[str, Callable[[Any, Any], None]]] = {}
    for cls in Projector.__mro__:
        for name, attribute in vars(cls).items():
            for event_type in getattr(attribute, "_handles", ()):
                found.setdefault(event_type, {}).setdefault(name, attribute)
    return {event_type: list(by_name.values()) for event_type, by_name in found.items()}


HANDLERS = _handlers()

# Every table of every module, for the read-model store to create.
SCHEMAS = [cls.SCHEMA for cls in Projector.__mro__ if issubclass(cls, ProjectionBase)
           and cls.SCHEMA and "SCHEMA" in vars(cls)]
