"""Reads and the `X-Min-Position` header: a read waits for the views to reach a position."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from domain.model import Organisation
from roundtable.bootstrap import build
from roundtable.context import RoundTableApplication
from roundtable.paths import event_store_env
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


@pytest.mark.parametrize("beyond", [1, 1_000_000])
def test_a_position_beyond_the_head_is_a_422_at_once_naming_the_header(
    world: World, beyond: int
) -> None:
    started = time.monotonic()
    response = world.get("/v1/cases", world.chair,
                         **{"X-Min-Position": str(head(world.table) + beyond)})
    assert time.monotonic() - started < 1
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["header", "x-min-position"]


@pytest.fixture
def lagging(tmp_path: Path) -> Iterator[tuple[Table, int]]:
    """An API process whose views lag: it only follows the views (as on PostgreSQL, where
    workers feed them), and another process has written an event no worker has projected.
    Yields the table served by that process and the position of the event."""
    made = make_table(tmp_path)
    made.built.close()
    writer = RoundTableApplication(env=event_store_env(made.paths))
    try:
        writer.save(Organisation(id=uuid.uuid4(), name="Late", sector="x", kind="formal",
                                 professional_secrecy=False, actor=None))
        position = int(writer.recorder.max_notification_id() or 0)
    finally:
        writer.close()
    built = build(made.paths, made.clock, project=False)
    try:
        yield dataclasses.replace(made, built=built,
                                  client=TestClient(create_app(built.services))), position
    finally:
        built.close()


@pytest.mark.anyio
async def test_requests_waiting_for_a_position_hold_no_worker_thread(
    lagging: tuple[Table, int],
) -> None:
    """Fifty requests wait for a position the views have not reached: each answers 503 after
    about five seconds, and meanwhile other requests are answered at once (the thread pool has
    40 threads: a wait that held one would stall them)."""
    table, position = lagging
    transport = httpx.ASGITransport(app=table.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                 headers=table.headers()) as client:

        async def waiting() -> tuple[int, float]:
            started = time.monotonic()
            response = await client.get("/v1/cases", headers={"X-Min-Position": str(position)})
            return response.status_code, time.monotonic() - started

        waiters = [asyncio.create_task(waiting()) for _ in range(50)]
        await asyncio.sleep(0.5)
        started = time.monotonic()
        me = await client.get("/v1/me")
        answered_in = time.monotonic() - started
        results = await asyncio.gather(*waiters)
    assert me.status_code == 200
    assert answered_in < 1
    assert {status for status, _ in results} == {503}
    assert all(4.5 <= took < 10 for _, took in results)


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
