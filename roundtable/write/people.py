"""Organisations and people: the round table's register, confirmed membership, tokens."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.model import Organisation, Person, RoundTable
from domain.rules import Role
from roundtable.context import Caller
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

    def change_register(
        self, caller: Caller, organisation_id: UUID, changes: dict[str, Any]
    ) -> Position:
        """The network register of an organisation (mandate, offers, contact person): the keys
        of `changes` are the fields to set; the others stay as they are."""
        require_chair(caller)
        if self.ctx.queries.organisation(organisation_id) is None:
            raise NotFoundError("no such organisation")
        contact = changes.get("contact_person_id")
        if contact is not None:
            person = self.ctx.queries.person(contact)
            if person is None or person["organisation_id"] != str(organisation_id) or (
                    person["deactivated_at"] is not None):
                raise InvalidError("contact_person_id",
                                   "must be an active person of that organisation")

        def attempt() -> Position:
            organisation: Organisation = self.ctx.get(organisation_id, Organisation)
            current = self.ctx.queries.organisation(organisation_id) or {}
            merged = {field: changes.get(field, current.get(field))
                      for field in ("mandate", "offers", "contact_person_id")}
            contact_id = merged["contact_person_id"]
            organisation.change_register(
                merged["mandate"], merged["offers"],
                UUID(str(contact_id)) if contact_id is not None else None, caller.id)
            return self.ctx.save(organisation)

        return self.ctx.retrying(attempt, organisation_id)

    def register_person(
        self, caller: Caller | None, name: str, organisation_id: UUID, role: Role
    ) -> tuple[Created, str]:
        """Registers an account; returns its token (the credential store keeps only its hash).

        The person is confirmed at once when it is the first active confirmed person of its
        organisation or of the registering chair's own organisation; otherwise it is pending
        until a confirmed person of its organisation confirms it, so that a chair cannot read
        what a partner narrowed to its own organisation by minting an account there."""
        if caller is not None:
            require_chair(caller)
        if self.ctx.queries.organisation(organisation_id) is None:
            raise InvalidError("organisation_id", "no such organisation")

        def attempt() -> tuple[UUID, Position]:
            organisation: Organisation = self.ctx.get(organisation_id, Organisation)
            self.ctx.catchup.catch_up()
            confirmed = (
                caller is None
                or caller.organisation_id == organisation_id
                or not self.ctx.queries.confirmed_people_of(organisation_id)
            )
            person = Person(
                id=uuid.uuid4(), name=name, organisation_id=organisation_id, role=role.value,
                confirmed=confirmed, actor=caller.id if caller else None,
            )
            # Saved with the organisation's version: of two people registered at once in an
            # organisation without a confirmed person, only one is confirmed on creation.
            organisation.staff(person.id, caller.id if caller else None)
            return person.id, self.ctx.save(person, organisation)

        person_id, position = self.ctx.retrying(attempt, organisation_id)
        return Created(person_id, position), self.ctx.credentials.issue(person_id)

    def confirm_person(self, caller: Caller, person_id: UUID) -> Position:
        """An active confirmed person of the same organisation confirms a pending one.

        Auditors and policy people, who may not list the people, get for a person of another
        organisation the answer a missing id gets: theirs says nothing of who exists."""
        row = self.ctx.queries.person(person_id)
        lists_people = caller.role in (Role.CHAIR, Role.MEMBER)
        if row is None or (not lists_people
                           and row["organisation_id"] != str(caller.organisation_id)):
            raise NotFoundError("no such person")
        if row["organisation_id"] != str(caller.organisation_id) or not caller.facts.confirmed:
            raise NotPermittedError(
                "only a confirmed person of the same organisation may confirm")

        def attempt() -> Position:
            person: Person = self.ctx.get(person_id, Person)
            person.confirm(caller.id)
            return self.ctx.save(person)

        return self.ctx.retrying(attempt, person_id)

    def reissue_token(self, caller: Caller, person_id: UUID) -> str:
        """A new token for the person (chair); the old one stops working at once."""
        require_chair(caller)
        row = self.ctx.queries.person(person_id)
        if row is None:
            raise NotFoundError("no such person")
        if row["deactivated_at"] is not None:
            raise ConflictError("the person is deactivated")
        return self.ctx.credentials.issue(person_id)

    def deactivate_person(self, caller: Caller, person_id: UUID) -> Position:
        """Deactivate; the table always keeps one active chair, checked inside the write."""
        require_chair(caller)
        if self.ctx.queries.person(person_id) is None:
            raise NotFoundError("no such person")
        table_id = self.ctx.round_table_id()

        def attempt() -> Position:
            table: RoundTable = self.ctx.get(table_id, RoundTable)
            person: Person = self.ctx.get(person_id, Person)
            self.ctx.catchup.catch_up()  # after loading the table: sees every save before it
            if not person.active:
                raise ConflictError("the person is already deactivated")
            if person.role == Role.CHAIR:
                chairs = self.ctx.queries.active_chairs()
                if len(chairs) <= 1:
                    raise ConflictError("the last active chair cannot be deactivated")
                table.chair_left(person.id, caller.id)
            person.deactivate(caller.id)
            return self.ctx.save(person, table)

        position = self.ctx.retrying(attempt, table_id, person_id)
        self.ctx.credentials.void(person_id)
        return position
