"""The `world` fixture: a round table with a case, its table, and people of every role.

Building the world takes a dozen writes; it is built once per session and backend, and each
test gets a fresh copy (the data directory copied; on PostgreSQL the database cloned from the
template's), served by a freshly built service from the same composition root as
`roundtable serve`, so tests stay independent and the suite stays fast.
"""

from __future__ import annotations

import dataclasses
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.bootstrap import Paths, build
from tests.api.support import World, build_world, head
from tests.conftest import POSTGRES_ADMIN, Clock, Table, make_table


class DatabasePool:
    """Clones of the template database, made ahead of time and dropped afterwards by
    background threads.

    One CREATE DATABASE takes about a third of a second, but two running side by side finish
    in a small fraction of that each; so the clones are made (and dropped) while the tests
    run."""

    def __init__(self, template: str, ready: int = 4, threads: int = 2) -> None:
        self.template = template
        self._made: queue.Queue[str | BaseException] = queue.Queue()
        self._room = threading.Semaphore(ready)
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._fill, daemon=True)
                         for _ in range(threads)]
        self._used: queue.Queue[str | None] = queue.Queue()
        self._failures: list[BaseException] = []
        self._dropper = threading.Thread(target=self._drop, daemon=True)
        for thread in (*self._threads, self._dropper):
            thread.start()

    def _drop(self) -> None:
        while (name := self._used.get()) is not None:
            try:
                _admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except BaseException as error:  # reported when the pool closes
                self._failures.append(error)

    def discard(self, name: str) -> None:
        self._used.put(name)

    def _fill(self) -> None:
        while True:
            self._room.acquire()
            if self._stopping.is_set():
                return
            try:
                name = f"roundtable_test_{uuid.uuid4().hex[:16]}"
                _admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
                # A test's database need not survive a crash of the server: skip the flush.
                _admin(f"ALTER DATABASE {name} SET synchronous_commit = off")
            except BaseException as error:  # handed to the test that takes it
                self._made.put(error)
                return
            self._made.put(name)

    def take(self) -> str:
        made = self._made.get(timeout=120)
        self._room.release()
        if isinstance(made, BaseException):
            raise made
        return made

    def close(self) -> None:
        self._stopping.set()
        for _ in self._threads:
            self._room.release()
        for thread in self._threads:
            thread.join()
        self._used.put(None)
        self._dropper.join()
        while not self._made.empty():
            left = self._made.get()
            if isinstance(left, str):
                _admin(f"DROP DATABASE IF EXISTS {left} WITH (FORCE)")
        if self._failures:
            raise self._failures[0]


@dataclasses.dataclass(frozen=True)
class Template:
    directory: Path
    world: World
    head: int
    databases: DatabasePool | None


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(statement)


def _url(name: str) -> str:
    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(scope="session")
def world_template(
    tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Iterator[Template]:
    directory = tmp_path_factory.mktemp(f"world-template-{backend}")
    database = f"roundtable_world_{uuid.uuid4().hex[:12]}" if backend == "postgres" else None
    if database is not None:
        _admin(f"CREATE DATABASE {database}")
    try:
        table = make_table(directory, database=_url(database) if database else None)
        try:
            with table.client:
                world = build_world(table)
            position = head(table)
        finally:
            table.built.close()
        pool = DatabasePool(database) if database is not None else None
        try:
            yield Template(directory, world, position, pool)
        finally:
            if pool is not None:
                pool.close()
    finally:
        if database is not None:
            _admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _moved(path: Path, old: Path, new: Path) -> Path:
    return new / path.relative_to(old)


@pytest.fixture
def world(world_template: Template, tmp_path: Path) -> Iterator[World]:
    copy = tmp_path / "world"
    shutil.copytree(world_template.directory, copy)
    pool = world_template.databases
    database = pool.take() if pool is not None else None
    try:
        old = world_template.world.table
        paths = Paths(_moved(old.paths.data, world_template.directory, copy),
                      _moved(old.paths.keys, world_template.directory, copy),
                      _url(database) if database else None)
        clock = Clock()
        built = build(paths, clock)
        table = dataclasses.replace(old, paths=paths, built=built, clock=clock,
                                    client=TestClient(create_app(built.services)))
        assert isinstance(table, Table)
        try:
            with table.client:
                made = dataclasses.replace(world_template.world, table=table)
                assert head(table) == world_template.head
                yield made
        finally:
            built.close()
    finally:
        if pool is not None and database is not None:
            pool.discard(database)
