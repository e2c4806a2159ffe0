"""Information requests between the organisations of a case table."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas_signals import AnswerIn, RequestCreate
from domain.errors import InvalidError

router = v1_router("requests")
Mine = Literal["mine"]


@router.post("/cases/{case_id}/requests", status_code=201)
def ask(case_id: UUID, body: RequestCreate, svc: ServicesDep, caller: CallerDep) -> (
    dict[str, Any]
):
    """Ask an organisation on the case table a question (chair, member of the case table)."""
    created = svc.commands.ask_request(caller, case_id, body.to_organisation_id, body.question)
    return {"id": str(created.id), "position": created.position}


@router.get("/cases/{case_id}/requests", dependencies=[Fresh], responses=WAITS)
def case_requests(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """Every request of a case (case viewers)."""
    return svc.reads.case_requests(caller, case_id, "GET /v1/cases/{id}/requests")


@router.get("/requests", dependencies=[Fresh], responses=WAITS)
def requests(
    svc: ServicesDep, caller: CallerDep,
    to: Mine | None = None,
    from_: Annotated[Mine | None, Query(alias="from")] = None,
) -> list[dict[str, Any]]:
    """Requests to (`to=mine`) or from (`from=mine`) the caller's organisation; both without."""
    return svc.reads.requests(caller, to is not None, from_ is not None, "GET /v1/requests")


@router.get("/requests/{request_id}", dependencies=[Fresh], responses=WAITS)
def request(request_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One request, as in the list (viewers of its case)."""
    return svc.reads.request(caller, request_id, "GET /v1/requests/{id}")


@router.post("/requests/{request_id}/answer")
def answer(request_id: UUID, body: AnswerIn, svc: ServicesDep, caller: CallerDep) -> (
    dict[str, int]
):
    """Answer with a contribution of one's own, or decline saying why (the asked
    organisation)."""
    if body.declined:
        if body.contribution_id is not None:
            raise InvalidError("contribution_id", "answer or decline, not both")
        if body.reason is None:
            raise InvalidError("reason", "say why you cannot share this")
        return {"position": svc.commands.decline_request(caller, request_id, body.reason)}
    if body.contribution_id is None:
        raise InvalidError("contribution_id", "required, unless declined is true")
    if body.reason is not None:
        raise InvalidError("reason", "a reason goes with declined: true")
    return {"position": svc.commands.answer_request(caller, request_id, body.contribution_id)}
