"""Verify the trail: recompute every leaf from what is stored and check it against the tree
kept as it was written and against the signed checkpoints (and one an auditor kept).

A stored event that was altered, removed or reordered changes the recomputed leaf at its index:
the first index where recomputed and recorded leaves differ gives the first bad position. A
rewrite that also rebuilt the recorded tree is still caught by the checkpoints; the first bad
position is then the first one no intact checkpoint covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder

from projections.db import Db
from projections.runner import read_log
from roundtable.audit import merkle
from roundtable.audit.disclosures import DisclosureLog, disclosure_leaf
from roundtable.audit.note import NoteError, parse_checkpoint, verify_note
from roundtable.audit.trail import (
    DISCLOSURE_TREE,
    EVENT_TREE,
    EVENTS_LOG,
    Checkpoint,
    b64,
    event_leaf,
)


@dataclass(frozen=True)
class LogReport:
    ok: bool
    length: int
    head: str
    first_bad_position: int | None
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "length": self.length, "head": self.head,
                "first_bad_position": self.first_bad_position}


@dataclass(frozen=True)
class Recomputed:
    positions: list[int]
    hashes: list[bytes]
    tree: merkle.MemoryNodeStore

    def root(self, size: int) -> bytes:
        return merkle.root(self.tree, size) if size else merkle.EMPTY_ROOT


def recompute(leaves: Iterable[tuple[int, bytes]]) -> Recomputed:
    positions: list[int] = []
    hashes: list[bytes] = []
    tree = merkle.MemoryNodeStore()
    for position, data in leaves:
        h = merkle.leaf_hash(data)
        merkle.append_leaf_hash(tree, len(hashes), h)
        positions.append(position)
        hashes.append(h)
    return Recomputed(positions, hashes, tree)


def stored_events(recorder: ApplicationRecorder) -> Iterator[tuple[int, bytes]]:
    for notification in read_log(recorder):
        yield notification.id, event_leaf(notification)


def stored_disclosures(log: DisclosureLog) -> Iterator[tuple[int, bytes]]:
    for seq, entry in log.records():
        yield seq, disclosure_leaf(seq, entry)


def verify_log(
    recomputed: Recomputed,
    recorded: list[tuple[int, int, bytes]],
    checkpoints: list[Checkpoint],
    vkey: str,
) -> LogReport:
    """Check one log; `recorded` are the (index, position, hash) rows of its kept tree."""
    size = len(recomputed.hashes)
    head = b64(recomputed.root(size))
    for index, position, h in recorded:
        if index >= size or (recomputed.hashes[index], recomputed.positions[index]) != (
            h, position
        ):
            return LogReport(False, size, head, position, "a stored entry differs from its leaf")
    intact = 0
    for checkpoint in checkpoints:
        problem = _checkpoint_problem(checkpoint, recomputed, vkey)
        if problem is not None:
            return LogReport(False, size, head, _first_uncovered(recomputed, intact), problem)
        intact = max(intact, checkpoint.size)
    return LogReport(True, size, head, None)


def _checkpoint_problem(checkpoint: Checkpoint, recomputed: Recomputed, vkey: str) -> str | None:
    try:
        text = verify_note(checkpoint.note, vkey)
        _, size, root = parse_checkpoint(text)
    except NoteError:
        return f"the checkpoint of size {checkpoint.size} is not signed by the log's key"
    if size > len(recomputed.hashes):
        return f"the log is shorter than its checkpoint of size {size}"
    if recomputed.root(size) != root:
        return f"the log does not match its checkpoint of size {size}"
    return None


def _first_uncovered(recomputed: Recomputed, intact_size: int) -> int:
    """The position right after the last one an intact checkpoint vouches for (1 if none).

    Not the next entry still stored: when the entry at that index was deleted, the next one is
    an intact entry that moved up, and the deleted position is the first bad one.
    """
    return recomputed.positions[intact_size - 1] + 1 if intact_size else 1


def kept_checkpoint(note: str, vkey: str, origin: str) -> Checkpoint:
    """A checkpoint an auditor kept, checked against the published key and the event log's
    origin (a disclosure-log checkpoint is not mistaken for one of the event log)."""
    text = verify_note(note, vkey)
    found, size, root = parse_checkpoint(text)
    if found != origin:
        raise NoteError(f"it is a checkpoint of {found!r}, not of the event log {origin!r}")
    return Checkpoint(EVENTS_LOG, size, root, note)


def consistent_with_now(kept: Checkpoint, recomputed: Recomputed) -> bool:
    """A consistency proof from the kept checkpoint to today's root, verified as an auditor
    would: the log only grew since the auditor kept it."""
    size = len(recomputed.hashes)
    if kept.size == 0 or kept.size > size:
        return kept.size == 0
    proof = merkle.consistency_proof(recomputed.tree, kept.size, size)
    return merkle.verify_consistency(kept.size, size, proof, kept.root, recomputed.root(size))


def verify_all(
    recorder: ApplicationRecorder,
    views: Db,
    disclosures: DisclosureLog,
    vkey: str,
    kept: Checkpoint | None = None,
) -> tuple[LogReport, LogReport]:
    events = recompute(stored_events(recorder))
    checkpoints = disclosures.checkpoints(EVENTS_LOG)
    report = verify_log(events, list(EVENT_TREE.leaf_rows(views)), checkpoints, vkey)
    if report.ok and kept is not None and not consistent_with_now(kept, events):
        report = LogReport(False, report.length, report.head, _first_uncovered(events, 0),
                           "the log is not consistent with the kept checkpoint")
    return report, verify_disclosures(disclosures, vkey)


def verify_disclosures(log: DisclosureLog, vkey: str) -> LogReport:
    recomputed = recompute(stored_disclosures(log))
    with log.read_lock:
        recorded = list(DISCLOSURE_TREE.leaf_rows(log.reading()))
    return verify_log(recomputed, recorded, log.checkpoints("disclosures"), vkey)

