"""Group commit of the event store: the events of concurrent writes stored in one transaction.

A commit of the event store waits for the disk (SQLite syncs its log on every commit, which is
what makes an acknowledged write survive a crash): about as long as the rest of a write. So
writes that arrive while one commits queue, and the next commit stores all of them at once;
each returns once the transaction holding its events is committed, never before.

If the shared transaction fails (an optimistic-concurrency conflict with a write of another
process, a full disk), nothing of it was stored, and each write is stored again on its own, so
that only the write at fault gets the error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification, Recording, StoredEvent

Insert = Callable[[Sequence[StoredEvent]], Sequence[int] | None]


@dataclass
class _Write:
    events: Sequence[Any]
    stored: list[StoredEvent]
    ids: Sequence[int] | None = None
    error: BaseException | None = None
    done: bool = False


@dataclass
class GroupCommit:
    insert: Insert  # one transaction; the notification ids of the events, in order
    commits: int = 0  # transactions committed (fewer than writes when writes were grouped)
    _queue: list[_Write] = field(default_factory=list)
    _committing: bool = False
    _turn: threading.Condition = field(default_factory=threading.Condition)

    def record(self, events: Sequence[Any], stored: list[StoredEvent]) -> list[Recording[UUID]]:
        """Store `stored` (the events mapped) with whatever else is waiting; their recordings
        once committed."""
        write, batch = _Write(events, stored), []
        with self._turn:
            self._queue.append(write)
            while self._committing and not write.done:
                self._turn.wait()
            if not write.done:  # no commit took it: this thread commits the queue
                self._committing = True
                batch, self._queue = self._queue, []
        if batch:
            try:
                self._commit(batch)
            finally:
                with self._turn:
                    self._committing = False
                    self._turn.notify_all()
        if write.error is not None:
            raise write.error
        return recordings(write)

    def waiting(self) -> int:
        """How many writes wait for the next commit."""
        with self._turn:
            return len(self._queue)

    def _commit(self, batch: list[_Write]) -> None:
        try:
            ids = self.insert([s for w in batch for s in w.stored])
        except Exception as error:
            if len(batch) == 1:  # its own error
                batch[0].error, batch[0].done = error, True
                return
            for write in batch:  # nothing was stored: each on its own, to find the one at fault
                self._commit([write])
            return
        self.commits += 1
        start = 0
        for write in batch:
            write.ids = ids[start:start + len(write.stored)] if ids else None
            start += len(write.stored)
            write.done = True


def recordings(write: _Write) -> list[Recording[UUID]]:
    if not write.ids:
        return []
    return [Recording(event, Notification(
        originator_id=s.originator_id, originator_version=s.originator_version, topic=s.topic,
        state=s.state, id=n)) for event, s, n in zip(write.events, write.stored, write.ids,
                                                     strict=True)]
