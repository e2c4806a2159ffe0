"""Signals through their readable rows, the requests of the cases a caller sees, notices.

Read authorization is a query: a signal is returned only through a `signal_readers` row (the
projector writes them from `may_read_signal`), a request only with a case the caller may see
(`_CASE_VISIBLE`, which is `may_read_request`).
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from domain.rules import PersonFacts
from projections.query_base import _CASE_VISIBLE, QueryBase, Row, _dicts, _one, _scope

DEFAULT_SIGNAL_RETENTION_DAYS = 90

_REQUESTS = (
    "SELECT r.*, c.reference AS case_reference FROM requests r JOIN cases c ON c.id=r.case_id "
    f"WHERE {_CASE_VISIBLE}"
)


class SignalQueries(QueryBase):
    # --- signals

    def signals_for(self, person: PersonFacts, status: str | None) -> list[Row]:
        wanted = " AND s.status=?" if status is not None else ""
        return _dicts(self.db.execute(
            "SELECT s.* FROM signal_readers r JOIN signals s ON s.id=r.signal_id "
            f"WHERE r.person_id=?{wanted} ORDER BY r.raised_at",
            (str(person.id), *([status] if status is not None else []))))

    def signal_for(self, person: PersonFacts, signal_id: UUID) -> Row | None:
        return _one(self.db.execute(
            "SELECT s.* FROM signal_readers r JOIN signals s ON s.id=r.signal_id "
            "WHERE r.person_id=? AND r.signal_id=?", (str(person.id), str(signal_id))
        ).fetchone())

    def signal_retention_days(self) -> int:
        row = self.db.execute(
            "SELECT value FROM signal_settings WHERE name='retention_days'").fetchone()
        return int(row[0]) if row is not None else DEFAULT_SIGNAL_RETENTION_DAYS

    def signals_triaged_before(self, day: str) -> list[Row]:
        """Declined or referred signals, not yet erased, triaged on or before `day`."""
        return _dicts(self.db.execute(
            "SELECT id, status, triaged_on FROM signals WHERE status IN ('declined', 'referred')"
            " AND erased_at IS NULL AND triaged_on<=? ORDER BY triaged_at", (day,)))

    def signals_without_own_key(self) -> list[str]:
        """Signals whose own key must be gone: accepted (re-sealed under the case's key) or
        erased."""
        return [r[0] for r in self.db.execute(
            "SELECT id FROM signals WHERE status='accepted' OR erased_at IS NOT NULL")]

    def person_names(self, person_ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted(set(person_ids))
        if not wanted:
            return {}
        rows = self.db.execute(
            f"SELECT id, name FROM people WHERE id IN ({','.join('?' * len(wanted))})", wanted)
        return {r[0]: r[1] for r in rows}

    # --- information requests

    def requests_for(
        self, person: PersonFacts, *, case_id: UUID | None = None, to_mine: bool = False,
        from_mine: bool = False,
    ) -> list[Row]:
        """The requests of the cases the caller sees: of one case, or those to or from the
        caller's organisation."""
        params = {**_scope(person), "case": str(case_id)}
        if case_id is not None:
            where = "r.case_id=:case"
        else:
            sides = [f"r.{side}_organisation_id=:org"
                     for side, wanted in (("to", to_mine), ("from", from_mine)) if wanted]
            where = " OR ".join(sides) or "FALSE"
        return _dicts(self.db.execute(f"{_REQUESTS} AND ({where}) ORDER BY r.asked_at",
                                      params))

    def request_for(self, person: PersonFacts, request_id: UUID) -> Row | None:
        return _one(self.db.execute(f"{_REQUESTS} AND r.id=:request",
                                    {**_scope(person), "request": str(request_id)}).fetchone())

    # --- notices

    def notices(self) -> list[Row]:
        return _dicts(self.db.execute("SELECT * FROM notices ORDER BY posted_at DESC"))
