"""Contributions: information an organisation brings to a case, and its sharing rule."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import ContributionId, Position
from domain.rules import Role, SharingRule, Tlp
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath


class ContributionCommands(WritePath):
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


def parse_rule(data: dict[str, Any]) -> SharingRule:
    """The API's rule fields to the value object (pydantic has checked their shapes)."""
    return SharingRule.from_json({**data, "tlp": Tlp(data["tlp"]).value})
