"""Writes to one case queue in the process instead of retrying against each other; writes of
another process are still retried on fresh state; concurrent writers share one catch-up."""

from __future__ import annotations

import gc
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import IntegrityError

from domain.errors import InvalidError
from domain.ids import Position
from domain.model import Case
from domain.rules import Role, SharingRule, Tlp
from roundtable.context import Caller, Context, RoundTableApplication, caller_from_row
from roundtable.group_commit import GroupCommit
from roundtable.paths import event_store_env
from roundtable.serial import KeyedLocks
from roundtable.write.base import WritePath
from tests.conftest import Table, make_table

WRITERS = 16


@pytest.fixture
def table(tmp_path: Path) -> Iterator[Table]:
    made = make_table(tmp_path)
    yield made
    made.built.close()


def _ctx(table: Table) -> Context:
    return table.built.services.ctx


def _caller(table: Table, person_id: str) -> Caller:
    row = _ctx(table).queries.person(UUID(person_id))
    assert row is not None
    return caller_from_row(row)


def _at_once(count: int, run: Callable[[int], Any]) -> list[Any]:
    """`run(i)` on `count` threads released together; each one's result, or its exception."""
    results: list[Any] = [None] * count
    start = threading.Barrier(count)

    def one(i: int) -> None:
        start.wait()
        try:
            results[i] = run(i)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sixteen_writers_on_one_case_all_succeed_without_a_single_retry(table: Table) -> None:
    organisation = table.organisation("Police")
    member_id, token = table.person(organisation)
    case_id = UUID(table.case("Subject", organisation))
    member, commands, ctx = _caller(table, member_id), table.built.services.commands, _ctx(table)
    rule = SharingRule(Tlp.AMBER)

    created = _at_once(WRITERS, lambda i: [
        commands.contribute(member, case_id, f"note {i}-{n}", rule) for n in range(3)])

    assert [r for r in created if isinstance(r, Exception)] == []
    assert ctx.conflicts == 0
    every = [c for writes in created for c in writes]
    assert len({c.position for c in every}) == WRITERS * 3
    listed = table.client.get(f"/v1/cases/{case_id}/contributions",
                              headers=table.headers(token)).json()
    assert {c["id"] for c in listed} == {str(c.id) for c in every}


def test_a_write_of_another_process_is_retried_on_fresh_state(table: Table) -> None:
    """The other process (a second `serve` on PostgreSQL, a command from cron) saves the case
    between this write's get and save: the save conflicts, the write runs again and keeps both."""
    organisation, later = table.organisation("Police"), UUID(table.organisation("School"))
    case_id = UUID(table.case("Subject", organisation))
    ctx = _ctx(table)
    other = RoundTableApplication(env=event_store_env(table.paths))
    attempts: list[int] = []

    def attempt() -> Position:
        case: Case = ctx.get(case_id, Case)
        if not attempts:
            theirs: Case = other.repository.get(case_id)
            theirs.join(later, None)
            other.save(theirs)
        attempts.append(case.version)
        case.edit(None, ctx.sealer.seal(case_id, "summary", "changed"), None, None)
        return ctx.save(case)

    try:
        position = ctx.retrying(attempt, case_id)
    finally:
        other.close()

    assert ctx.conflicts == 1
    assert attempts[1] == attempts[0] + 1  # the second attempt saw the other process's event
    case: Case = ctx.get(case_id, Case)
    assert later in case.table
    assert ctx.catchup.position >= position


def test_a_case_kept_in_memory_is_brought_up_to_the_writes_of_another_process(
    table: Table,
) -> None:
    organisation, later = table.organisation("Police"), UUID(table.organisation("School"))
    member_id, _ = table.person(organisation)
    case_id = UUID(table.case("Subject", organisation))
    member, commands, ctx = _caller(table, member_id), table.built.services.commands, _ctx(table)
    commands.contribute(member, case_id, "first", SharingRule(Tlp.AMBER))  # kept in memory
    other = RoundTableApplication(env=event_store_env(table.paths))
    try:
        theirs: Case = other.repository.get(case_id)
        theirs.join(later, None)
        other.save(theirs)
    finally:
        other.close()

    commands.contribute(member, case_id, "second", SharingRule(Tlp.AMBER))

    assert ctx.conflicts == 0  # brought forward, not retried
    assert later in ctx.get(case_id, Case).table
    stored: Case = ctx.app.repository.get(case_id)
    assert len(stored.withdrawn) == 2  # both contributions, neither withdrawn


