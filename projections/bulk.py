"""Applying a whole batch of the log at once, for a rebuild of the read models.

The projector runs as it always does, event by event, with one difference: the permitted view
is recomputed once at the end of the batch instead of after every event. A refresh the
projector asks for is noted (which contributions, for whom) and carried out by the
projector's own `_recompute`, on the facts as they stand when the batch ends.

That gives the same rows as the live projection because the permitted view is a function of
the current facts (`decide` on them; the property test checks this for random histories): a
pair refreshed early in a batch whose facts change later in it is refreshed again by the event
that changed them, so its last refresh, the one that counts, sees the facts of the batch's end.
`tests/test_rebuild.py` compares a rebuild with the live views table by table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from eventsourcing.persistence import Mapper, Notification

from domain.replay import Unseal
from domain.rules import ContributionFacts, PersonFacts
from projections import facts
from projections.db import Db, Rows
from projections.projector import Projector

BatchSink = Callable[[Db, Sequence[tuple[Notification, Any]]], None]


class Pending:
    """The permitted rows a batch still owes: every row of some contributions, and some
    (contribution, person) pairs whose old rows the projector already deleted."""

    def __init__(self) -> None:
        self.everyone: set[str] = set()
        self.pairs: defaultdict[str, set[str]] = defaultdict(set)

    def flush(self, db: Db, position: int) -> None:
        """Recompute what is owed, with the projector's `_recompute`, and forget it."""
        if not (self.everyone or self.pairs):
            return
        projector = Projector(_Memo(db), position)
        db.executemany("DELETE FROM permitted WHERE contribution_id=?",
                       [(cid,) for cid in self.everyone])
        people = facts.people(db)
        by_id = {str(p.id): p for p in people}
        owed = _contributions(db, self.everyone | set(self.pairs))
        # One call per group of contributions owed to the same people, in log order.
        groups: dict[frozenset[str], list[ContributionFacts]] = {}
        for contribution in owed:
            cid = str(contribution.id)
            whom = frozenset(by_id) if cid in self.everyone else frozenset(self.pairs[cid])
            groups.setdefault(whom, []).append(contribution)
        for whom, scope in groups.items():
            projector._recompute(scope, [by_id[p] for p in whom if p in by_id])
        self.everyone.clear()
        self.pairs.clear()


class DeferringProjector(Projector):
    """The projector, with the permitted view's recomputation noted in `pending`."""

    def __init__(self, db: Db, position: int, pending: Pending,
                 unseal: Unseal | None = None) -> None:
        super().__init__(db, position, unseal)
        self.pending = pending

    def _refresh_contribution(self, cid: str) -> None:
        self.pending.everyone.add(cid)

    def _refresh(self, scope: Sequence[ContributionFacts]) -> None:
        self.pending.everyone.update(str(c.id) for c in scope)

    def _recompute(self, scope: Sequence[ContributionFacts], people: list[PersonFacts]) -> None:
        ids = [str(p.id) for p in people]
        for contribution in scope:
            self.pending.pairs[str(contribution.id)].update(ids)


def apply_batch(
    db: Db,
    notifications: Sequence[Notification],
    mapper: Mapper[Any],
    sinks: Sequence[BatchSink],
    unseal: Unseal | None = None,
) -> None:
    """Project `notifications` (in log order) inside the caller's transaction; `unseal` opens
    the sealed owner of an anonymous contribution (the case keys)."""
    pending = Pending()
    batch = []
    for notification in notifications:
        event = mapper.to_domain_event(notification)
        DeferringProjector(db, notification.id, pending, unseal).apply(event)
        batch.append((notification, event))
    if notifications:
        pending.flush(db, notifications[-1].id)
    for sink in sinks:
        sink(db, batch)


class _Memo:
    """A `Db` that answers a repeated query from memory while nothing was written: the facts
    of one case or meeting, read again for each of its contributions during a flush."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.answers: dict[tuple[str, tuple[Any, ...]], list[Any]] = {}

    def execute(self, sql: str, parameters: Any = (), /) -> Rows:
        if not sql.lstrip().upper().startswith("SELECT"):
            self.answers.clear()
            return self.db.execute(sql, parameters)
        key = (sql, tuple(parameters))
        rows = self.answers.get(key)
        if rows is None:
            rows = self.answers[key] = self.db.execute(sql, parameters).fetchall()
        return _Rows(rows)

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any:
        self.answers.clear()
        return self.db.executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> Any:
        self.answers.clear()
        return self.db.executescript(sql_script)


class _Rows:
    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def fetchone(self) -> Any:
        return self.rows[0] if self.rows else None

    def fetchall(self) -> list[Any]:
        return list(self.rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def _contributions(db: Db, ids: set[str]) -> list[ContributionFacts]:
    found: list[ContributionFacts] = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        found += facts.contributions(db, f"id IN ({','.join('?' * len(chunk))})", chunk)
    return sorted(found, key=lambda c: c.added_at)
