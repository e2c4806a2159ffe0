"""The auditor's report: counts of process facts, never a person, subject or text."""

from __future__ import annotations

from projections.query_base import QueryBase


class ReportQueries(QueryBase):
    def report_counts(self, since: str | None, until: str | None) -> dict[str, int]:
        """The report's facts recorded between the days (inclusive; None: no bound), counted
        by kind."""
        return {r[0]: int(r[1]) for r in self.db.execute(
            "SELECT kind, COUNT(*) FROM report_facts WHERE day>=? AND day<=? GROUP BY kind",
            (since or "", until or "9999-12-31"))}
