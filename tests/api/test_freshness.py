"""Reads and the `X-Min-Position` header: a read waits for the views to reach a position."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.support import World, head
from tests.conftest import Table, make_table

READS = [
    "/v1/me",
    "/v1/organisations",
    "/v1/cases",
    "/v1/cases/{case}",
    "/v1/cases/{case}/contributions",
    "/v1/cases/{case}/actions",
    "/v1/contributions/{contribution}",
    "/v1/contributions/{contribution}/access",
    "/v1/meetings/{meeting}",
]


@pytest.mark.parametrize("template", READS)
def test_a_read_asking_for_a_position_at_or_below_the_head_answers_at_once(
    world: World, template: str
) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    meeting_id = world.meeting(world.officer)
    path = template.format(case=world.case_id, contribution=contribution_id,
                           meeting=meeting_id)
    for position in (head(world.table), 1, 0):
        started = time.monotonic()
        response = world.get(path, world.officer, **{"X-Min-Position": str(position)})
        assert response.status_code == 200, response.text
        assert time.monotonic() - started < 1


def test_a_read_after_a_write_sees_the_write_at_the_position_it_returned(world: World) -> None:
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                                  {"text": "fresh", "tlp": "GREEN"}), 201)
    response = world.get(f"/v1/cases/{world.case_id}/contributions", world.teacher,
                         **{"X-Min-Position": str(created["position"])})
    assert [c["id"] for c in response.json()] == [created["id"]]


@pytest.fixture
def sqlite_table(tmp_path: Path) -> Iterator[Table]:
    """A table on SQLite alone, for the one test that waits: it runs once, not per backend."""
    made = make_table(tmp_path)
    yield made
    made.built.close()


def test_a_position_beyond_the_head_answers_503_after_about_five_seconds(
    sqlite_table: Table,
) -> None:
    started = time.monotonic()
    response = sqlite_table.client.get("/v1/cases", headers={
        **sqlite_table.headers(), "X-Min-Position": str(head(sqlite_table) + 1_000_000)})
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert 4.5 <= elapsed < 10


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_a_malformed_min_position_is_a_422_naming_the_header(world: World, value: str) -> None:
    response = world.get("/v1/cases", world.chair, **{"X-Min-Position": value})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "x-min-position"]


def test_a_request_without_a_valid_token_is_401_at_once_whatever_position_it_asks_for(
    world: World,
) -> None:
    far = str(head(world.table) + 1_000_000)
    world.ok(world.delete(f"/v1/people/{world.teacher.id}", world.chair))
    for headers in ({}, {"Authorization": "Bearer not-a-token"},
                    world.table.headers(world.teacher.token)):
        started = time.monotonic()
        response = world.table.client.get("/v1/cases",
                                          headers={**headers, "X-Min-Position": far})
        assert response.status_code == 401
        assert time.monotonic() - started < 1
