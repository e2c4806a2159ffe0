"""The disclosure log (LED art. 25): who saw which personal data, through which endpoint, when.

Each record names its `kind` (subject, contribution, action, note, minutes, signal, request,
feedback, export) and the `ids` shown; `contribution_ids` (v1) lists the contributions among them.

A record is durable before the response that shows the text leaves. It lives in a log of its
own (not the event store), so that reads are not capped by the event store's write rate:
concurrent responses share one commit (group commit). Its records are ids and times only.
It is tamper-evident like the event log: a Merkle tree over its records, written in the same
transaction, and signed checkpoints. Its store also keeps the event log's checkpoints and the
leaves they signed (`SIGNED_EVENT_TREE`): durable, never derived, apart from the read models.
The store (`roundtable.audit.store`) is the file `audit.sqlite` of the data directory, or the
schema `roundtable_audit` of a PostgreSQL deployment, shared by every host.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from projections.db import Db
from roundtable.audit.store import AuditStore, SqliteAuditStore
from roundtable.audit.trail import DISCLOSURE_TREE, SIGNED_EVENT_TREE, Checkpoint


@dataclass(frozen=True)
class Disclosure:
    person_id: str
    case_id: str | None
    contribution_ids: tuple[str, ...]
    endpoint: str
    at: str
    # None for the records written before kinds existed: their leaves keep the v1 encoding.
    kind: str | None = None
    ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "person_id": self.person_id, "case_id": self.case_id,
            "contribution_ids": list(self.contribution_ids), "endpoint": self.endpoint,
            "at": self.at}
        if self.kind is not None:
            out["kind"] = self.kind
            out["ids"] = list(self.ids)
        return out


def disclosure_leaf(seq: int, entry: Disclosure) -> bytes:
    """Canonical leaf data of one record: compact JSON with sorted keys, its `seq` included."""
    record = {**entry.to_json(), "seq": seq}
    return json.dumps(record, sort_keys=True, separators=(",", ":")).encode()


class DisclosureLog:
    def __init__(self, store: AuditStore | Path, clock: Callable[[], datetime]) -> None:
        """`store`: where the tables live (`roundtable.stores`), or the path of an audit file."""
        self.clock = clock
        self._store = SqliteAuditStore(store) if isinstance(store, Path) else store
        self._reader = self._store.reader()
        self._read_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._cv = threading.Condition()
        self._pending: list[tuple[int, Disclosure]] = []
        self._issued = 0
        self._committed = 0
        self._failed: dict[int, BaseException] = {}
        self._leader = False
        self.commits = 0
        self.listeners: list[Callable[[], None]] = []  # told after each commit of records

    def record(self, person_id: UUID, ids: list[str], endpoint: str,
               case_id: UUID | None, kind: str = "contribution") -> None:
        """Returns once the record is committed; raises if it could not be."""
        entry = self.entry(person_id, ids, endpoint, case_id, kind)
        with self._cv:
            self._issued += 1
            ticket = self._issued
            self._pending.append((ticket, entry))
            while self._committed < ticket:
                if self._leader:
                    self._cv.wait()
                else:
                    self._lead()
            error = self._failed.pop(ticket, None)
        if error is not None:
            raise RuntimeError("the disclosure could not be recorded") from error

    def entry(self, person_id: UUID, ids: list[str], endpoint: str, case_id: UUID | None,
              kind: str = "contribution") -> Disclosure:
        """The record of an answer, timed now (not yet written)."""
        shown = tuple(ids)
        contribution_ids = shown if kind in ("contribution", "export") else ()
        return Disclosure(str(person_id), str(case_id) if case_id else None, contribution_ids,
                          endpoint, self.clock().isoformat(), kind, shown)

    def commit(self, entries: list[Disclosure]) -> None:
        """Write records in one durable transaction, for a writer that batches them itself
        (`roundtable/audit/disclosure_writer.py`); raises if they could not be."""
        self._write(entries)
        for listener in self.listeners:
            listener()

    def _lead(self) -> None:
        """Commit everything pending in one transaction (called holding the condition)."""
        self._leader = True
        batch, self._pending = self._pending, []
        self._cv.release()
        error: BaseException | None = None
        try:
            self._write([entry for _, entry in batch])
        except Exception as exc:  # the followers of this batch must hear about it
            error = exc
        finally:
            self._cv.acquire()
            self._leader = False
        if error is not None:
            self._failed.update({ticket: error for ticket, _ in batch})
        self._committed = batch[-1][0]
        self._cv.notify_all()
        for listener in self.listeners:
            listener()

    def _write(self, entries: list[Disclosure]) -> None:
        with self._write_lock:
            self._write_batch(entries)

    def _write_batch(self, entries: list[Disclosure]) -> None:
        with self._store.transaction() as db:
            # Numbered under the store's lock, so the tree holds the records in `seq` order
            # whichever process (or host) writes them; in bulk: a few statements per batch.
            row = db.execute("SELECT MAX(seq) FROM disclosures").fetchone()
            first = int(row[0] or 0) + 1
            numbered = list(enumerate(entries, first))
            db.executemany(
                "INSERT INTO disclosures (seq, person_id, case_id, contribution_ids, endpoint, "
                "at, kind, ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(seq, e.person_id, e.case_id, json.dumps(list(e.contribution_ids)),
                  e.endpoint, e.at, e.kind, json.dumps(list(e.ids))) for seq, e in numbered])
            DISCLOSURE_TREE.append_many(db, ((seq, disclosure_leaf(seq, e))
                                             for seq, e in numbered))
        self.commits += 1

    def records(self) -> Iterator[tuple[int, Disclosure]]:
        """Every record in order, for verification."""
        with self._read_lock:
            rows = self._reader.execute(
                f"SELECT {_COLUMNS} FROM disclosures ORDER BY seq").fetchall()
        for r in rows:
            yield int(r[0]), _disclosure(r)

    def reading(self) -> Db:
        """The read connection (tree reads); callers hold `read_lock`."""
        return self._reader

    @property
    def read_lock(self) -> threading.Lock:
        return self._read_lock

    @contextmanager
    def signing(self) -> Iterator[Db]:
        """One write transaction of the store (across processes and hosts too), for the
        signer."""
        with self._write_lock, self._store.transaction() as db:
            yield db

    def newest_checkpoint(self, log: str) -> Checkpoint | None:
        with self._read_lock:
            row = self._reader.execute(
                "SELECT size, root, note FROM checkpoints WHERE log=? ORDER BY size DESC LIMIT 1",
                (log,)).fetchone()
        return Checkpoint(log, int(row[0]), bytes(row[1]), row[2]) if row else None

    def signed_event_leaves(self, size: int) -> list[tuple[int, int, bytes]]:
        """The first `size` leaves the event checkpoints signed: (index, position, hash)."""
        with self._read_lock:
            return [(int(i), int(p), bytes(h)) for i, p, h in self._reader.execute(
                f"SELECT idx, position, hash FROM {SIGNED_EVENT_TREE.leaves} WHERE idx<? "
                "ORDER BY idx", (size,))]

    def size(self) -> int:
        """How many records the log holds (the size of its tree)."""
        with self._read_lock:
            return DISCLOSURE_TREE.size(self._reader)

    def checkpoints(self, log: str) -> list[Checkpoint]:
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT size, root, note FROM checkpoints WHERE log=? ORDER BY size", (log,)
            ).fetchall()
        return [Checkpoint(log, int(r[0]), bytes(r[1]), r[2]) for r in rows]

    def list(self, case_id: UUID | None = None) -> list[Disclosure]:
        with self._read_lock:
            query = f"SELECT {_COLUMNS} FROM disclosures"
            params: tuple[str, ...] = ()
            if case_id is not None:
                query += " WHERE case_id=?"
                params = (str(case_id),)
            rows = self._reader.execute(query + " ORDER BY seq", params).fetchall()
        return [_disclosure(r) for r in rows]

    def counts_by_person(self, since: str | None, until: str | None) -> dict[str, int]:
        """How many answers showed each person personal data between the days (inclusive;
        None: no bound; reading the disclosure log itself shows none and is not counted)."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT person_id, COUNT(*) FROM disclosures WHERE substr(at, 1, 10)>=? "
                "AND substr(at, 1, 10)<=? AND (kind IS NULL OR kind!='disclosures') "
                "GROUP BY person_id", (since or "", until or "9999-12-31")).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def close(self) -> None:
        self._store.close()


_COLUMNS = "seq, person_id, case_id, contribution_ids, endpoint, at, kind, ids"


def _disclosure(r: Any) -> Disclosure:
    ids = tuple(json.loads(r[7])) if r[7] is not None else ()
    return Disclosure(r[1], r[2], tuple(json.loads(r[3])), r[4], r[5], r[6], ids)

