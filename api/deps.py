"""Every dependency a route takes, as an `Annotated` alias."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.freshness import Freshness
from api.schemas import INT64_MAX
from roundtable.audit.disclosure_writer import DisclosureWriter
from roundtable.audit.service import Audit
from roundtable.callers import Callers
from roundtable.commands import Commands
from roundtable.context import Caller, Context
from roundtable.reads import Reads
from roundtable.sessions import SessionStore


@dataclass
class Services:
    """Built once by the composition root and handed to the app."""

    ctx: Context
    commands: Commands
    reads: Reads
    audit: Audit
    sessions: SessionStore
    disclosure_writer: DisclosureWriter
    callers: Callers
    # The hot reads' own worker threads (`api/disclosed.py`), started on first use.
    read_lane: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(
        READ_LANE_THREADS, thread_name_prefix="read-lane"))


# Two: reads of one process then overlap only where SQLite and AES-GCM release the GIL, and wait
# their turn in order on the event loop instead of in the GIL (README, "Benchmarks").
READ_LANE_THREADS = 2


async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
_bearer = HTTPBearer(auto_error=False)


async def current_caller(
    request: Request,
    svc: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The token's caller: remembered while no store was written (no thread, no query), else
    authenticated on a worker thread (`roundtable/callers.py`)."""
    token = credentials.credentials if credentials else None
    caller = svc.callers.known(token)
    if caller is None:
        caller = await run_in_threadpool(svc.callers.authenticate, token)
    request.state.person_id = str(caller.id)  # for the request's log line (api/ops.py)
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]

# A period's bounds, `?from=DATE&to=DATE`, each optional and inclusive.
Since = Annotated[date | None, Query(alias="from")]
Until = Annotated[date | None, Query(alias="to")]


async def min_position(
    request: Request,
    _caller: CallerDep,  # authenticate first: no token is a 401 at once, never a wait
    x_min_position: Annotated[int | None, Header(ge=0, le=INT64_MAX)] = None,
) -> None:
    """Answer only once the views include position N (within 5 s, else 503; beyond the
    store's head: 422). Async, and waits on the event loop (`api/freshness.py`)."""
    if x_min_position is not None:
        freshness: Freshness = request.app.state.freshness
        await freshness.wait_for(x_min_position)


Fresh = Depends(min_position)
