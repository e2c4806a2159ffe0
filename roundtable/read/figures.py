"""The policy level's figures: the process in counts, small counts suppressed.

The counts come from a read model fed by event metadata alone (`projections/views/figures.py`);
`domain/figures_rules.py` decides what a small count looks like. Never a person's name, a
reference, a case id or a text: only counts, case kinds, decisions, outcomes and sectors.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.actions_rules import today_in
from domain.errors import NotPermittedError
from domain.figures_rules import suppress, suppressed_median
from domain.rules import Role
from projections.views import figures
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath, period

KINDS = ("person", "situation")
DECISIONS = ("accepted", "declined", "referred", "new")
OUTCOMES = ("done", "not_possible", "not_undertaken", "cancelled")


class FiguresReads(ReadPath):
    def policy_figures(self, caller: Caller, since: date | None, until: date | None) -> Json:
        """Figures for the days from `since` to `until`, inclusive (either left out: no
        bound); the actions overdue are those of today."""
        if caller.role not in (Role.POLICY, Role.CHAIR) or not caller.facts.confirmed:
            raise NotPermittedError("only policy people and chairs read the policy figures")
        start, end = period(since, until)
        q = self.ctx.queries
        facts = q.figures_facts(start, end)
        signals = q.figures_signals(start, end)
        today = today_in(self.ctx.clock(), q.timezone()).isoformat()
        found: dict[str, Any] = {
            "cases_opened": sum(n for (k, _), n in facts.items() if k == figures.CASE_OPENED),
            "cases_closed": facts.get((figures.CASE_CLOSED, ""), 0),
            "cases_by_kind": {k: facts.get((figures.CASE_OPENED, k), 0) for k in KINDS},
            "signals_by_decision": {d: sum(s["n"] for s in signals if s["status"] == d)
                                    for d in DECISIONS},
            "signals_by_sector": _by_sector(signals),
            "actions_by_outcome": {o: facts.get((figures.ACTION_OUTCOME, o), 0)
                                   for o in OUTCOMES},
            "actions_overdue": q.figures_actions_overdue(today),
            "meetings_held": q.figures_meetings_held(start, end),
        }
        shown = _suppressed(found)
        shown["median_days_open"] = suppressed_median(q.figures_days_open(start, end))
        return {"from": start, "to": end, "figures": shown}


def _by_sector(signals: list[dict[str, Any]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for s in signals:
        found[s["sector"]] = found.get(s["sector"], 0) + s["n"]
    return found


def _suppressed(value: Any) -> Any:
    """Every count in `value` (nested dicts of counts) as the policy level may see it."""
    if isinstance(value, dict):
        return {k: _suppressed(v) for k, v in value.items()}
    return suppress(value)
