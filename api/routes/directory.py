"""The caller, the organisations and the people of the round table."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import OrganisationCreate, PersonCreate, RegisterChange
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
    return {**svc.reads.person(caller, created.id), "token": token, "position": created.position}


@router.get("/people", dependencies=[Fresh], responses=WAITS)
def people(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The people of the round table, with their organisation's name (chair, member)."""
    return svc.reads.people(caller)


@router.post("/people/{person_id}/confirm")
def confirm_person(person_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Confirm a pending person of one's own organisation (a confirmed person of it)."""
    return {"position": svc.commands.confirm_person(caller, person_id)}


@router.post("/people/{person_id}/token")
def reissue_token(person_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, str]:
    """Issue a new token for a person (chair); the old one and their web sessions stop
    working at once."""
    token = svc.commands.reissue_token(caller, person_id)
    svc.sessions.end_person(person_id)
    return {"token": token}


@router.patch("/organisations/{organisation_id}")
def change_register(
    organisation_id: UUID, body: RegisterChange, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """The network register of a partner: mandate, what it offers, whom to call (chair)."""
    changes = body.model_dump(exclude_unset=True)
    return {"position": svc.commands.change_register(caller, organisation_id, changes)}


@router.delete("/people/{person_id}")
def deactivate_person(person_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Deactivate a person (chair): their token and web sessions stop working and they lose
    every view."""
    position = svc.commands.deactivate_person(caller, person_id)
    svc.sessions.end_person(person_id)
    return {"position": position}
