"""The projection: each event updates the read-model tables and the permitted view.

One module per capability under `projections/views/`; this class gathers their handlers
(`@handles`) and dispatches each event to its handler, inside the caller's transaction. A new
capability is a new module and one line here. Events no read model needs change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.views.actions import ActionProjection
from projections.views.base import ProjectionBase
from projections.views.cases import CaseProjection
from projections.views.contributions import ContributionProjection
from projections.views.meetings import MeetingProjection
from projections.views.notices import NoticeProjection
from projections.views.people import PeopleProjection
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
):
    def apply(self, event: Any) -> None:
        for handler in HANDLERS.get(type(event), ()):
            handler(self, event)


def _handlers() -> dict[type[Any], list[Callable[[Any, Any], None]]]:
    """Every handler of each event class: several modules may follow one event (a case's
    erasure purges its contributions, its signals and its requests). They run in the order of
    `Projector`'s bases, so a module listed later finds the rows of those listed before it."""
    found: dict[type[Any], list[Callable[[Any, Any], None]]] = {}
    for cls in Projector.__mro__:
        for attribute in vars(cls).values():
            for event_type in getattr(attribute, "_handles", ()):
                found.setdefault(event_type, []).append(attribute)
    return found


HANDLERS = _handlers()

# Every table of every module, for the read-model store to create.
SCHEMAS = [cls.SCHEMA for cls in Projector.__mro__ if issubclass(cls, ProjectionBase)
           and cls.SCHEMA and "SCHEMA" in vars(cls)]
