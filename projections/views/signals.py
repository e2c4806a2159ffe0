"""Signals, and who may read them: one row per (person, signal) that `may_read_signal` grants.

The rows are recomputed by the pure rule whenever its facts change: a signal raised, a person
registered or deactivated. Sealed fields are stored as sealed, with the id of the key that
opens them (`key_id`: the signal's own key, then its case's once accepted); an erasure (of the
signal by retention, or of its case) purges them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from domain import model
from domain.ids import OrganisationId, Position, SignalId
from domain.rules import PersonFacts
from domain.signals import Signal
from domain.signals_rules import SignalFacts, may_read_signal
from projections import facts
from projections.views.base import ProjectionBase, _str, handles

_PURGE = "subject=NULL, title=NULL, concern=NULL, reason=NULL, refer_to=NULL"


class SignalProjection(ProjectionBase):
    SCHEMA = """
CREATE TABLE IF NOT EXISTS signals (
    id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, raised_by TEXT NOT NULL,
    status TEXT NOT NULL, key_id TEXT NOT NULL, subject TEXT, title TEXT, concern TEXT,
    reason TEXT, refer_to TEXT, case_id TEXT, contribution_id TEXT, created_at TEXT NOT NULL,
    raised_on TEXT NOT NULL, raised_at INTEGER NOT NULL, triaged_by TEXT, triaged_on TEXT,
    triaged_at INTEGER, erased_at INTEGER);
CREATE INDEX IF NOT EXISTS signals_case ON signals(case_id);
CREATE TABLE IF NOT EXISTS signal_readers (
    person_id TEXT NOT NULL, signal_id TEXT NOT NULL, raised_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, signal_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS signal_readers_signal ON signal_readers(signal_id);
CREATE TABLE IF NOT EXISTS signal_settings (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

    @handles(Signal.Raised)
    def _signal_raised(self, e: Signal.Raised) -> None:
        sid = str(e.originator_id)
        self.db.execute(
            "INSERT INTO signals (id, organisation_id, raised_by, status, key_id, subject, title,"
            " concern, created_at, raised_on, raised_at) VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, "
            "?, ?)",
            (sid, str(e.organisation_id), str(e.raised_by), sid, e.subject, e.title, e.concern,
             e.timestamp.isoformat(), e.raised_on, self.position),
        )
        self._grant_signal_readers(_signals(self.db, "id=?", (sid,)), facts.people(self.db))

    @handles(Signal.Accepted)
    def _signal_accepted(self, e: Signal.Accepted) -> None:
        self.db.execute(
            "UPDATE signals SET status='accepted', key_id=?, case_id=?, contribution_id=?, "
            "subject=?, title=?, concern=?, reason=?, triaged_by=?, triaged_on=?, triaged_at=? "
            "WHERE id=?",
            (str(e.case_id), str(e.case_id), str(e.contribution_id), e.subject, e.title,
             e.concern, e.reason, _str(e.actor), e.triaged_on, self.position,
             str(e.originator_id)),
        )

    @handles(Signal.Declined)
    def _signal_declined(self, e: Signal.Declined) -> None:
        self._signal_triaged(e, "declined", e.reason, None)

    @handles(Signal.Referred)
    def _signal_referred(self, e: Signal.Referred) -> None:
        self._signal_triaged(e, "referred", e.reason, e.refer_to)

    def _signal_triaged(self, e: Any, status: str, reason: str, refer_to: str | None) -> None:
        self.db.execute(
            "UPDATE signals SET status=?, reason=?, refer_to=?, triaged_by=?, triaged_on=?, "
            "triaged_at=? WHERE id=?",
            (status, reason, refer_to, _str(e.actor), e.triaged_on, self.position,
             str(e.originator_id)),
        )

    @handles(Signal.Erased)
    def _signal_erased(self, e: Signal.Erased) -> None:
        self.db.execute(f"UPDATE signals SET {_PURGE}, erased_at=? WHERE id=?",
                        (self.position, str(e.originator_id)))

    @handles(model.Case.Erased)
    def _signals_of_erased_case(self, e: model.Case.Erased) -> None:
        """An accepted signal is erased with its case (its content was sealed under its key)."""
        self.db.execute(f"UPDATE signals SET {_PURGE}, erased_at=? WHERE case_id=?",
                        (self.position, str(e.originator_id)))

    @handles(model.Person.Registered, model.Person.Confirmed, model.Person.Deactivated)
    def _signal_readers_of_person(self, e: Any) -> None:
        self._refresh_person_signals(str(e.originator_id))

    def _refresh_person_signals(self, pid: str) -> None:
        """Every signal for one person (also the hook for the coming confirmation event)."""
        self.db.execute("DELETE FROM signal_readers WHERE person_id=?", (pid,))
        self._grant_signal_readers(_signals(self.db), facts.people(self.db, "id=?", (pid,)))

    @handles(model.RoundTable.SignalRetentionChanged)
    def _signal_retention(self, e: model.RoundTable.SignalRetentionChanged) -> None:
        self.db.execute("DELETE FROM signal_settings WHERE name='retention_days'")
        self.db.execute("INSERT INTO signal_settings VALUES ('retention_days', ?)",
                        (e.signal_retention_days,))

    def _grant_signal_readers(
        self, signals: Sequence[SignalFacts], people: Sequence[PersonFacts]
    ) -> None:
        """Insert the rows the rule grants for `signals` x `people` (their old rows are gone)."""
        self.db.executemany("INSERT INTO signal_readers VALUES (?, ?, ?)", [
            (str(p.id), str(s.id), s.raised_at)
            for p in people for s in signals if may_read_signal(p, s)])


def _signals(db: Any, where: str = "TRUE", params: Sequence[Any] = ()) -> list[SignalFacts]:
    rows = db.execute(
        f"SELECT id, organisation_id, raised_at FROM signals WHERE {where}", params).fetchall()
    return [SignalFacts(SignalId(UUID(r["id"])), OrganisationId(UUID(r["organisation_id"])),
                        Position(r["raised_at"])) for r in rows]
