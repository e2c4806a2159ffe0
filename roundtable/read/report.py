"""The auditor's report: the process in figures, with no person, subject or text.

The counts come from a read model fed by event metadata alone (`projections/views/report.py`),
so the report needs no case key and keeps its counts after erasure; the reviews from the open
cases now; the disclosures from the disclosure log, by the organisation of who was shown.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, runtime_checkable

from domain.errors import NotPermittedError
from domain.rules import Role
from projections.query_base import Row
from projections.views import report
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath, period
from roundtable.read.privacy import due_for_review


@runtime_checkable
class DisclosureCounts(Protocol):
    def counts_by_person(self, since: str | None, until: str | None) -> dict[str, int]: ...


class ReportReads(ReadPath):
    def audit_report(self, caller: Caller, since: date | None, until: date | None) -> Json:
        """Figures for the days from `since` to `until`, inclusive (either left out: no bound);
        the reviews overdue are those of today."""
        if caller.role not in (Role.AUDITOR, Role.CHAIR) or not caller.facts.confirmed:
            raise NotPermittedError("only auditors and chairs read the audit report")
        start, end = period(since, until)
        counts = self.ctx.queries.report_counts(start, end)
        organisations = self.ctx.queries.organisations()
        return {
            "from": start,
            "to": end,
            "reviews_overdue": self._reviews_overdue(self.ctx.clock().date()),
            "red_contributions": counts.get(report.RED, 0),
            "withdrawals": counts.get(report.WITHDRAWAL, 0),
            "erasures": {"on_time": counts.get(report.ERASURE_ON_TIME, 0),
                         "late": counts.get(report.ERASURE_LATE, 0)},
            "feedback_released": counts.get(report.FEEDBACK_RELEASED, 0),
            "feedback_refused": counts.get(report.FEEDBACK_REFUSED, 0),
            "disclosures_by_organisation": self._disclosures(organisations, start, end),
            # The contract keys the counts by id; the names say whose they are.
            "organisations": {o["id"]: o["name"] for o in organisations},
        }

    def _reviews_overdue(self, today: date) -> list[Json]:
        """How many days each open case's review is overdue (0: due today), most first."""
        table = self.ctx.queries.round_table()
        assert table is not None
        rows = self.ctx.queries.open_cases_last_reviewed(today.isoformat())
        days = [(today - due_on).days
                for _, _, due_on in due_for_review(rows, table["review_days"], today)]
        return [{"days_overdue": n} for n in sorted(days, reverse=True)]

    def _disclosures(self, organisations: list[Row], since: str | None,
                     until: str | None) -> dict[str, int]:
        """Answers that showed personal data, by the organisation of who was shown (every
        organisation, 0 included)."""
        if not isinstance(self.disclosures, DisclosureCounts):
            raise TypeError("the disclosure log cannot count its records")
        by_person = self.disclosures.counts_by_person(since, until)
        found = {o["id"]: 0 for o in organisations}
        for person in self.ctx.queries.people():
            found[person["organisation_id"]] += by_person.get(person["id"], 0)
        return found
