"""Cases, their case tables, and closing."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import APIRouter

from api.deps import CallerDep, Fresh, ServicesDep
from api.schemas import CaseCreate, OrganisationRef
from api.schemas_actions import CaseClose

router = APIRouter(prefix="/v1", tags=["cases"])


@router.post("/cases", status_code=201)
def open_case(body: CaseCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Open a case on an individual of concern (chair); the subject is sealed at rest."""
    created, reference = svc.commands.open_case(
        caller, body.subject.name, body.subject.birth_year, body.summary
    )
    return {"id": str(created.id), "reference": reference, "status": "open",
            "position": created.position}


@router.get("/cases", dependencies=[Fresh])
def cases(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The cases the caller may see: chairs all, members those on whose case table they sit."""
    return svc.reads.cases(caller)


@router.get("/cases/{case_id}", dependencies=[Fresh])
def case(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One case, with its subject and case table (case viewers)."""
    return svc.reads.case(caller, case_id)


@router.post("/cases/{case_id}/organisations", status_code=201)
def join_case(
    case_id: UUID, body: OrganisationRef, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Join an organisation to the case table (chair)."""
    return {"position": svc.commands.join_case(caller, case_id, body.organisation_id)}


@router.delete("/cases/{case_id}/organisations/{organisation_id}")
def leave_case(
    case_id: UUID, organisation_id: UUID, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Take an organisation off the case table (chair); it loses what it saw through it."""
    return {"position": svc.commands.leave_case(caller, case_id, organisation_id)}


@router.post("/cases/{case_id}/close")
def close_case(
    case_id: UUID, body: CaseClose, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Close a case with a reason (chair); its proposed or open actions are cancelled with
    it if `open_actions` is `cancel`, else they make it a 409."""
    return {"position": svc.commands.close_case(caller, case_id, body.reason,
                                                body.open_actions == "cancel")}
