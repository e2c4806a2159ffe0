"""`roundtable rebuild`: the read models rebuilt in bulk from the log are, table by table and
row by row, the ones the live projection wrote, whatever the history and however the log is cut
into batches; on SQLite and PostgreSQL; refused while `serve` runs; an interrupted rebuild
changes nothing."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roundtable.rebuild
from domain.errors import DomainError
from domain.rules import Role
from roundtable.bootstrap import Paths
from roundtable.commands import parse_rule
from roundtable.rebuild import build_views, rebuild
from roundtable.setup import Founding, initialise
from tests.conftest import Clock, postgres_database
from tests.processes import Server, child_env, found
from tests.test_permitted_view_property import START, World, _caller, _play, worlds

Snapshot = dict[str, list[tuple[Any, ...]]]
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


def sqlite_tables(path: Path) -> Snapshot:
    with closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {n: sorted(db.execute(f"SELECT * FROM {n}").fetchall()) for n in names}


def postgres_tables(url: str, names: list[str]) -> Snapshot:
    with psycopg.connect(url) as db:
        return {n: sorted(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                          for row in db.execute(f"SELECT * FROM {n}").fetchall())
                for n in names}


@contextmanager
def history(spec: dict[str, Any], database: str | None = None) -> Iterator[Paths]:
    """A data directory (and database) holding the random history `spec`, played through the
    real commands and projected live; closed again."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock(START)
        paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", database)
        built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"), clock)
        try:
            _play_all(built, created, clock, spec)
        finally:
            built.close()
        yield paths


def _play_all(built: Any, created: dict[str, Any], clock: Clock, spec: dict[str, Any]) -> None:
    commands = built.services.commands
    chair = _caller(built, UUID(created["person_id"]))
    orgs = [UUID(created["organisation_id"])] + [
        commands.register_organisation(chair, f"Org {i}", "s", "formal", secret).id
        for i, secret in enumerate(spec["secrecy"])]
    people = [chair] + [
        _caller(built, commands.register_person(chair, "P", orgs[o % len(orgs)], role)[0].id)
        for o, role in spec["people"]]
    world = World(commands, clock, chair, orgs, people, [], [], [])
    for table in spec["tables"]:
        world.cases.append(commands.open_case(chair, "Subject", None, None)[0].id)
        for org in dict.fromkeys(orgs[i % len(orgs)] for i in table):
            commands.join_case(chair, world.cases[-1], org)
    world.meetings.append(commands.schedule_meeting(chair, START.date(), world.cases).id)
    for step in spec["steps"]:
        try:
            _play(world, step)
        except DomainError:
            pass
    built.services.ctx.catchup.catch_up()


def _events_copy(paths: Paths, directory: Path) -> Paths:
    """A data directory holding only a copy of the log and of the case keys (which open the
    sealed owner of an anonymous contribution): nothing to rebuild from but them."""
    directory.mkdir()
    for name in ("events.sqlite", "case-keys.sqlite"):
        with closing(sqlite3.connect(paths.data / name)) as source, \
                closing(sqlite3.connect(directory / name)) as target:
            source.backup(target)
    return Paths(directory, paths.keys)


@contextmanager
def event_tree_by(second_process: bool) -> Iterator[None]:
    """The event tree built by the second process (as for a long log) or in the rebuild's."""
    kept = roundtable.rebuild.SIDE_PROCESS_FROM
    roundtable.rebuild.SIDE_PROCESS_FROM = 0 if second_process else 10**12
    try:
        yield
    finally:
        roundtable.rebuild.SIDE_PROCESS_FROM = kept


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(world=worlds, batch=st.sampled_from([1, 3, 7, 5000]), second_process=st.booleans())
def test_a_rebuild_gives_the_live_projection_row_for_row(world: dict[str, Any], batch: int,
                                                         second_process: bool) -> None:
    with history(world) as paths:
        live = sqlite_tables(paths.views)
        copy = _events_copy(paths, paths.data.parent / "copy")
        with event_tree_by(second_process):
            done = rebuild(copy, batch=batch)
        assert sqlite_tables(copy.views) == live
        assert done.events == live["tracking"][0][1]


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(world=worlds, batch=st.sampled_from([2, 5000]), second_process=st.booleans())
def test_a_rebuild_on_postgres_gives_the_live_projection_row_for_row(
    world: dict[str, Any], batch: int, second_process: bool,
) -> None:
    with postgres_database() as url, history(world, url) as paths:
        with psycopg.connect(url) as db:
            db.execute("CREATE TABLE kept_elsewhere (x INTEGER)")
            db.execute("INSERT INTO kept_elsewhere VALUES (42)")
        names = list(sqlite_tables(_rebuilt_locally(paths)))
        live = postgres_tables(url, names)
        with psycopg.connect(url) as db:  # damage the views: the rebuild must repair them
            db.execute("DROP TABLE permitted")
            db.execute("DELETE FROM audit_events")
            db.execute("UPDATE tracking SET position = 1")
        with event_tree_by(second_process):
            rebuild(paths, batch=batch)
        assert postgres_tables(url, names) == live
        assert postgres_tables(url, ["kept_elsewhere"]) == {"kept_elsewhere": [(42,)]}


