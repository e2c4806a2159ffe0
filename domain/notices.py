"""A notice: table-level news from the chair (next meeting, a training, a new partner).

Its text is sealed under a key of the notice's own, like every free text of the service.
"""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.model import Actor


class Notice(Aggregate):
    class Posted(Aggregate.Created):
        text: str
        tlp: str
        actor: Actor

    @event(Posted)
    def __init__(self, id: UUID, text: str, tlp: str, actor: Actor) -> None:
        self.tlp = tlp
