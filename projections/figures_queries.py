"""The policy level's figures: raw counts of process facts, never a person, case or text.

The suppression of small counts is the reader's (`domain/figures_rules.py`); these are the
true counts, for the days from `since` to `until` inclusive (None: no bound).
"""

from __future__ import annotations

from typing import Any

from projections.query_base import QueryBase
from projections.views import figures

_END = "9999-12-31"


class FiguresQueries(QueryBase):
    def figures_facts(self, since: str | None, until: str | None) -> dict[tuple[str, str], int]:
        """(kind, detail) → how many facts of that kind were recorded in the period; the
        detail of a closing (the days open) is left out: see `figures_days_open`."""
        return {(r[0], r[1] or ""): int(r[2]) for r in self.db.execute(
            "SELECT kind, CASE WHEN kind=? THEN '' ELSE detail END AS d, COUNT(*) "
            "FROM figures_facts WHERE day>=? AND day<=? GROUP BY kind, d",
            (figures.CASE_CLOSED, since or "", until or _END))}

    def figures_days_open(self, since: str | None, until: str | None) -> list[int]:
        """How many days each case closed in the period had been open."""
        return [int(r[0]) for r in self.db.execute(
            "SELECT detail FROM figures_facts WHERE kind=? AND detail IS NOT NULL "
            "AND day>=? AND day<=?", (figures.CASE_CLOSED, since or "", until or _END))]

    def figures_signals(self, since: str | None, until: str | None) -> list[dict[str, Any]]:
        """Per status and sector of the raising organisation, the signals raised."""
        return [{"status": r[0], "sector": r[1], "n": int(r[2])} for r in self.db.execute(
            "SELECT s.status, COALESCE(o.sector, ''), COUNT(*) FROM figures_signals s "
            "LEFT JOIN organisations o ON o.id=s.organisation_id "
            "WHERE s.day>=? AND s.day<=? GROUP BY s.status, o.sector",
            (since or "", until or _END))]

    def figures_actions_overdue(self, today: str) -> int:
        """Agreed actions still open whose due day has passed."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM figures_actions WHERE open=1 AND due_on IS NOT NULL "
            "AND due_on<?", (today,)).fetchone()
        return int(row[0])

    def figures_meetings_held(self, since: str | None, until: str | None) -> int:
        """Meetings with attendance recorded and not cancelled, held in the period."""
        row = self.db.execute(
            "SELECT COUNT(*) FROM figures_meetings WHERE attended=1 AND cancelled=0 "
            "AND held_on>=? AND held_on<=?", (since or "", until or _END)).fetchone()
        return int(row[0])
