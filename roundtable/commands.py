"""Commands: get, check, mutate, save. Each returns ids and positions, never aggregates.

The checks a command makes in order: can the caller see the thing (else 404, the same answer as
for a missing id), may its role or organisation do this (else 403), is the input valid (else
422 naming the field), does the state allow it (else 409).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import CaseId, ContributionId, OrganisationId, Position
from domain.model import Case, Meeting, Organisation, Person, RoundTable
from domain.rules import Role, SharingRule, Tlp
from roundtable.context import Caller, Context, new_token
from roundtable.sealing import CaseKeyMissing


@dataclass(frozen=True)
class Created:
    id: UUID
    position: Position


def require_chair(caller: Caller) -> None:
    if caller.role is not Role.CHAIR:
        raise NotPermittedError("only a chair may do this")


class Commands:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- organisations and people

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

    # --- cases

    def open_case(
        self, caller: Caller, name: str, birth_year: int | None, summary: str | None
    ) -> tuple[Created, str]:
        require_chair(caller)
        case_id = CaseId(uuid.uuid4())
        self.ctx.keys.create(case_id)
        seal = self.ctx.sealer.seal
        subject = seal(case_id, "subject", json.dumps({"name": name, "birth_year": birth_year}))
        sealed_summary = seal(case_id, "summary", summary) if summary is not None else None

        def attempt() -> tuple[Created, str]:
            table: RoundTable = self.ctx.get(self.ctx.round_table_id(), RoundTable)
            reference = table.next_reference(self.ctx.clock().year, caller.id)
            case = Case(
                id=case_id, reference=reference, subject=subject, summary=sealed_summary,
                opened_on=self.ctx.clock().date().isoformat(), actor=caller.id,
            )
            return Created(case_id, self.ctx.save(table, case)), reference

        return self.ctx.retrying(attempt)

    def _visible_case(self, caller: Caller, case_id: UUID) -> None:
        self.ctx.catchup.catch_up()
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")

    def _seal(self, case_id: UUID, purpose: str, text: str) -> str:
        """Seal under the case's key; its key gone (the case erased) is a 409, not a 500."""
        try:
            return self.ctx.sealer.seal(case_id, purpose, text)
        except CaseKeyMissing:
            raise ConflictError("the case is erased") from None

    def _on_case(self, caller: Caller, case_id: UUID, change: Any) -> Position:
        """Run `change(case)` on fresh state and save, retrying on a concurrent write."""

        def attempt() -> Position:
            case: Case = self.ctx.get(case_id, Case)
            change(case)
            return self.ctx.save(case)

        return self.ctx.retrying(attempt)

    def join_case(self, caller: Caller, case_id: UUID, organisation_id: UUID) -> Position:
        self._visible_case(caller, case_id)
        require_chair(caller)
        if self.ctx.queries.organisation(organisation_id) is None:
            raise InvalidError("organisation_id", "no such organisation")
        return self._on_case(caller, case_id, lambda c: c.join(organisation_id, caller.id))

    def leave_case(self, caller: Caller, case_id: UUID, organisation_id: UUID) -> Position:
        self._visible_case(caller, case_id)
        require_chair(caller)
        return self._on_case(caller, case_id, lambda c: c.leave(organisation_id, caller.id))

    def close_case(self, caller: Caller, case_id: UUID, reason: str) -> Position:
        self._visible_case(caller, case_id)
        require_chair(caller)
        sealed = self._seal(case_id, "close_reason", reason)
        closed_on = self.ctx.clock().date().isoformat()
        return self._on_case(caller, case_id, lambda c: c.close(sealed, closed_on, caller.id))

    def erase_case(self, caller: Caller, case_id: UUID) -> Position:
        """Crypto-shredding: record `Erased` (no personal data), then destroy the case key.

        The event comes first: a crash before the key is destroyed is finished at the next
        start (`finish_erasures`), never left half done in the other order (a case whose key
        is gone but which still looks open).
        """
        self._visible_case(caller, case_id)
        require_chair(caller)
        return self.erase(case_id, caller.id)

    def erase(self, case_id: UUID, actor: UUID | None) -> Position:
        """Erase without a caller's checks: the retention command (actor None) uses this."""

        def attempt() -> Position:
            case: Case = self.ctx.get(case_id, Case)
            case.erase(actor)
            return self.ctx.save(case)

        position = self.ctx.retrying(attempt)
        self.ctx.keys.destroy(case_id)
        return position

    def change_settings(
        self, caller: Caller, retention_days_after_close: int, review_interval_days: int
    ) -> Position:
        require_chair(caller)

        def attempt() -> Position:
            table: RoundTable = self.ctx.get(self.ctx.round_table_id(), RoundTable)
            table.change_settings(retention_days_after_close, review_interval_days, caller.id)
            return self.ctx.save(table)

        return self.ctx.retrying(attempt)

    # --- meetings

    def schedule_meeting(self, caller: Caller, held_on: date, case_ids: list[UUID]) -> Created:
        require_chair(caller)
        self._check_exist("cases", "case_ids", case_ids)
        meeting = Meeting(id=uuid.uuid4(), held_on=held_on.isoformat(),
                          case_ids=list(dict.fromkeys(case_ids)), actor=caller.id)
        return Created(meeting.id, self.ctx.save(meeting))

    def record_attendance(
        self, caller: Caller, meeting_id: UUID, person_ids: list[UUID]
    ) -> Position:
        self.ctx.catchup.catch_up()
        if self.ctx.queries.meeting_for(caller.facts, meeting_id) is None:
            raise NotFoundError("no such meeting")
        require_chair(caller)
        self.ctx.get(meeting_id, Meeting)
        self._check_exist("people", "person_ids", person_ids)

        def attempt() -> Position:
            meeting: Meeting = self.ctx.get(meeting_id, Meeting)
            meeting.record_attendance(list(dict.fromkeys(person_ids)), caller.id)
            return self.ctx.save(meeting)

        return self.ctx.retrying(attempt)

    def _check_exist(self, table: str, field: str, wanted: Sequence[UUID]) -> None:
        for index, missing in enumerate(wanted):
            if self.ctx.queries.missing(table, [missing]):
                raise InvalidError(("body", field, str(index)), f"no such id: {missing}")

    # --- contributions

    def contribute(
        self, caller: Caller, case_id: UUID, text: str, rule: SharingRule
    ) -> Created:
        self._visible_case(caller, case_id)
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only a chair or a member may contribute")
        self._check_rule(case_id, rule)
        contribution_id = ContributionId(uuid.uuid4())
        sealed = self._seal(case_id, f"contribution:{contribution_id}", text)
        position = self._on_case(caller, case_id, lambda c: c.contribute(
            contribution_id, caller.id, caller.organisation_id, sealed, rule.to_json(),
            caller.id,
        ))
        return Created(contribution_id, position)

    def _owned_contribution(self, caller: Caller, contribution_id: UUID) -> UUID:
        """The case of a contribution the caller may see and whose owner organisation it is of."""
        self.ctx.catchup.catch_up()
        row = self.ctx.queries.contribution_for(caller.facts, contribution_id, self.ctx.clock())
        if row is None:
            raise NotFoundError("no such contribution")
        if row["owner_id"] != str(caller.organisation_id):
            raise NotPermittedError("only the owner organisation may change its sharing")
        return UUID(row["case_id"])

    def change_sharing(self, caller: Caller, contribution_id: UUID, rule: SharingRule) -> Position:
        case_id = self._owned_contribution(caller, contribution_id)
        self._check_rule(case_id, rule)
        return self._on_case(caller, case_id, lambda c: c.change_sharing(
            contribution_id, rule.to_json(), caller.id))

    def withdraw(self, caller: Caller, contribution_id: UUID) -> Position:
        case_id = self._owned_contribution(caller, contribution_id)
        return self._on_case(caller, case_id, lambda c: c.withdraw(contribution_id, caller.id))

    def _check_rule(self, case_id: UUID, rule: SharingRule) -> None:
        for field, why in rule.problems():
            raise InvalidError(field, why)
        if rule.meeting_id is not None:
            agenda = self.ctx.queries.meeting_agenda(rule.meeting_id)
            if agenda is None:
                raise InvalidError("meeting_id", "no such meeting")
            if str(case_id) not in agenda:
                raise InvalidError("meeting_id", "the case is not on that meeting's agenda")
        self._check_exist("people", "recipients", sorted(rule.recipients or ()))
        self._check_exist("organisations", "organisations", sorted(rule.organisations or ()))
        self._check_exist("organisations", "actionable_by", sorted(rule.actionable_by or ()))

    # --- actions

    def agree_action(
        self,
        caller: Caller,
        case_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: date | None,
        based_on: list[UUID],
    ) -> Created:
        self._visible_case(caller, case_id)
        require_chair(caller)
        if str(assignee_id) not in self.ctx.queries.case_organisations(case_id):
            raise InvalidError("assignee_organisation_id", "not on the case table")
        self._check_grounds(caller, case_id, assignee_id, based_on)
        action_id = uuid.uuid4()
        sealed = self._seal(case_id, f"action:{action_id}", description)
        position = self._on_case(caller, case_id, lambda c: c.agree_action(
            action_id, sealed, assignee_id, due_on.isoformat() if due_on else None,
            list(dict.fromkeys(based_on)), caller.id))
        return Created(action_id, position)

    def _check_grounds(
        self, caller: Caller, case_id: UUID, assignee_id: UUID, based_on: Iterable[UUID]
    ) -> None:
        """Missing, hidden from the chair, or not actionable by the assignee: one answer."""
        now = self.ctx.clock()
        for index, contribution_id in enumerate(based_on):
            row = self.ctx.queries.contribution_for(caller.facts, contribution_id, now)
            if (
                row is None
                or not _grounds(row, case_id, assignee_id)
                or not self.ctx.queries.organisation_may_act(assignee_id, contribution_id, now)
            ):
                raise InvalidError(
                    ("body", "based_on", str(index)),
                    f"contribution {contribution_id} cannot ground an action for this assignee",
                )

    def complete_action(self, caller: Caller, action_id: UUID) -> Position:
        self.ctx.catchup.catch_up()
        action = self.ctx.queries.action(action_id)
        if action is None or self.ctx.queries.case_for(
            caller.facts, UUID(action["case_id"])
        ) is None:
            raise NotFoundError("no such action")
        if action["assignee_id"] != str(caller.organisation_id) or caller.role not in (
            Role.CHAIR, Role.MEMBER
        ):
            raise NotPermittedError("only the assignee organisation may complete the action")
        return self._on_case(caller, UUID(action["case_id"]),
                             lambda c: c.complete_action(action_id, caller.id))


def finish_erasures(ctx: Context) -> list[UUID]:
    """Destroy the keys of erased cases that still have one (a crash between the two steps)."""
    ctx.catchup.catch_up()
    finished = [UUID(r["id"]) for r in ctx.queries.erased_cases() if ctx.keys.exists(
        UUID(r["id"]))]
    for case_id in finished:
        ctx.keys.destroy(case_id)
    return finished


def _grounds(row: dict[str, Any], case_id: UUID, assignee_id: UUID) -> bool:
    rule = SharingRule.from_json(row["rule"])
    return (
        row["case_id"] == str(case_id)
        and row["withdrawn_at"] is None
        and not row["expired"]
        and assignee_id in rule.acting_organisations(OrganisationId(UUID(row["owner_id"])))
    )


def parse_rule(data: dict[str, Any]) -> SharingRule:
    """The API's rule fields to the value object (pydantic has checked their shapes)."""
    return SharingRule.from_json({**data, "tlp": Tlp(data["tlp"]).value})
