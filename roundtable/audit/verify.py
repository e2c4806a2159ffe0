"""Verify the trail: rebuild the tree from what is stored and check it against the tree kept as
it was written (when the read models hold one), against the newest signed checkpoint (and one
an auditor kept).

A stored event that was altered, removed or reordered changes the recomputed leaf at its index:
the first index where recomputed and recorded leaves differ gives the first bad position. The
service signs a checkpoint at most a second after every write and keeps the leaves it signed
apart from the read models, so a rewrite covered up by deleting the read models is still named
at its position: the signed leaves, authenticated by the checkpoint's root, say which entry
changed. Only if those leaves were rewritten too is the first bad position the first one no
intact older checkpoint covers.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import ApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder

from projections.db import Db
from projections.runner import read_log
from roundtable.audit import merkle
from roundtable.audit.disclosures import DisclosureLog, disclosure_leaf
from roundtable.audit.leaf import encode_leaf
from roundtable.audit.note import NoteError, parse_checkpoint, verify_note
from roundtable.audit.trail import (
    DISCLOSURE_TREE,
    DISCLOSURES_LOG,
    EVENT_TREE,
    EVENTS_LOG,
    Checkpoint,
    b64,
    event_leaf,
    stored_bytes,
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


class Levels:
    """A tree built in memory, every perfect subtree hash kept level by level (a `NodeStore`
    for the proofs): appending costs list appends, not dictionary entries."""

    def __init__(self) -> None:
        self.levels: list[list[bytes]] = [[]]

    def get(self, level: int, index: int) -> bytes:
        try:
            return self.levels[level][index]
        except IndexError:
            raise KeyError((level, index)) from None

    def put(self, level: int, index: int, h: bytes) -> None:
        while len(self.levels) <= level:
            self.levels.append([])
        assert index == len(self.levels[level]), "nodes are stored in order"
        self.levels[level].append(h)

    def append(self, h: bytes) -> None:
        """Append a leaf hash and the perfect subtrees it completes."""
        levels, level, index = self.levels, 0, len(self.levels[0])
        levels[0].append(h)
        while index & 1:
            h = merkle.node_hash(levels[level][index - 1], h)
            level, index = level + 1, index >> 1
            if level == len(levels):
                levels.append([])
            levels[level].append(h)


@dataclass(frozen=True)
class Recomputed:
    positions: list[int]
    tree: Levels

    @property
    def hashes(self) -> list[bytes]:
        return self.tree.levels[0]

    def root(self, size: int) -> bytes:
        return merkle.root(self.tree, size) if size else merkle.EMPTY_ROOT


def recompute(leaves: Iterable[tuple[int, bytes]]) -> Recomputed:
    positions: list[int] = []
    tree = Levels()
    leaf_hash, append, add = merkle.leaf_hash, tree.append, positions.append
    for position, data in leaves:
        append(leaf_hash(data))
        add(position)
    return Recomputed(positions, tree)


def stored_events(
    recorder: ApplicationRecorder, progress: Callable[[int], None] = lambda _: None
) -> Iterator[tuple[int, bytes]]:
    """(position, leaf data) of every stored event, read from the event store itself;
    `progress(n)` after every n events read."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        yield from _sqlite_events(recorder, progress)
        return
    for count, notification in enumerate(read_log(recorder), 1):
        yield notification.id, event_leaf(notification)
        if count % 10_000 == 0:
            progress(10_000)


def _sqlite_events(
    recorder: SQLiteApplicationRecorder, progress: Callable[[int], None],
    batch: int = 10_000,
) -> Iterator[tuple[int, bytes]]:
    """The same leaves, read as stored (a third of the time: no notification or UUID object
    per event). A row no longer encodable (a column rewritten with another type) gets leaf
    data that matches no recorded leaf, so it is reported at its position."""
    statement = (f"SELECT rowid, originator_id, originator_version, topic, state FROM "
                 f"{recorder.events_table_name} WHERE rowid>? ORDER BY rowid LIMIT ?")
    after = 0
    while True:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, (after, batch))
            rows = cursor.fetchall()
        for position, stream_id, version, topic, state in rows:
            try:
                yield position, encode_leaf(position, _uuid_text(stream_id), version, topic,
                                            stored_bytes(state))
            except (TypeError, ValueError, struct.error, AttributeError):
                yield position, b"unencodable " + repr((stream_id, version, topic)).encode()
        progress(len(rows))
        if len(rows) < batch:
            return
        after = rows[-1][0]


def _uuid_text(stored: str) -> str:
    """`str(UUID(stored))` for the 32 hex digits the store writes, without building a UUID;
    anything else (a rewritten id) is what it is, and its leaf will differ."""
    if len(stored) == 32:
        return f"{stored[:8]}-{stored[8:12]}-{stored[12:16]}-{stored[16:20]}-{stored[20:]}"
    return stored


def stored_disclosures(log: DisclosureLog) -> Iterator[tuple[int, bytes]]:
    for seq, entry in log.records():
        yield seq, disclosure_leaf(seq, entry)


