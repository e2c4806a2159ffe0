"""`X-Min-Position: N`: a read answers once the views include position N (within 5 s, else
503); a position beyond the store's head is refused at once (422).

Waiting holds no worker thread. The waiting requests sleep on the event loop; one short
catch-up call at a time runs in the thread pool and moves the views' position on for all of
them, so fifty waiting requests cost one poll, not fifty threads.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from fastapi.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from domain.errors import InvalidError
from projections.runner import Catchup

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.01
FIELD = ("header", "x-min-position")


class Freshness:
    def __init__(self, catchup: Catchup, head: Callable[[], int],
                 wait_seconds: float = WAIT_SECONDS) -> None:
        self.catchup = catchup
        self.head = head
        self.wait_seconds = wait_seconds
        self._refreshing = threading.Lock()

    async def wait_for(self, position: int) -> None:
        if position <= self.catchup.position:  # the common case: no I/O at all
            return
        if position > await run_in_threadpool(self.head):
            raise InvalidError(FIELD, "is beyond the newest position of the store")
        deadline = time.monotonic() + self.wait_seconds
        while await self._refresh() < position:
            if time.monotonic() >= deadline:
                raise HTTPException(503, "the views have not reached that position yet")
            await asyncio.sleep(POLL_SECONDS)

    async def _refresh(self) -> int:
        """Catch up once, unless another request is already doing it for everyone."""
        if not self._refreshing.acquire(blocking=False):
            return self.catchup.position
        try:
            return await run_in_threadpool(self.catchup.catch_up)
        finally:
            self._refreshing.release()
