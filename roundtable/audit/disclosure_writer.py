"""The disclosure log written by one thread of its own, with the same promise: a record is
durable (committed, fsync'ed) before the answer that shows the text leaves.

A read hands its record over (`submit`) and gets a future, resolved by the writer once the
commit that holds it is done. An async endpoint awaits that future on the event loop: no worker
thread is held while the log syncs. Everything handed over while a commit runs goes into the
next one (group commit), in the order it was handed over. `record` is the blocking form, for
the reads that run on a worker thread anyway.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from uuid import UUID

from roundtable.audit.disclosures import Disclosure, DisclosureLog

_Item = tuple[Disclosure, "Future[None]"]
_Batch = list[_Item]  # named out here: `list` is also a method of the writer


class DisclosureWriter:
    def __init__(self, log: DisclosureLog) -> None:
        self.log = log
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        # `submit` and `close` take turns: nothing is handed over after the stop marker.
        self._handing = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="disclosure-writer", daemon=True)
        self._thread.start()

    def submit(self, person_id: UUID, ids: list[str], endpoint: str, case_id: UUID | None,
               kind: str = "contribution") -> Future[None]:
        """Hand a record over; the future is done once it is durable (or failed)."""
        done: Future[None] = Future()
        entry = self.log.entry(person_id, ids, endpoint, case_id, kind)
        with self._handing:
            if self._closed or not self._thread.is_alive():
                done.set_exception(RuntimeError("the disclosure writer is closed"))
                return done
            self._queue.put((entry, done))
        return done

    def record(self, person_id: UUID, ids: list[str], endpoint: str,
               case_id: UUID | None, kind: str = "contribution") -> None:
        """Returns once the record is committed; raises if it could not be."""
        durable(self.submit(person_id, ids, endpoint, case_id, kind))

    # The log's reads, for the reads that count or list its records (report, reciprocity).
    def list(self, case_id: UUID | None = None) -> list[Disclosure]:
        return self.log.list(case_id)

    def counts_by_person(self, since: str | None, until: str | None) -> dict[str, int]:
        return self.log.counts_by_person(since, until)

    def close(self) -> None:
        """Commit what was handed over, then stop."""
        with self._handing:
            self._closed = True
            if self._thread.is_alive():
                self._queue.put(None)  # after everything handed over; nothing comes after it
        self._thread.join()
        while True:  # handed over while it stopped: refused, never left waiting
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                item[1].set_exception(RuntimeError("the disclosure writer is closed"))

    def _run(self) -> None:
        stopping = False
        while not stopping:
            item = self._queue.get()
            if item is None:
                return
            batch = [item]
            while True:  # everything waiting joins this commit
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
            self._commit(batch)

    def _commit(self, batch: _Batch) -> None:
        try:
            self.log.commit([entry for entry, _ in batch])
        except Exception as error:  # every reader of this batch must hear about it
            for _, done in batch:
                done.set_exception(error)
        else:
            for _, done in batch:
                done.set_result(None)


def durable(done: Future[None]) -> None:
    """Wait for a handed-over record; the error every reader gets when it could not be kept."""
    try:
        done.result()
    except Exception as error:
        raise RuntimeError("the disclosure could not be recorded") from error
