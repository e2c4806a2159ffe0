"""Cases, their case tables, and closing."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Query

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import OrganisationRef, ReasonIn
from api.schemas_actions import CaseClose
from api.schemas_cases import CaseCreate, CaseEdit

router = v1_router("cases")


@router.post("/cases", status_code=201)
def open_case(body: CaseCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Open a case (chair): on a person (`subject`) or on a situation, a community-level
    concern without a named subject (`title`); subject, title and summary are sealed."""
    if body.subject is not None:
        created, reference = svc.commands.open_case(
            caller, body.subject.name, body.subject.birth_year, body.summary)
    else:
        assert body.title is not None  # the schema requires one of the two
        created, reference = svc.commands.open_situation(caller, body.title, body.summary)
    return {"id": str(created.id), "reference": reference, "status": "open",
            "position": created.position}


# Whitespace alone is no search: it would match every case.
SearchText = Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"\S")]


@router.get("/cases", dependencies=[Fresh], responses=WAITS)
def cases(
    svc: ServicesDep, caller: CallerDep,
    status: Literal["open", "closed", "erased"] | None = None, q: SearchText = None,
) -> list[dict[str, Any]]:
    """The cases the caller may see (chairs all, members those on whose case table they
    sit), by `status`, searched by `q`: the reference (whole) or part of the subject's name or
    the title, case-insensitive."""
    return svc.reads.cases(caller, status, q)


@router.get("/cases/{case_id}", dependencies=[Fresh], responses=WAITS)
def case(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One case, with its subject or title and its case table (case viewers)."""
    return svc.reads.case(caller, case_id)


@router.patch("/cases/{case_id}")
def edit_case(
    case_id: UUID, body: CaseEdit, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Correct a case's subject (a person case), title (a situation) or summary (chair);
    a closed case is reopened first."""
    subject = (body.subject.name, body.subject.birth_year) if body.subject else None
    return {"position": svc.commands.edit_case(caller, case_id, subject, body.summary,
                                               body.title)}


@router.post("/cases/{case_id}/reopen")
def reopen_case(
    case_id: UUID, body: ReasonIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Reopen a closed case with a reason (chair)."""
    return {"position": svc.commands.reopen_case(caller, case_id, body.reason)}


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
