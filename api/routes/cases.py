"""Cases, their case tables, closing, and the actions agreed on them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ActionCreate, CaseCreate, OrganisationRef, ReasonIn

router = v1_router("cases")


@router.post("/cases", status_code=201)
def open_case(body: CaseCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Open a case on an individual of concern (chair); the subject is sealed at rest."""
    created, reference = svc.commands.open_case(
        caller, body.subject.name, body.subject.birth_year, body.summary
    )
    return {"id": str(created.id), "reference": reference, "status": "open",
            "position": created.position}


@router.get("/cases", dependencies=[Fresh], responses=WAITS)
def cases(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The cases the caller may see: chairs all, members those on whose case table they sit."""
    return svc.reads.cases(caller)


@router.get("/cases/{case_id}", dependencies=[Fresh], responses=WAITS)
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
    case_id: UUID, body: ReasonIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Close a case with a reason (chair)."""
    return {"position": svc.commands.close_case(caller, case_id, body.reason)}


@router.post("/cases/{case_id}/actions", status_code=201)
def agree_action(
    case_id: UUID, body: ActionCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Agree an action, assigned to an organisation on the case table (chair)."""
    created = svc.commands.agree_action(
        caller, case_id, body.description, body.assignee_organisation_id, body.due_on,
        body.based_on,
    )
    return {"id": str(created.id), "position": created.position}


@router.get("/cases/{case_id}/actions", dependencies=[Fresh], responses=WAITS)
def actions(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The actions agreed on a case (case viewers)."""
    return svc.reads.actions(caller, case_id)


@router.post("/actions/{action_id}/complete")
def complete_action(action_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Mark an action completed (the assignee organisation)."""
    return {"position": svc.commands.complete_action(caller, action_id)}
