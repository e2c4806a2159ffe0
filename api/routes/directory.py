"""The caller, the organisations and the people of the round table."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import OrganisationCreate, PersonCreate
from domain.rules import Role

router = v1_router("directory")


@router.get("/me", dependencies=[Fresh], responses=WAITS)
def me(svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """The caller's own person record."""
    return svc.reads.me(caller)


@router.post("/organisations", status_code=201)
def register_organisation(
    body: OrganisationCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Register a partner organisation (chair)."""
    created = svc.commands.register_organisation(
        caller, body.name, body.sector, body.kind, body.professional_secrecy
    )
    return {"id": str(created.id), **body.model_dump(), "position": created.position}


@router.get("/organisations", dependencies=[Fresh], responses=WAITS)
def organisations(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """Every organisation at the round table."""
    return svc.reads.organisations()


@router.post("/people", status_code=201)
def register_person(body: PersonCreate, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Register a person of an organisation (chair); the token is shown only in this answer."""
    created, token = svc.commands.register_person(
        caller, body.name, body.organisation_id, Role(body.role)
    )
    return {
        "id": str(created.id),
        "name": body.name,
        "organisation_id": str(body.organisation_id),
        "role": body.role,
        "token": token,
        "position": created.position,
    }


@router.delete("/people/{person_id}")
def deactivate_person(person_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Deactivate a person (chair): their token stops working and they lose every view."""
    return {"position": svc.commands.deactivate_person(caller, person_id)}
