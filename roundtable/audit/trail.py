"""The audit trail of the event log: a Merkle tree projection, event metadata, checkpoints.

Leaf `i` of the event tree is the `i`-th stored event in log order; its data is
`encode_leaf(position, stream id, version, topic, stored state)` (see `leaf.py`): the sealed
bytes as stored, so no leaf reveals personal data and erasure does not break verification.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Notification

from projections.db import Db
from roundtable.audit.leaf import encode_leaf
from roundtable.audit.merkle import EMPTY_ROOT
from roundtable.audit.note import NoteSigner, checkpoint_body
from roundtable.audit.tree import SqliteTree

EVENT_TREE = SqliteTree("event_tree")
DISCLOSURE_TREE = SqliteTree("disclosure_tree")
# The event leaves as the service signed them, kept with the checkpoints in the audit file.
SIGNED_EVENT_TREE = SqliteTree("signed_event_tree")
EVENTS_LOG = "events"
DISCLOSURES_LOG = "disclosures"

METADATA_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_events (
    position INTEGER PRIMARY KEY, idx INTEGER NOT NULL, type TEXT NOT NULL,
    stream_id TEXT NOT NULL, recorded_at TEXT, actor TEXT);
"""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def event_leaf(notification: Notification) -> bytes:
    return encode_leaf(notification.id, str(notification.originator_id),
                       notification.originator_version, notification.topic,
                       stored_bytes(notification.state))


def stored_bytes(state: object) -> bytes:
    """The stored state as bytes. The store writes BLOBs; a row rewritten with another SQLite
    type (TEXT from `replace()`, NULL, a number) can only come from tampering, which `verify`
    must report at its position (the leaf differs), never crash on."""
    if type(state) is bytes:  # what the store writes: the fast path of `verify`
        return state
    if isinstance(state, bytes | bytearray | memoryview):
        return bytes(state)
    if isinstance(state, str):
        return state.encode("utf-8")
    return repr(state).encode("utf-8")


def event_type(topic: str) -> str:
    """`domain.model:Case.ContributionAdded` -> `Case.ContributionAdded`."""
    return topic.rpartition(":")[2]


def create_event_trail(db: Db) -> None:
    EVENT_TREE.create(db)
    db.executescript(METADATA_SCHEMA)


def append_event(db: Db, notification: Notification, event: Any) -> None:
    """The projection sink: one leaf and one metadata row per stored event, in log order."""
    index = EVENT_TREE.append(db, notification.id, event_leaf(notification))
    db.execute("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?)",
               _metadata(notification, index, event))


def append_events(db: Db, batch: Sequence[tuple[Notification, Any]]) -> None:
    """`append_event` for a batch, in bulk (the same rows, a few statements in all)."""
    first = EVENT_TREE.append_many(db, ((n.id, event_leaf(n)) for n, _ in batch))
    db.executemany("INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?)",
                   [_metadata(n, first + i, event) for i, (n, event) in enumerate(batch)])


def _metadata(notification: Notification, index: int, event: Any) -> tuple[Any, ...]:
    timestamp = getattr(event, "timestamp", None)
    actor = getattr(event, "actor", None)
    return (notification.id, index, event_type(notification.topic),
            str(notification.originator_id), timestamp.isoformat() if timestamp else None,
            str(actor) if actor else None)


@dataclass(frozen=True)
class Checkpoint:
    log: str
    size: int
    root: bytes
    note: str

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "root": b64(self.root), "note": self.note}


def origin(signer: NoteSigner, log: str) -> str:
    return signer.name if log == EVENTS_LOG else f"{signer.name}/{log}"


def sign_checkpoint(signer: NoteSigner, log: str, size: int, root: bytes | None) -> Checkpoint:
    root = root if size else EMPTY_ROOT
    assert root is not None
    return Checkpoint(log, size, root, signer.sign(checkpoint_body(origin(signer, log), size,
                                                                   root)))