def _rebuilt_locally(paths: Paths) -> Path:
    """The tables a rebuild makes, learnt from a rebuild into a SQLite file."""
    target = paths.data.parent / "names" / "views.sqlite"
    target.parent.mkdir()
    build_views(paths, target)
    return target


@pytest.mark.parametrize("batch", [1, 2, 3, 5000])
def test_every_refresh_of_the_permitted_view_survives_being_cut_into_batches(
    tmp_path: Path, batch: int,
) -> None:
    """Each fact change after the contributions it affects: a join, a leave, a newcomer, a
    deactivation, attendance, a sharing change, a withdrawal, a closing and an erasure."""
    paths = Paths(tmp_path / "d", tmp_path / "d" / "keys")
    built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"))
    try:
        c = built.services.commands
        chair = _caller(built, UUID(created["person_id"]))
        home, other = UUID(created["organisation_id"]), c.register_organisation(
            chair, "B", "s", "formal", True).id
        member = _caller(built, c.register_person(chair, "M", other, Role.MEMBER)[0].id)
        cases = [c.open_case(chair, "S", None, None)[0].id for _ in range(2)]
        for case in cases:
            c.join_case(chair, case, home)
        meeting = c.schedule_meeting(chair, START.date(), cases).id
        c.record_attendance(chair, meeting, [chair.id, member.id])
        amber = [c.contribute(chair, case, "t", parse_rule({"tlp": "AMBER"})).id
                 for case in cases]
        kept = c.contribute(chair, cases[0], "k", parse_rule({"tlp": "AMBER"})).id
        red = c.contribute(chair, cases[0], "r", parse_rule(
            {"tlp": "RED", "meeting_id": str(meeting)})).id
        c.join_case(chair, cases[0], other)
        c.join_case(chair, cases[1], other)
        late = _caller(built, c.register_person(chair, "L", other, Role.MEMBER)[0].id)
        newcomer = c.register_person(chair, "N", other, Role.MEMBER)[0].id
        c.confirm_person(member, newcomer)  # a second person of `other` waits for the first
        c.record_attendance(chair, meeting, [chair.id])
        c.change_sharing(chair, amber[0], parse_rule({"tlp": "GREEN"}))
        c.leave_case(chair, cases[1], other)
        c.withdraw(chair, red)
        c.deactivate_person(chair, late.id)
        c.close_case(chair, cases[1], "done")
        c.erase_case(chair, cases[1])
        built.services.ctx.catchup.catch_up()
    finally:
        built.close()
    live = sqlite_tables(paths.views)
    seen = {(row[0], row[1]) for row in live["permitted"]}
    assert (str(member.id), str(kept)) in seen  # opened by the join
    assert (str(newcomer), str(kept)) in seen  # shown to a newcomer
    copy = _events_copy(paths, tmp_path / "copy")
    rebuild(copy, batch=batch)
    assert sqlite_tables(copy.views) == live


def test_an_interrupted_rebuild_leaves_the_views_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths, _ = found(tmp_path)
    gc.collect()  # the closed store's connections with it (they close with their threads)
    before = sqlite_tables(paths.views)

    def fail(*_: Any) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(roundtable.rebuild, "apply_batch", fail)
    monkeypatch.setattr(roundtable.rebuild, "SIDE_PROCESS_FROM", 0)  # stopped with it
    with pytest.raises(RuntimeError):
        rebuild(paths)
    assert sqlite_tables(paths.views) == before
    assert not (paths.data / ".rebuild").exists()


def test_a_rebuild_whose_event_tree_fails_leaves_the_views_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The event tree is built by a second process: its failure fails the whole rebuild."""
    paths, _ = found(tmp_path)
    gc.collect()
    before = sqlite_tables(paths.views)
    monkeypatch.setattr(roundtable.rebuild, "SIDE_PROCESS_FROM", 0)
    monkeypatch.setattr(roundtable.rebuild._SideTrail, "MODULE", "roundtable.no_such_module")
    with pytest.raises(RuntimeError, match="building the event tree failed"):
        rebuild(paths)
    assert sqlite_tables(paths.views) == before
    assert not (paths.data / ".rebuild").exists()


def _roundtable(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "roundtable.cli", *args], env=child_env(),
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_rebuild_is_refused_while_serve_runs_and_rebuilds_once_it_stopped(
    tmp_path: Path,
) -> None:
    paths, created = found(tmp_path)
    server = Server(paths)
    server.start()
    try:
        with server.client(created["token"]) as client:
            case = client.post("/v1/cases", json={"subject": {"name": "S"}}).json()["id"]
            for n in range(5):
                client.post(f"/v1/cases/{case}/contributions", json={"text": f"t{n}",
                                                                     "tlp": "AMBER"})
        refused = _roundtable("rebuild", "--data", str(paths.data))
    finally:
        server.stop()
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"roundtable: {paths.views} is in use: stop `roundtable serve` first"]
    before = sqlite_tables(paths.views)
    done = _roundtable("rebuild", "--data", str(paths.data))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"rebuilt the read models from {before['tracking'][0][1]} "
                                  "events in ")
    assert done.stderr == ""  # no progress bar: stderr is not a terminal
    assert sqlite_tables(paths.views) == before
    assert (paths.views.stat().st_mode & 0o777) == 0o600
