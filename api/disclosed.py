"""Reads that show personal data, answered from an async endpoint in one worker-thread hop.

The read runs on a worker thread with a recorder that hands its disclosures to the writer
(`roundtable/audit/disclosure_writer.py`) instead of waiting for them; the endpoint then awaits
them on the event loop, and returns only once every one is durable. No worker thread is held
while the disclosure log syncs, and the promise is the one of a blocking read: a record that
could not be kept is a 500, and the answer never leaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any, TypeVar
from uuid import UUID

import orjson
from starlette.responses import Response

from api.deps import Services
from roundtable.audit.disclosure_writer import DisclosureWriter
from roundtable.reads import Reads

T = TypeVar("T")


class HandedOver:
    """A disclosure recorder that hands each record over and keeps its future."""

    def __init__(self, writer: DisclosureWriter) -> None:
        self.writer = writer
        self.pending: list[Future[None]] = []

    def record(self, person_id: UUID, ids: list[str], endpoint: str,
               case_id: UUID | None, kind: str = "contribution") -> None:
        self.pending.append(self.writer.submit(person_id, ids, endpoint, case_id, kind))

    async def durable(self) -> None:
        for done in self.pending:
            try:
                await asyncio.wrap_future(done)
            except Exception as error:
                raise RuntimeError("the disclosure could not be recorded") from error


async def disclosed(svc: Services, read: Callable[[Reads], T]) -> T:
    """`read(reads)` on a thread of the read lane; returned once its disclosures are durable.

    The lane has two threads (`api.deps.READ_LANE_THREADS`) and a first-come queue: under
    load, reads wait their turn on the event loop rather than as 16 threads fighting for the
    GIL, which answered fewer reads and with a longer tail (README, "Benchmarks"). (Run on the
    event loop instead, for a remembered caller, it cost less CPU but answered later at 4
    connections: the reads of concurrent requests no longer overlapped in SQLite and AES-GCM,
    which release the GIL.)"""
    handed = HandedOver(svc.disclosure_writer)
    answer = await asyncio.get_running_loop().run_in_executor(
        svc.read_lane, read, svc.reads.recording_to(handed))
    await handed.durable()
    return answer


class JsonAnswer(Response):
    """JSON bytes by orjson (the route's `response_model` keeps the OpenAPI schema)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
