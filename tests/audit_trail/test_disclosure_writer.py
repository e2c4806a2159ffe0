"""The writer thread of the disclosure log keeps the log's promise: a record handed over is
durable when its future is done, every reader of a failed commit hears of it, and nothing is
accepted once the writer is closed."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roundtable.audit.disclosure_writer import DisclosureWriter
from roundtable.audit.disclosures import DisclosureLog
from roundtable.audit.trail import DISCLOSURE_TREE

CASE = uuid.uuid4()


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[DisclosureWriter]:
    log = DisclosureLog(tmp_path / "audit.sqlite", lambda: datetime(2026, 12, 1, tzinfo=UTC))
    made = DisclosureWriter(log)
    yield made
    made.close()
    log.close()


def on_disk(path: Path) -> list[tuple[str, str]]:
    """(person, ids) of every record, read on a connection of our own."""
    with sqlite3.connect(path) as db:
        return [(r[0], r[1]) for r in db.execute(
            "SELECT person_id, ids FROM disclosures ORDER BY seq")]


def test_a_record_is_on_disk_when_its_future_is_done(writer: DisclosureWriter,
                                                      tmp_path: Path) -> None:
    person = uuid.uuid4()
    writer.submit(person, ["c1"], "GET /x", CASE).result(timeout=10)
    assert on_disk(tmp_path / "audit.sqlite") == [(str(person), '["c1"]')]
    assert DISCLOSURE_TREE.size(writer.log.reading()) == 1


def test_records_from_many_threads_are_each_kept_once_in_each_threads_order(
    writer: DisclosureWriter, tmp_path: Path
) -> None:
    people = [uuid.uuid4() for _ in range(8)]
    start = threading.Barrier(len(people))

    def read(person: uuid.UUID) -> None:
        start.wait()
        for n in range(5):
            writer.record(person, [f"c{n}"], "GET /x", CASE)

    threads = [threading.Thread(target=read, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kept = on_disk(tmp_path / "audit.sqlite")
    for person in people:
        assert [ids for who, ids in kept if who == str(person)] == [
            f'["c{n}"]' for n in range(5)]
    assert len(kept) == 40


def test_every_reader_of_a_failed_commit_hears_of_it(
    writer: DisclosureWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: DisclosureLog, entries: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(DisclosureLog, "_write_batch", broken)
    futures = [writer.submit(uuid.uuid4(), ["c"], "GET /x", CASE) for _ in range(5)]
    for future in futures:
        with pytest.raises(sqlite3.OperationalError):
            future.result(timeout=10)
    with pytest.raises(RuntimeError, match="could not be recorded"):
        writer.record(uuid.uuid4(), ["c"], "GET /x", CASE)
    monkeypatch.undo()
    assert on_disk(tmp_path / "audit.sqlite") == []
    writer.record(uuid.uuid4(), ["c"], "GET /x", CASE)  # the writer goes on after a failure
    assert len(on_disk(tmp_path / "audit.sqlite")) == 1


def test_a_closed_writer_refuses_instead_of_dropping(writer: DisclosureWriter,
                                                     tmp_path: Path) -> None:
    writer.close()
    with pytest.raises(RuntimeError, match="could not be recorded"):
        writer.record(uuid.uuid4(), ["c"], "GET /x", CASE)
    assert on_disk(tmp_path / "audit.sqlite") == []


def hand_over_and_close(writer: DisclosureWriter, threads: int = 4,
                        each: int = 50) -> list[Future[None]]:
    """`threads` readers hand records over while the writer closes; every future made."""
    futures: list[Future[None]] = []
    start = threading.Barrier(threads + 1)

    def hand_over() -> None:
        start.wait()
        for _ in range(each):
            futures.append(writer.submit(uuid.uuid4(), ["c"], "GET /x", CASE))

    readers = [threading.Thread(target=hand_over) for _ in range(threads)]
    for reader in readers:
        reader.start()
    start.wait()
    writer.close()
    for reader in readers:
        reader.join()
    return futures


def test_records_handed_over_while_it_closes_are_kept_or_refused_never_left_waiting(
    tmp_path: Path,
) -> None:
    for round_ in range(20):  # the race is between one `submit` and `close`: try it often
        path = tmp_path / f"audit-{round_}.sqlite"
        log = DisclosureLog(path, lambda: datetime(2026, 12, 1, tzinfo=UTC))
        futures = hand_over_and_close(DisclosureWriter(log))
        kept = sum(1 for f in futures if f.exception(timeout=5) is None)  # never left waiting
        assert len(on_disk(path)) == kept
        log.close()
