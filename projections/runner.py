"""Feed the read models from the notification log, in order, exactly once.

SQLite has no subscription, so the service calls `catch_up()` itself: after every write (a read
after a write sees it) and before every read (events written by another process, such as a
command run from cron, are seen). Each batch of events and the tracking position commit in one
transaction, so a crash between batches loses nothing and repeats nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from domain.replay import Unseal
from projections.db import Db
from projections.projector import Projector
from projections.store import ViewStore


class Sink(Protocol):
    """Another read model fed from the same batches (the audit tree, for one)."""

    def __call__(self, db: Db, notification: Notification, event: Any) -> None:
        ...


TRACKING_NAME = "roundtable-views"


def read_log(
    recorder: ApplicationRecorder, stop: int | None = None, batch: int = 10_000, after: int = 0
) -> Iterator[Notification]:
    """Every stored notification in log order after position `after` (up to position `stop`),
    read in batches."""
    while True:
        found = recorder.select_notifications(
            start=after, limit=batch, stop=stop, inclusive_of_start=False
        )
        yield from found
        if len(found) < batch:
            return
        after = found[-1].id


class Catchup:
    def __init__(
        self,
        store: ViewStore,
        recorder: ApplicationRecorder,
        mapper: Mapper[Any],
        sinks: Sequence[Sink] = (),
        batch_size: int = 2000,
        unseal: Unseal | None = None,
    ) -> None:
        self.unseal = unseal
        self.store = store
        self.recorder = recorder
        self.mapper = mapper
        self.sinks = list(sinks)
        self.batch_size = batch_size
        self._seen = 0
        self._lock = threading.Lock()
        self._turn = threading.Condition()  # waiters for the one applying
        self._applying = False
        self.transactions = 0  # of the views, committed by this process's catch-up

    def wait_for(self, position: int) -> int:
        """Bring the views to at least `position` (here: by applying the log now).

        Group commit: concurrent writers wait here together, and whichever gets the lock first
        applies every event stored by then, theirs included, in one transaction; the others
        find their position reached and return without a transaction of their own."""
        if position <= self._seen:
            return self._seen
        with self._turn:
            while self._applying and position > self._seen:
                self._turn.wait()
            if position <= self._seen:  # applied while this thread waited
                return self._seen
            self._applying = True
        try:
            with self._lock:
                self._apply_up_to(max(position, self.recorder.max_notification_id() or 0))
        finally:
            with self._turn:
                self._applying = False
                self._turn.notify_all()
        return self._seen

    @property
    def position(self) -> int:
        """The position the read models have reached (as last seen by this process)."""
        return self._seen

    def catch_up(self) -> int:
        """Apply every event recorded so far; returns the position reached."""
        head = self.recorder.max_notification_id() or 0
        return self.wait_for(head) if head > self._seen else self._seen

    def _apply_up_to(self, head: int) -> None:
        while self._seen < head:
            self._seen = self._apply_batch(head)

    def _apply_batch(self, head: int) -> int:
        with self.store.write() as db:
            # Re-read inside the transaction: another process may have moved it on.
            position = self.store.position(TRACKING_NAME)
            if position >= head:
                return position
            notifications = self.recorder.select_notifications(
                start=position, limit=self.batch_size, stop=head, inclusive_of_start=False
            )
            for notification in notifications:
                event = self.mapper.to_domain_event(notification)
                Projector(db, notification.id, self.unseal).apply(event)
                for sink in self.sinks:
                    sink(db, notification, event)
            reached = notifications[-1].id if notifications else head
            db.execute(
                "INSERT INTO tracking VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET position=excluded.position",
                (TRACKING_NAME, reached),
            )
        self.transactions += 1
        return reached


class FollowingCatchup(Catchup):
    """An API process of a PostgreSQL deployment: the projection workers write the views; this
    process only reads how far they got, and waits for them after its own writes."""

    WAIT_SECONDS = 5.0

    def catch_up(self) -> int:
        self._seen = self.store.position(TRACKING_NAME)
        return self._seen

    def wait_for(self, position: int) -> int:
        deadline = time.monotonic() + self.WAIT_SECONDS
        while self.catch_up() < position and time.monotonic() < deadline:
            time.sleep(0.005)
        return self._seen
