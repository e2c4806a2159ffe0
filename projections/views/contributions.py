"""Contributions, their sharing rules, and the permitted view they feed."""

from __future__ import annotations

import json
from functools import lru_cache

from domain import model
from domain.replay import owner_of
from domain.rules import SharingRule, Tlp
from projections.views.base import ProjectionBase, _str, handles


class ContributionProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS red_audience (
    contribution_id TEXT NOT NULL, person_id TEXT NOT NULL,
    PRIMARY KEY (contribution_id, person_id)) WITHOUT ROWID;
"""

    @handles(model.Case.ContributionAdded)
    def _added(self, e: model.Case.ContributionAdded) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        contributor, owner = owner_of(e, self.unseal)
        self.db.execute(
            "INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (cid, str(e.originator_id), str(contributor), str(owner), e.text,
             stored_rule(rule), _str(rule.meeting_id), e.timestamp.isoformat(),
             self.position, self.position),
        )
        self._fix_red_audience(cid, rule)
        self._refresh_contribution(cid)

    def _fix_red_audience(self, cid: str, rule: SharingRule) -> None:
        """RED given at a meeting: its audience is the attendance as recorded now."""
        self.db.execute("DELETE FROM red_audience WHERE contribution_id=?", (cid,))
        if rule.tlp is Tlp.RED and rule.meeting_id is not None:
            self.db.execute(
                "INSERT INTO red_audience SELECT ?, person_id FROM meeting_present "
                "WHERE meeting_id=?", (cid, str(rule.meeting_id)))

    @handles(model.Case.SharingChanged)
    def _sharing_changed(self, e: model.Case.SharingChanged) -> None:
        cid = str(e.contribution_id)
        rule = SharingRule.from_json(e.rule)
        self.db.execute(
            "UPDATE contributions SET rule=?, meeting_id=?, rule_at=? WHERE id=?",
            (stored_rule(rule), _str(rule.meeting_id), self.position, cid),
        )
        self._fix_red_audience(cid, rule)
        self._refresh_contribution(cid)

    @handles(model.Case.ContributionWithdrawn)
    def _withdrawn(self, e: model.Case.ContributionWithdrawn) -> None:
        cid = str(e.contribution_id)
        self.db.execute(
            "UPDATE contributions SET withdrawn_at=? WHERE id=?", (self.position, cid)
        )
        self._refresh_contribution(cid)


def stored_rule(rule: SharingRule) -> str:
    """A rule as the contributions table keeps it (most contributions share a few rules)."""
    # Equal datetimes may differ in their offset, which the stored text keeps: part of the key.
    return _stored_rule(rule, rule.expires_at.isoformat() if rule.expires_at else None)


@lru_cache(maxsize=4096)
def _stored_rule(rule: SharingRule, expires_at: str | None) -> str:
    return json.dumps(rule.to_json())
