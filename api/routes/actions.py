"""Actions: partners propose, the table agrees, the assignee reports back."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import Query

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ActionCreate
from api.schemas_actions import ActionCancelIn, ActionChange, ActionNoteIn, ActionOutcomeIn, Status

router = v1_router("actions")


@router.post("/cases/{case_id}/actions", status_code=201)
def agree_action(
    case_id: UUID, body: ActionCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Agree an action (chair: open at once) or propose one (member of the case table)."""
    created = svc.commands.agree_action(
        caller, case_id, body.description, body.assignee_organisation_id, body.due_on,
        body.based_on,
    )
    return {"id": str(created.id), "status": created.status, "position": created.position}


@router.get("/cases/{case_id}/actions", dependencies=[Fresh], responses=WAITS)
def case_actions(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The actions on a case (case viewers)."""
    return svc.reads.actions(caller, case_id)


@router.get("/actions", dependencies=[Fresh], responses=WAITS)
def actions(
    svc: ServicesDep,
    caller: CallerDep,
    mine: bool = False,
    status: Annotated[Status | None, Query()] = None,
    overdue: bool | None = None,
) -> list[dict[str, Any]]:
    """What the table owes, and to whom: actions across the cases the caller may see
    (chair, member); `mine` for those assigned to the caller's organisation."""
    return svc.reads.all_actions(caller, mine=mine, status=status, overdue=overdue)


@router.get("/actions/{action_id}", dependencies=[Fresh], responses=WAITS)
def action(action_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One action with its notes (case viewers)."""
    return svc.reads.action(caller, action_id)


@router.post("/actions/{action_id}/agree")
def agree_proposed_action(action_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Agree a proposed action: it becomes open (chair)."""
    return {"position": svc.commands.agree_proposed_action(caller, action_id)}


@router.post("/actions/{action_id}/notes", status_code=201)
def note_action(
    action_id: UUID, body: ActionNoteIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """A progress note, sealed, read by whoever may read the action (assignee, chair)."""
    created = svc.commands.note_action(caller, action_id, body.text)
    return {"id": str(created.id), "position": created.position}


@router.post("/actions/{action_id}/complete")
def complete_action(
    action_id: UUID, svc: ServicesDep, caller: CallerDep, body: ActionOutcomeIn | None = None
) -> dict[str, int]:
    """Report the outcome (the assignee organisation, or a chair on its behalf); no body:
    done."""
    outcome = body or ActionOutcomeIn()
    return {"position": svc.commands.complete_action(caller, action_id, outcome.outcome,
                                                     outcome.note)}


@router.post("/actions/{action_id}/cancel")
def cancel_action(
    action_id: UUID, body: ActionCancelIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Cancel a proposed or open action with a reason (chair)."""
    return {"position": svc.commands.cancel_action(caller, action_id, body.reason)}


@router.patch("/actions/{action_id}")
def change_action(
    action_id: UUID, body: ActionChange, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Reassign a proposed or open action and/or move its due date (chair)."""
    return {"position": svc.commands.change_action(
        caller, action_id, body.assignee_organisation_id, "due_on" in body.model_fields_set,
        body.due_on)}
