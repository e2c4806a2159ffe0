"""The audit trail: metadata, proofs and checkpoints for auditors (and chairs); never text."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Path, Query

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import INT64_MAX

router = v1_router("audit", "/v1/audit")


@router.get("/events", dependencies=[Fresh], responses=WAITS)
def events(
    svc: ServicesDep,
    caller: CallerDep,
    after: Annotated[int, Query(ge=0, le=INT64_MAX)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    """Event metadata in log order (position, type, stream, time, actor, leaf hash)."""
    return svc.audit.events(caller, after, limit)


@router.get("/verify", dependencies=[Fresh], responses=WAITS)
def verify(svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Recompute every leaf and check the log against its tree and signed checkpoints."""
    return svc.audit.verify(caller)


@router.get("/disclosures", dependencies=[Fresh], responses=WAITS)
def disclosures(
    svc: ServicesDep, caller: CallerDep, case_id: UUID | None = None
) -> dict[str, Any]:
    """Every response that showed contribution text; reading this is itself recorded."""
    return svc.audit.disclosures(caller, case_id)


@router.get("/views/{person_id}", dependencies=[Fresh], responses=WAITS)
def view_as_of(
    person_id: UUID,
    svc: ServicesDep,
    caller: CallerDep,
    at: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
) -> dict[str, Any]:
    """What a person could see as of position `at` (default: now), replayed from the log."""
    return svc.audit.view_as_of(caller, person_id, at)


@router.get("/key")
def key(svc: ServicesDep) -> dict[str, str]:
    """The log's Ed25519 verifier key in C2SP signed-note form (no token needed)."""
    return svc.audit.key()


@router.get("/checkpoint", dependencies=[Fresh], responses=WAITS)
def checkpoint(svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """A signed C2SP tlog-checkpoint covering every event written before the request."""
    return svc.audit.checkpoint(caller).to_json()


@router.get("/leaves/{index}", dependencies=[Fresh], responses=WAITS)
def leaf(
    index: Annotated[int, Path(ge=0, le=INT64_MAX)], svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Leaf `index` (0-based, log order): its position, leaf hash and canonical bytes."""
    return svc.audit.leaf(caller, index)


@router.get("/proofs/inclusion", dependencies=[Fresh], responses=WAITS)
def inclusion(
    svc: ServicesDep,
    caller: CallerDep,
    index: Annotated[int, Query(ge=0, le=INT64_MAX)],
    size: Annotated[int, Query(ge=1, le=INT64_MAX)],
) -> dict[str, Any]:
    """RFC 6962 / 9162 audit path of leaf `index` in the tree of `size` leaves."""
    return svc.audit.inclusion(caller, index, size)


@router.get("/proofs/consistency", dependencies=[Fresh], responses=WAITS)
def consistency(
    svc: ServicesDep,
    caller: CallerDep,
    size1: Annotated[int, Query(alias="from", ge=1, le=INT64_MAX)],
    size2: Annotated[int, Query(alias="to", ge=1, le=INT64_MAX)],
) -> dict[str, Any]:
    """RFC 6962 / 9162 consistency proof between trees of sizes `from` and `to`."""
    return svc.audit.consistency(caller, size1, size2)
