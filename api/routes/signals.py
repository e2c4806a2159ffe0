"""Signals: partners raise concerns, the chair triages them."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas_signals import SignalCreate, TriageIn

router = v1_router("signals")


@router.post("/signals", status_code=201)
def raise_signal(body: SignalCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Raise a concern, with or without a named subject (member, chair); sealed at rest."""
    subject = body.subject.model_dump() if body.subject is not None else None
    created = svc.commands.raise_signal(caller, subject, body.title, body.concern)
    return {"id": str(created.id), "status": "new", "position": created.position}


@router.get("/signals", dependencies=[Fresh], responses=WAITS)
def signals(
    svc: ServicesDep, caller: CallerDep,
    status: Literal["new", "accepted", "declined", "referred"] | None = None,
) -> list[dict[str, Any]]:
    """The signals the caller may read: chairs all, members their organisation's."""
    return svc.reads.signals(caller, status, "GET /v1/signals")


@router.get("/signals/{signal_id}", dependencies=[Fresh], responses=WAITS)
def signal(signal_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One signal, as in the list (chairs, the raising organisation)."""
    return svc.reads.signal(caller, signal_id, "GET /v1/signals/{id}")


@router.post("/signals/{signal_id}/triage")
def triage(signal_id: UUID, body: TriageIn, svc: ServicesDep, caller: CallerDep) -> (
    dict[str, Any]
):
    """Accept (open or join a case), decline or refer a signal, with a reason (chair)."""
    triaged = svc.commands.triage_signal(caller, signal_id, body.decision, body.reason,
                                         body.case_id, body.refer_to)
    out: dict[str, Any] = {"position": triaged.position}
    if triaged.case_id is not None:
        out["case_id"] = str(triaged.case_id)
    return out
