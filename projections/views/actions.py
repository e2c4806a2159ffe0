"""Actions agreed on cases."""

from __future__ import annotations

import json

from domain import model
from projections import facts
from projections.views.base import ProjectionBase, handles


class ActionProjection(ProjectionBase):
    @handles(model.Case.ActionAgreed)
    def _agreed(self, e: model.Case.ActionAgreed) -> None:
        self.db.execute(
            "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (str(e.action_id), str(e.originator_id), e.description, str(e.assignee_id),
             e.due_on, json.dumps(facts.ids(e.based_on)), self.position,
             e.timestamp.date().isoformat()),
        )

    @handles(model.Case.ActionCompleted)
    def _completed(self, e: model.Case.ActionCompleted) -> None:
        self.db.execute(
            "UPDATE actions SET completed_at=? WHERE id=?", (self.position, str(e.action_id))
        )
