"""Table-level notices from the chair (next meeting, a training, a new partner)."""

from __future__ import annotations

from typing import Any

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas_signals import NoticeCreate

router = v1_router("notices")


@router.post("/notices", status_code=201)
def post_notice(body: NoticeCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Post a GREEN or CLEAR notice to the whole table, about no case (chair)."""
    created = svc.commands.post_notice(caller, body.text, body.tlp)
    return {"id": str(created.id), "position": created.position}


@router.get("/notices", dependencies=[Fresh], responses=WAITS)
def notices(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The table's notices, newest first (chairs and members)."""
    return svc.reads.notices(caller)
