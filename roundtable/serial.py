"""Writes to one aggregate serialised inside the process, and the aggregate as last saved.

Concurrent writers to one case queue on the case's lock instead of racing to save the same
version and retrying against each other; writers to different cases do not wait for each other.
The lock is held across get, check, mutate and save; the catch-up of the views happens after it
is released, so the next writer of the case goes on while this one waits for its position.

Under its lock an aggregate comes from memory, as this process last saved it, brought forward
with any events stored since (another process, a command run from cron), instead of being
rebuilt from its snapshot and events on every write. An aggregate is taken out of memory for
a write and put back only once saved: a command that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, project_aggregate
from eventsourcing.domain import Aggregate


class KeyedLocks:
    """One re-entrant lock per key, made on first use and gone once no thread holds or waits
    for it (the registry keeps weak references)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[UUID, Any] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()

    def lock(self, key: UUID) -> Any:
        with self._guard:
            found = self._locks.get(key)
            if found is None:
                found = self._locks[key] = threading.RLock()
            return found

    @contextmanager
    def holding(self, keys: Iterable[UUID]) -> Iterator[None]:
        """Every key's lock, taken in one global order (so two writers of the same aggregates
        cannot deadlock), released on leaving."""
        held = [self.lock(key) for key in sorted(set(keys))]  # strong references while held
        taken = 0
        try:
            for lock in held:
                lock.acquire()
                taken += 1
            yield
        finally:
            for lock in reversed(held[:taken]):
                lock.release()

    def __len__(self) -> int:
        return len(self._locks)


class Serial:
    """The per-aggregate locks of the write path, and the aggregates last saved under them."""

    def __init__(self, app: Application[UUID], cache_size: int = 256) -> None:
        self.app = app
        self.locks = KeyedLocks()
        self.cache_size = cache_size
        self._saved: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._saved_lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def writing(self, keys: Iterable[UUID]) -> Iterator[None]:
        """Hold the locks of `keys` (this thread may then take their aggregates from memory)."""
        keys = frozenset(keys)
        held: frozenset[UUID] = self.held()
        with self.locks.holding(keys - held):
            self._local.held = held | keys
            try:
                yield
            finally:
                self._local.held = held

    def held(self) -> frozenset[UUID]:
        held: frozenset[UUID] = getattr(self._local, "held", frozenset())
        return held

    def take(self, aggregate_id: UUID) -> Aggregate | None:
        """The aggregate as this process last saved it, brought up to the store (None: not in
        memory, or not locked by this thread). It leaves memory until saved again."""
        if aggregate_id not in self.held():
            return None
        with self._saved_lock:
            aggregate = self._saved.pop(aggregate_id, None)
        if aggregate is None:
            return None
        newer = self.app.repository.event_store.get(aggregate_id, gt=aggregate.version)
        found: Aggregate | None = project_aggregate(aggregate, newer)
        return found

    def saved(self, aggregates: Iterable[Aggregate]) -> None:
        """Keep in memory the aggregates just saved whose locks this thread holds."""
        held = self.held()
        with self._saved_lock:
            for aggregate in aggregates:
                if aggregate.id in held:
                    self._saved[aggregate.id] = aggregate
                    self._saved.move_to_end(aggregate.id)
            while len(self._saved) > self.cache_size:
                self._saved.popitem(last=False)


@dataclass
class Change:
    """A change to one aggregate waiting for whichever writer of it holds its lock."""

    apply: Callable[[Any], Any]
    position: int = 0
    error: BaseException | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def fail(self, error: BaseException) -> None:
        if not self.finished.is_set():
            self.error = error
            self.finished.set()


class Combining:
    """The changes queued per aggregate (`WritePath._on_case(..., combine=True)`)."""

    def __init__(self) -> None:
        self._queues: dict[UUID, list[Change]] = {}
        self._lock = threading.Lock()

    def submit(self, key: UUID, apply: Callable[[Any], Any]) -> Change:
        change = Change(apply)
        with self._lock:
            self._queues.setdefault(key, []).append(change)
        return change

    def drain(self, key: UUID) -> list[Change]:
        with self._lock:
            return self._queues.pop(key, [])

    def waiting(self, key: UUID) -> int:
        """How many changes of the aggregate wait to be applied."""
        with self._lock:
            return len(self._queues.get(key, ()))
