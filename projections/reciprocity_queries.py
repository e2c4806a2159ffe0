"""Reciprocity at the table: per organisation, what it gave, read, answered and attended.

Counts only, from the read model's rows; who was shown which contribution comes from the
disclosure log (`roundtable/read/reciprocity.py`). Periods are inclusive days (None: no bound):
a contribution's or request's day is when it was made or asked, a meeting's its `held_on`.
"""

from __future__ import annotations

from projections.query_base import QueryBase

_END = "9999-12-31"


class ReciprocityQueries(QueryBase):
    def contributions_given(self, since: str | None, until: str | None) -> dict[str, int]:
        """Organisation id → contributions its people made in the period."""
        return self._by_org(
            "SELECT p.organisation_id, COUNT(*) FROM contributions c "
            "JOIN people p ON p.id=c.contributor_id WHERE substr(c.created_at, 1, 10)>=? "
            "AND substr(c.created_at, 1, 10)<=? GROUP BY p.organisation_id", since, until)

    def contribution_organisations(self) -> dict[str, str]:
        """Contribution id → the organisation of the person who made it."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT c.id, p.organisation_id FROM contributions c "
            "JOIN people p ON p.id=c.contributor_id")}

    def requests_by_status(self, since: str | None, until: str | None) -> dict[str, dict[str, int]]:
        """Status → organisation asked → requests asked of it in the period."""
        found: dict[str, dict[str, int]] = {}
        for status, org, n in self.db.execute(
                "SELECT status, to_organisation_id, COUNT(*) FROM requests "
                "WHERE substr(created_at, 1, 10)>=? AND substr(created_at, 1, 10)<=? "
                "GROUP BY status, to_organisation_id", (since or "", until or _END)):
            found.setdefault(str(status), {})[str(org)] = int(n)
        return found

    def meetings_attended(self, since: str | None, until: str | None) -> dict[str, int]:
        """Organisation id → held meetings where one of its people was present."""
        return self._by_org(
            "SELECT p.organisation_id, COUNT(DISTINCT m.id) FROM meeting_present mp "
            "JOIN people p ON p.id=mp.person_id JOIN meetings m ON m.id=mp.meeting_id "
            "JOIN meeting_details d ON d.meeting_id=m.id WHERE d.status='held' "
            "AND m.held_on>=? AND m.held_on<=? GROUP BY p.organisation_id", since, until)

    def meetings_missed(self, since: str | None, until: str | None) -> dict[str, int]:
        """Organisation id → held case meetings with a case of its case tables on the agenda
        where none of its people was present or excused."""
        return self._by_org(
            "SELECT co.organisation_id, COUNT(DISTINCT m.id) FROM meetings m "
            "JOIN meeting_details d ON d.meeting_id=m.id "
            "JOIN meeting_cases mc ON mc.meeting_id=m.id "
            "JOIN case_organisations co ON co.case_id=mc.case_id "
            "WHERE d.status='held' AND d.kind='case' AND m.held_on>=? AND m.held_on<=? "
            "AND NOT EXISTS (SELECT 1 FROM people p WHERE p.organisation_id=co.organisation_id "
            "AND (EXISTS (SELECT 1 FROM meeting_present x WHERE x.meeting_id=m.id "
            "AND x.person_id=p.id) OR EXISTS (SELECT 1 FROM meeting_excused x "
            "WHERE x.meeting_id=m.id AND x.person_id=p.id))) "
            "GROUP BY co.organisation_id", since, until)

    def _by_org(self, sql: str, since: str | None, until: str | None) -> dict[str, int]:
        return {str(r[0]): int(r[1]) for r in self.db.execute(sql, (since or "", until or _END))}
