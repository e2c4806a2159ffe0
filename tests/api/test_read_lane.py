"""The hot reads under load: queued on the read lane, each answered with its disclosure durable,
and the lane gone with the service (`api/disclosed.py`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from uuid import UUID

import httpx
import pytest

from tests.api.support import World
from tests.conftest import make_table


@pytest.mark.anyio
async def test_sixty_four_reads_at_once_are_each_answered_and_each_recorded(world: World) -> None:
    """Many more readers than the lane has threads: every one gets the whole permitted view,
    and the disclosure log holds one record per answer, each naming what it showed."""
    case = world.case_id
    made = world.post(f"/v1/cases/{case}/contributions", world.officer,
                      {"text": "Seen at the station", "tlp": "AMBER"})
    assert made.status_code == 201, made.text
    shown = made.json()["id"]
    writer = world.table.built.services.disclosure_writer
    before = len(writer.list(UUID(case)))
    transport = httpx.ASGITransport(app=world.table.client.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test",
                                 headers=world.table.headers(world.colleague.token)) as client:
        answers = await asyncio.gather(*(client.get(f"/v1/cases/{case}/contributions")
                                         for _ in range(64)))
    assert [a.status_code for a in answers] == [200] * 64
    assert all(any(c["id"] == shown and c["text"] == "Seen at the station" for c in a.json())
               for a in answers)
    records = writer.list(UUID(case))[before:]
    assert len(records) == 64
    assert all(r.person_id == world.colleague.id and shown in r.ids for r in records)


def test_a_closed_service_leaves_no_read_lane_thread_behind(tmp_path: Path) -> None:
    table = make_table(tmp_path)
    case = table.case("Kevin D.")
    table.post(f"/v1/cases/{case}/contributions", {"text": "A note", "tlp": "AMBER"})
    read = table.client.get(f"/v1/cases/{case}/contributions", headers=table.headers())
    assert read.status_code == 200
    assert [c["text"] for c in read.json()] == ["A note"]
    services = table.built.services
    lane = set(services.read_lane._threads)
    assert lane
    assert all(t.name.startswith("read-lane") for t in lane)
    table.built.close()
    assert not [t for t in lane if t.is_alive()]
    with pytest.raises(RuntimeError):  # and it takes no more work
        services.read_lane.submit(print)