def test_a_command_refused_half_way_leaves_no_change_in_memory(table: Table) -> None:
    case_id = UUID(table.case("Subject"))
    ctx = _ctx(table)
    def edited() -> Position:
        case: Case = ctx.get(case_id, Case)
        case.edit(None, ctx.sealer.seal(case_id, "summary", "saved"), None, None)
        return ctx.save(case)

    ctx.retrying(edited, case_id)  # the case kept in memory

    def refused() -> None:
        case: Case = ctx.get(case_id, Case)
        case.edit(None, ctx.sealer.seal(case_id, "summary", "never saved"), None, None)
        raise RuntimeError("refused after the change")

    with pytest.raises(RuntimeError):
        ctx.retrying(refused, case_id)

    case: Case = ctx.get(case_id, Case)
    assert case.version == ctx.app.repository.get(case_id).version
    assert case.pending_events == []


def test_concurrent_writers_are_brought_up_by_one_catch_up(table: Table) -> None:
    """While the views are busy with one write, sixteen more are stored and wait: the next
    catch-up applies all of them in one transaction, and each waiter finds its position."""
    ctx = _ctx(table)
    catchup = ctx.catchup
    busy, go = threading.Event(), threading.Event()

    def slow(db: Any, notification: Any, event: Any) -> None:
        if not busy.is_set():
            busy.set()
            assert go.wait(10)

    catchup.sinks.append(slow)
    chair = _caller(table, table.chair_id)
    commands = table.built.services.commands
    first = threading.Thread(target=lambda: commands.open_case(chair, "First", None, None))
    first.start()
    assert busy.wait(10)
    before = catchup.transactions
    waiters, reached = [], []
    for _ in range(WRITERS):
        position = ctx.app.save(Case(id=uuid.uuid4(), reference="R", subject=None, summary=None,
                                     opened_on="2026-11-02", actor=None))[-1].notification.id
        waiter = threading.Thread(target=lambda p=position: reached.append(
            (p, catchup.wait_for(p))))
        waiter.start()
        waiters.append(waiter)
    go.set()
    for thread in (first, *waiters):
        thread.join()

    assert catchup.transactions - before == 2  # the busy one, then one for all sixteen
    assert all(got >= wanted for wanted, got in reached)


def test_a_lock_per_case_is_gone_once_no_writer_holds_it() -> None:
    locks = KeyedLocks()
    one, two = uuid.uuid4(), uuid.uuid4()
    with locks.holding([two, one, two]):
        assert len(locks) == 2
    gc.collect()
    assert len(locks) == 0


def test_a_member_and_a_chair_writing_the_same_case_at_once_both_succeed(table: Table) -> None:
    """Two roles, two kinds of command on one case (a contribution and an edit), at once."""
    organisation = table.organisation("Police")
    member_id, _ = table.person(organisation)
    case_id = UUID(table.case("Subject", organisation))
    commands, ctx = table.built.services.commands, _ctx(table)
    member, chair = _caller(table, member_id), _caller(table, table.chair_id)
    assert chair.role is Role.CHAIR

    results = _at_once(WRITERS, lambda i: commands.contribute(
        member, case_id, f"note {i}", SharingRule(Tlp.GREEN)) if i % 2 else commands.edit_case(
        chair, case_id, None, f"summary {i}", None))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert ctx.conflicts == 0


