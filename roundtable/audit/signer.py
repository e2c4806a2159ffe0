"""The log signs itself: a checkpoint of both logs soon after they grow, and on shutdown.

`sign_logs` reads the events written since the last signed one straight from the event store
(never from a read model), appends their leaves to `SIGNED_EVENT_TREE` in the audit file and
signs the new root, in one transaction of that file: several processes signing at once
serialise on it and never sign a leaf twice. `AutoSigner` runs it on a thread of its own, woken
by every write of this process and polling for the writes of others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder

from domain.errors import ConflictError
from roundtable.audit.disclosures import DisclosureLog
from roundtable.audit.note import NoteSigner
from roundtable.audit.trail import (
    DISCLOSURE_TREE,
    DISCLOSURES_LOG,
    EVENTS_LOG,
    SIGNED_EVENT_TREE,
    Checkpoint,
    event_leaf,
    sign_checkpoint,
)
from roundtable.audit.tree import SqliteTree

log = logging.getLogger("roundtable.audit")

BATCH = 5000  # events appended per transaction of the audit file, so disclosures keep flowing


class TrailBroken(ConflictError):
    """A log no longer matches its newest checkpoint: signing over it would hide that."""


@dataclass(frozen=True)
class Signed:
    """What the newest signing covered: its event checkpoint, the position of the last event
    it covers, and the size of the disclosure log it covers."""

    checkpoint: Checkpoint
    position: int
    disclosures: int


def sign_logs(signer: NoteSigner, recorder: ApplicationRecorder, audit: DisclosureLog) -> Signed:
    """Sign a checkpoint of each log covering every entry stored before this call; raises
    `TrailBroken` (after signing the other log) for a log that no longer matches its newest
    checkpoint."""
    while True:
        with audit.signing() as db:
            size = SIGNED_EVENT_TREE.size(db)
            last = SIGNED_EVENT_TREE.leaf(db, size - 1) if size else None
            position = last[0] if last else 0
            found = recorder.select_notifications(start=position, limit=BATCH,
                                                  inclusive_of_start=False)
            for notification in found:
                SIGNED_EVENT_TREE.append(db, notification.id, event_leaf(notification), size)
                size, position = size + 1, notification.id
            if len(found) == BATCH:
                continue  # commit this batch; sign once the whole log is in
            events = _sign(db, signer, SIGNED_EVENT_TREE, EVENTS_LOG)
            disclosures = _sign(db, signer, DISCLOSURE_TREE, DISCLOSURES_LOG)
        if isinstance(events, TrailBroken):
            raise events
        if isinstance(disclosures, TrailBroken):
            raise disclosures
        return Signed(events, position, disclosures.size)


def _sign(db: Any, signer: NoteSigner, tree: SqliteTree, name: str) -> Checkpoint | TrailBroken:
    """Sign the tree's root, if it still extends the newest checkpoint of that log: a tree
    rewritten in the file is never signed (`verify` names where it was rewritten)."""
    size = tree.size(db)
    newest = db.execute("SELECT size, root FROM checkpoints WHERE log=? ORDER BY size DESC "
                        "LIMIT 1", (name,)).fetchone()
    if newest is not None and newest[0] and (
        size < newest[0] or tree.root(db, newest[0]) != bytes(newest[1])
    ):
        return TrailBroken(f"the {name} log no longer matches its checkpoint of size "
                          f"{newest[0]}: no checkpoint is signed over it; run `roundtable "
                          "verify`")
    checkpoint = sign_checkpoint(signer, name, size, tree.root(db, size) if size else None)
    db.execute("INSERT OR IGNORE INTO checkpoints VALUES (?, ?, ?, ?)",
               (checkpoint.log, checkpoint.size, checkpoint.root, checkpoint.note))
    return checkpoint


class AutoSigner:
    """Signs soon after any write (`SETTLE` seconds, so a burst of writes shares a checkpoint),
    polls every `POLL` seconds for writes of other processes, and signs once more on close.
    Signs only when a log grew."""

    SETTLE = 0.2
    POLL = 0.5

    def __init__(self, sign: Callable[[], Signed], head: Callable[[], int],
                 disclosures: Callable[[], int]) -> None:
        self._sign = sign
        self._head = head
        self._disclosures = disclosures
        self._signed: Signed | None = None
        self._warned: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="checkpoint-signer",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self, *_: object) -> None:
        self._wake.set()

    def close(self) -> None:
        """Stop the thread, then sign what it has not signed yet (once)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()
        self._try_to_sign()

    def grown(self) -> bool:
        signed = self._signed
        return signed is None or (self._head() > signed.position
                                  or self._disclosures() > signed.disclosures)

    def sign_if_grown(self) -> None:
        with self._lock:
            if self.grown():
                self._signed = self._sign()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.POLL)
            self._wake.clear()
            if self._stop.wait(self.SETTLE):
                return
            self._try_to_sign()

    def _try_to_sign(self) -> None:
        try:
            self.sign_if_grown()
        except Exception as error:  # a busy or full disk, a broken trail: say so once
            warning = f"could not sign a checkpoint ({type(error).__name__}: {error})"
            if warning != self._warned:
                log.warning(warning)
                self._warned = warning
        else:
            self._warned = None
