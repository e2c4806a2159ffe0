"""Contributions and their sharing rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ContributionCreate, SharingRuleIn
from roundtable.commands import parse_rule

router = v1_router("contributions")


@router.post("/cases/{case_id}/contributions", status_code=201)
def contribute(
    case_id: UUID, body: ContributionCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Bring information to a case under a sharing rule (chair, or member on the case table)."""
    rule = parse_rule(body.model_dump(mode="json", exclude={"text"}))
    created = svc.commands.contribute(caller, case_id, body.text, rule)
    return {"id": str(created.id), "position": created.position}


@router.get("/cases/{case_id}/contributions", dependencies=[Fresh], responses=WAITS)
def contributions(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The contributions of a case the caller may see."""
    return svc.reads.contributions(caller, case_id, "GET /v1/cases/{id}/contributions")


@router.get("/contributions/{contribution_id}", dependencies=[Fresh], responses=WAITS)
def contribution(contribution_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One contribution, if the caller may see it."""
    return svc.reads.contribution(caller, contribution_id, "GET /v1/contributions/{id}")


@router.put("/contributions/{contribution_id}/sharing")
def change_sharing(
    contribution_id: UUID, body: SharingRuleIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Change the sharing rule from now on (owner organisation)."""
    rule = parse_rule(body.model_dump(mode="json"))
    return {"position": svc.commands.change_sharing(caller, contribution_id, rule)}


@router.post("/contributions/{contribution_id}/withdraw")
def withdraw(contribution_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Withdraw a contribution: from now on only the person who contributed it sees it."""
    return {"position": svc.commands.withdraw(caller, contribution_id)}


@router.get("/contributions/{contribution_id}/access", dependencies=[Fresh], responses=WAITS)
def access(contribution_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Who may see and act on a contribution, and why (owner organisation, chairs)."""
    return svc.reads.access(caller, contribution_id)
