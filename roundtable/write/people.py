"""Organisations and people: the round table's register."""

from __future__ import annotations

import uuid
from uuid import UUID

from domain.errors import ConflictError, InvalidError
from domain.ids import Position
from domain.model import Organisation, Person
from domain.rules import Role
from roundtable.context import Caller, new_token
from roundtable.write.base import Created, WritePath, require_chair


class PeopleCommands(WritePath):
    def register_organisation(
        self, caller: Caller, name: str, sector: str, kind: str, professional_secrecy: bool
    ) -> Created:
        require_chair(caller)
        organisation = Organisation(
            id=uuid.uuid4(), name=name, sector=sector, kind=kind,
            professional_secrecy=professional_secrecy, actor=caller.id,
        )
        return Created(organisation.id, self.ctx.save(organisation))

    def register_person(
        self, caller: Caller | None, name: str, organisation_id: UUID, role: Role
    ) -> tuple[Created, str]:
        """Registers an account; returns its token, which is stored only as a hash."""
        if caller is not None:
            require_chair(caller)
        if self.ctx.queries.organisation(organisation_id) is None:
            raise InvalidError("organisation_id", "no such organisation")
        token, token_hash = new_token()
        person = Person(
            id=uuid.uuid4(), name=name, organisation_id=organisation_id, role=role.value,
            token_hash=token_hash, actor=caller.id if caller else None,
        )
        return Created(person.id, self.ctx.save(person)), token

    def deactivate_person(self, caller: Caller, person_id: UUID) -> Position:
        require_chair(caller)
        person: Person = self.ctx.get(person_id, Person)
        chairs = self.ctx.queries.active_chairs()
        if person.active and person.role == Role.CHAIR and len(chairs) == 1:
            raise ConflictError("the last active chair cannot be deactivated")
        return self.ctx.retrying(lambda: self._deactivate(person_id, caller))

    def _deactivate(self, person_id: UUID, caller: Caller) -> Position:
        person: Person = self.ctx.get(person_id, Person)
        person.deactivate(caller.id)
        return self.ctx.save(person)
