"""A remembered caller is used only while neither the event store nor the credential store was
written, by this process or another: deactivation and token reissue take effect at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest

from domain.rules import Role
from roundtable.bootstrap import Built, build
from roundtable.callers import Callers, DataVersions
from roundtable.context import Unauthenticated
from tests.conftest import Table


@pytest.fixture
def member(table: Table) -> tuple[str, str]:
    """A member's id and token, remembered by the served process after one request."""
    person_id, token = table.person(table.organisation("School"))
    assert table.client.get("/v1/me", headers=table.headers(token)).status_code == 200
    assert table.built.services.callers.known(token) is not None
    return person_id, token


@pytest.fixture
def other_process(table: Table) -> Iterator[Built]:
    """The same data directory opened again: its stores' connections are not the server's, as
    a command run from cron would be."""
    with closing(build(table.paths)) as other:
        yield other


def test_a_remembered_caller_answers_without_a_look_up(table: Table, member: tuple[str, str]
                                                       ) -> None:
    person_id, token = member
    callers = table.built.services.callers
    known = callers.known(token)
    assert known is not None
    assert (str(known.id), known.role) == (person_id, Role.MEMBER)
    assert callers.known(token + "x") is None
    assert callers.known(None) is None


def test_a_deactivation_by_another_process_ends_the_token_at_once(
    table: Table, member: tuple[str, str], other_process: Built
) -> None:
    person_id, token = member
    ctx = other_process.services.ctx
    other_process.services.commands.deactivate_person(ctx.authenticate(table.chair_token),
                                                      UUID(person_id))
    assert table.built.services.callers.known(token) is None
    assert table.client.get("/v1/me", headers=table.headers(token)).status_code == 401


def test_a_token_reissued_by_another_process_voids_the_old_at_once(
    table: Table, member: tuple[str, str], other_process: Built
) -> None:
    person_id, token = member
    ctx = other_process.services.ctx
    new = other_process.services.commands.reissue_token(ctx.authenticate(table.chair_token),
                                                        UUID(person_id))
    assert table.built.services.callers.known(token) is None
    assert table.client.get("/v1/me", headers=table.headers(token)).status_code == 401
    assert table.client.get("/v1/me", headers=table.headers(new)).status_code == 200


def test_a_token_reissued_through_the_api_voids_the_old_at_once(
    table: Table, member: tuple[str, str]
) -> None:
    person_id, token = member
    reissued = table.client.post(f"/v1/people/{person_id}/token",
                                 headers=table.headers(table.chair_token))
    assert reissued.status_code == 200, reissued.text
    assert table.client.get("/v1/me", headers=table.headers(token)).status_code == 401


def test_any_write_makes_every_remembered_caller_be_checked_again(
    table: Table, member: tuple[str, str]
) -> None:
    _, token = member
    table.organisation("Police")  # a write to the event store, not about this person
    callers = table.built.services.callers
    assert callers.known(token) is None
    assert callers.authenticate(token) == table.built.services.ctx.authenticate(token)
    assert callers.known(token) is not None


def test_nothing_is_remembered_without_the_embedded_stores(table: Table,
                                                            member: tuple[str, str]) -> None:
    _, token = member
    callers = Callers(table.built.services.ctx, None)  # as on PostgreSQL
    callers.authenticate(token)
    assert callers.known(token) is None
    with pytest.raises(Unauthenticated):
        callers.authenticate("not a token")


def test_a_data_version_moves_with_every_commit_of_another_connection_only(
    tmp_path: Path,
) -> None:
    odd = tmp_path / "a dir?with #odd%20 characters"
    odd.mkdir()
    db = sqlite3.connect(odd / "store.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE t (x)")
    versions = DataVersions([odd / "store.sqlite"])
    before = versions.now()
    db.execute("SELECT * FROM t").fetchall()
    assert versions.now() == before
    db.execute("INSERT INTO t VALUES (1)")
    assert versions.now() != before
    versions.close()
    db.close()
