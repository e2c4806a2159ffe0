"""Every dependency a route takes, as an `Annotated` alias."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from roundtable.audit.service import Audit
from roundtable.commands import Commands
from roundtable.context import Caller, Context
from roundtable.reads import Reads

MIN_POSITION_WAIT_SECONDS = 5.0


@dataclass
class Services:
    """Built once by the composition root and handed to the app."""

    ctx: Context
    commands: Commands
    reads: Reads
    audit: Audit


async def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


ServicesDep = Annotated[Services, Depends(services)]
_bearer = HTTPBearer(auto_error=False)


def current_caller(
    request: Request,
    svc: ServicesDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    caller = svc.ctx.authenticate(credentials.credentials if credentials else None)
    request.state.person_id = str(caller.id)  # for the request's log line (api/ops.py)
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


async def min_position(
    svc: ServicesDep,
    _caller: CallerDep,  # authenticate first: no token is a 401 at once, never a 5 s wait
    x_min_position: Annotated[int | None, Header(ge=0)] = None,
) -> None:
    """Answer only once the views include position N (within 5 s, else 503).

    Async, so that the common case (no header) costs no trip to the thread pool."""
    if x_min_position is not None:
        await run_in_threadpool(_wait_for, svc, x_min_position)


def _wait_for(svc: Services, x_min_position: int) -> None:
    deadline = time.monotonic() + MIN_POSITION_WAIT_SECONDS
    while svc.ctx.catchup.catch_up() < x_min_position:
        if time.monotonic() > deadline:
            raise HTTPException(503, "the views have not reached that position yet")
        time.sleep(0.02)


Fresh = Depends(min_position)