def test_a_snapshot_taken_from_the_case_in_hand_equals_the_case_replayed_from_its_events(
    table: Table,
) -> None:
    organisation = table.organisation("Police")
    member_id, _ = table.person(organisation)
    case_id = UUID(table.case("Subject", organisation))
    member, commands, ctx = _caller(table, member_id), table.built.services.commands, _ctx(table)
    for n in range(55):
        commands.contribute(member, case_id, f"note {n}", SharingRule(Tlp.AMBER))

    assert ctx.app.snapshots is not None
    snapshots = list(ctx.app.snapshots.get(case_id, desc=True, limit=1))
    assert [s.originator_version for s in snapshots] == [50]
    replayed = project_aggregate(None, ctx.app.events.get(case_id))
    assert replayed is not None
    assert ctx.app.repository.get(case_id).__dict__ == replayed.__dict__


def test_changes_queued_on_one_case_are_saved_in_one_commit_leaving_out_the_refused(
    table: Table,
) -> None:
    """Six writers queue while the case is busy; the next one applies all six in order and
    saves them in one transaction: one refused before changing anything, one refused half-way
    (the case is then rebuilt without it), the four others stored."""
    case_id = UUID(table.case("Subject"))
    ctx = _ctx(table)
    chair = _caller(table, table.chair_id)
    paths = WritePath(ctx)
    version: int = ctx.get(case_id, Case).version
    commits = ctx.app.group_commit.commits

    def change(i: int) -> Callable[[Case], None]:
        def apply(case: Case) -> None:
            if i == 2:
                raise InvalidError("summary", "refused before any change")
            case.edit(None, ctx.sealer.seal(case_id, "summary", f"summary {i}"), None, None)
            if i == 4:
                raise RuntimeError("refused half-way")
        return apply

    results: list[Any] = [None] * 6

    def write(i: int) -> None:
        try:
            results[i] = paths._on_case(chair, case_id, change(i), combine=True)
        except Exception as error:
            results[i] = error

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    with ctx.serial.locks.holding([case_id]):  # the case busy with another write
        for thread in threads:
            thread.start()
        while ctx.combining.waiting(case_id) < 6:
            time.sleep(0.001)
    for thread in threads:
        thread.join()

    assert isinstance(results[2], InvalidError)
    assert isinstance(results[4], RuntimeError)
    stored = [results[i] for i in (0, 1, 3, 5)]
    assert len(set(stored)) == 4
    assert all(isinstance(p, int) for p in stored)
    assert ctx.app.group_commit.commits - commits == 1
    assert ctx.app.repository.get(case_id).version == version + 4
    assert ctx.conflicts == 0


def test_a_conflict_in_a_shared_commit_fails_that_write_alone(table: Table) -> None:
    ctx = _ctx(table)
    app, busy, go = ctx.app, threading.Event(), threading.Event()

    def insert(stored: Any) -> Any:
        if not busy.is_set():
            busy.set()
            assert go.wait(10)
        return app.recorder.insert_events(stored)

    group = GroupCommit(insert)

    def new_case() -> list[Any]:
        return list(Case(id=uuid.uuid4(), reference="R", subject=None, summary=None,
                         opened_on="2026-11-02", actor=None).collect_events())

    stored_once = new_case()
    app.events.put(stored_once)  # its events again: a conflict with what is stored
    writes = {"first": new_case(), "fine": new_case(), "conflicting": stored_once}
    results: dict[str, Any] = {}

    def record(name: str) -> None:
        events = writes[name]
        try:
            results[name] = group.record(events, [app.mapper.to_stored_event(e) for e in events])
        except IntegrityError as error:
            results[name] = error

    first = threading.Thread(target=record, args=("first",))
    first.start()
    assert busy.wait(10)
    others = [threading.Thread(target=record, args=(n,)) for n in ("fine", "conflicting")]
    for thread in others:
        thread.start()
    while group.waiting() < 2:
        time.sleep(0.001)
    go.set()
    for thread in (first, *others):
        thread.join()

    assert isinstance(results["conflicting"], IntegrityError)
    assert [r.notification.originator_id for r in results["fine"]] == [
        e.originator_id for e in writes["fine"]]
    assert group.commits == 2  # the first; the shared one failed; "fine" on its own