@dataclass(frozen=True)
class Evidence:
    """What one log is checked against: a tree recorded as it was written (the read model's,
    when there is one), its newest signed checkpoint, and, read only when the log does not
    match that checkpoint, the leaves it signed and every older checkpoint."""

    recorded: Iterable[tuple[int, int, bytes]]
    newest: Checkpoint | None
    signed: Callable[[int], list[tuple[int, int, bytes]]]
    every: Callable[[], list[Checkpoint]]


def verify_log(recomputed: Recomputed, evidence: Evidence, vkey: str) -> LogReport:
    """The first bad position of one log: the earliest of what the recorded tree and the
    newest checkpoint each find."""
    size = len(recomputed.hashes)
    head = b64(recomputed.root(size))
    findings: list[tuple[int, str]] = []
    bad = _first_difference(recomputed, evidence.recorded)
    if bad is not None:
        findings.append((bad, "a stored entry differs from the leaf recorded when it was written"))
    if evidence.newest is not None:
        found = _against_newest(recomputed, evidence, evidence.newest, vkey)
        if found is not None:
            findings.append(found)
    if not findings:
        return LogReport(True, size, head, None)
    position, problem = min(findings)
    return LogReport(False, size, head, position, problem)


def _first_difference(
    recomputed: Recomputed, rows: Iterable[tuple[int, int, bytes]]
) -> int | None:
    """The position of the first of the (index, position, hash) `rows` the log differs from."""
    size = len(recomputed.hashes)
    for index, position, h in rows:
        if index >= size or (recomputed.hashes[index], recomputed.positions[index]) != (
            h, position
        ):
            return position
    return None


def _against_newest(
    recomputed: Recomputed, evidence: Evidence, newest: Checkpoint, vkey: str
) -> tuple[int, str] | None:
    """Check every entry the newest checkpoint covers. When the log does not match it, the
    leaves it signed (once their root is the signed root) name the first entry that changed;
    if they were tampered with too, the older checkpoints bound it."""
    problem = _checkpoint_problem(newest, recomputed, vkey)
    if problem is None:
        return None
    leaves = evidence.signed(newest.size)
    if len(leaves) == newest.size and _signed_root(newest, vkey) == merkle.root_from_leaf_hashes(
        h for _, _, h in leaves
    ):
        bad = _first_difference(recomputed, leaves)
        if bad is not None:
            return bad, problem
    return _bounded_by_checkpoints(recomputed, evidence.every(), vkey, problem)


def _signed_root(checkpoint: Checkpoint, vkey: str) -> bytes | None:
    try:
        _, _, root = parse_checkpoint(verify_note(checkpoint.note, vkey))
    except NoteError:
        return None
    return root


def _bounded_by_checkpoints(
    recomputed: Recomputed, checkpoints: list[Checkpoint], vkey: str, problem: str
) -> tuple[int, str]:
    intact = 0
    for checkpoint in checkpoints:
        found = _checkpoint_problem(checkpoint, recomputed, vkey)
        if found is not None:
            return _first_uncovered(recomputed, intact), found
        intact = max(intact, checkpoint.size)
    return _first_uncovered(recomputed, intact), problem


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
    views: Db | None,
    audit: DisclosureLog,
    vkey: str,
    kept: Checkpoint | None = None,
    progress: Callable[[int], None] = lambda _: None,
) -> tuple[LogReport, LogReport]:
    """Rebuild the event tree from the stored events and check it against the tree the read
    models recorded (when `views` are given and hold one) and the newest signed checkpoint
    with the leaves it signed (kept apart from the read models); then the disclosure log."""
    events = recompute(stored_events(recorder, progress))
    evidence = Evidence(
        recorded=EVENT_TREE.leaf_rows(views) if views is not None else (),
        newest=audit.newest_checkpoint(EVENTS_LOG),
        signed=audit.signed_event_leaves,
        every=lambda: audit.checkpoints(EVENTS_LOG),
    )
    report = verify_log(events, evidence, vkey)
    if report.ok and kept is not None and not consistent_with_now(kept, events):
        report = LogReport(False, report.length, report.head, _first_uncovered(events, 0),
                           "the log is not consistent with the kept checkpoint")
    return report, verify_disclosures(audit, vkey)


def verify_disclosures(log: DisclosureLog, vkey: str) -> LogReport:
    """The disclosure log's tree is written with its records: it is both the recorded tree
    and the leaves its checkpoints signed."""
    recomputed = recompute(stored_disclosures(log))
    with log.read_lock:
        recorded = list(DISCLOSURE_TREE.leaf_rows(log.reading()))
    evidence = Evidence(
        recorded=recorded,
        newest=log.newest_checkpoint(DISCLOSURES_LOG),
        signed=lambda size: recorded[:size],
        every=lambda: log.checkpoints(DISCLOSURES_LOG),
    )
    return verify_log(recomputed, evidence, vkey)
