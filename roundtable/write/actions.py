"""Actions agreed at the table, assigned to an organisation, resting on contributions."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import OrganisationId, Position
from domain.rules import Role, SharingRule
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


class ActionCommands(WritePath):
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


def _grounds(row: dict[str, Any], case_id: UUID, assignee_id: UUID) -> bool:
    rule = SharingRule.from_json(row["rule"])
    return (
        row["case_id"] == str(case_id)
        and row["withdrawn_at"] is None
        and not row["expired"]
        and assignee_id in rule.acting_organisations(OrganisationId(UUID(row["owner_id"])))
    )
