"""Contributions, their sharing rules, and the permitted view they feed."""

from __future__ import annotations

import json

from domain import model
from domain.rules import SharingRule
from projections.views.base import ProjectionBase, _str, handles


class ContributionProjection(ProjectionBase):
    @handles(model.Case.ContributionAdded)
    def _added(self, e: model.Case.ContributionAdded) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.db.execute(
            "INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (cid, str(e.originator_id), str(e.contributor_id), str(e.owner_id), e.text,
             json.dumps(rule.to_json()), _str(rule.meeting_id), e.timestamp.isoformat(),
             self.position, self.position),
        )
        self._refresh_contribution(cid)

    @handles(model.Case.SharingChanged)
    def _sharing_changed(self, e: model.Case.SharingChanged) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.db.execute(
            "UPDATE contributions SET rule=?, meeting_id=?, rule_at=? WHERE id=?",
            (json.dumps(rule.to_json()), _str(rule.meeting_id), self.position, cid),
        )
        self._refresh_contribution(cid)

    @handles(model.Case.ContributionWithdrawn)
    def _withdrawn(self, e: model.Case.ContributionWithdrawn) -> None:
        cid = str(e.contribution_id)
        self.db.execute(
            "UPDATE contributions SET withdrawn_at=? WHERE id=?", (self.position, cid)
        )
        self._refresh_contribution(cid)
