"""Actions: partners propose, the chair agrees, the assignee reports back.

Every check that another write could invalidate runs inside the retried write: the case's
guards (case open, action proposed or open, assignee on the case table, grounds of this case
and not withdrawn) on the freshly loaded case, and the checks the views answer (who may see and
act on a ground, who is the assignee) on views brought up to the log's head in the same
attempt. A write to the case after it was loaded makes the save fail and the attempt run again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from domain.actions_rules import cannot_ground, today_in
from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import OrganisationId, Position
from domain.model import Case
from domain.rules import Role, SharingRule
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


@dataclass(frozen=True)
class ActionCreated:
    id: UUID
    status: str
    position: Position


class ActionCommands(WritePath):
    def agree_action(
        self,
        caller: Caller,
        case_id: UUID,
        description: str,
        assignee_id: UUID,
        due_on: date | None,
        based_on: list[UUID],
    ) -> ActionCreated:
        """A chair agrees an action at once (`open`); a member of the case table proposes one
        (`proposed`) for the chair to agree."""
        self._visible_case(caller, case_id)
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only a chair or a member proposes an action")
        self._check_due(due_on)
        action_id = uuid.uuid4()
        sealed = self._seal(case_id, f"action:{action_id}", description)
        grounds = list(dict.fromkeys(based_on))
        due = due_on.isoformat() if due_on else None
        proposed = caller.role is not Role.CHAIR

        def change(case: Case) -> None:
            case.check_assignee(assignee_id)
            self._fresh_views()
            self._check_grounds(caller, case_id, assignee_id, grounds)
            make = case.propose_action if proposed else case.agree_action
            make(action_id, sealed, assignee_id, due, grounds, caller.id)

        position = self._on_case(caller, case_id, change)
        return ActionCreated(action_id, "proposed" if proposed else "open", position)

    def agree_proposed_action(self, caller: Caller, action_id: UUID) -> Position:
        case_id = self._visible_action(caller, action_id)
        require_chair(caller)
        return self._on_case(caller, case_id,
                             lambda c: c.agree_proposed_action(action_id, caller.id))

    def note_action(self, caller: Caller, action_id: UUID, text: str) -> Created:
        """A progress note, by the assignee organisation or a chair."""
        case_id = self._visible_action(caller, action_id)
        note_id = uuid.uuid4()
        sealed = self._seal(case_id, f"note:{note_id}", text)

        def change(case: Case) -> None:
            self._for_assignee(caller, action_id)
            case.note_action(action_id, note_id, sealed, caller.id)

        return Created(note_id, self._on_case(caller, case_id, change))

    def complete_action(
        self, caller: Caller, action_id: UUID, outcome: str = "done", note: str | None = None
    ) -> Position:
        """The outcome, by the assignee organisation or by a chair on its behalf (the event
        says so); a note is required unless the outcome is `done`."""
        case_id = self._visible_action(caller, action_id)
        if note is None and outcome != "done":
            raise InvalidError("note", "required unless the outcome is done")
        note_id = uuid.uuid4() if note is not None else None
        sealed = self._seal(case_id, f"note:{note_id}", note) if note is not None else None

        def change(case: Case) -> None:
            on_behalf = self._for_assignee(caller, action_id)
            case.complete_action(action_id, outcome, note_id, sealed, on_behalf, caller.id)

        return self._on_case(caller, case_id, change)

    def cancel_action(self, caller: Caller, action_id: UUID, reason: str) -> Position:
        case_id = self._visible_action(caller, action_id)
        require_chair(caller)
        note_id = uuid.uuid4()
        sealed = self._seal(case_id, f"note:{note_id}", reason)
        return self._on_case(caller, case_id,
                             lambda c: c.cancel_action(action_id, note_id, sealed, caller.id))

    def change_action(
        self,
        caller: Caller,
        action_id: UUID,
        assignee_id: UUID | None,
        reschedule: bool,
        due_on: date | None,
    ) -> Position:
        """Reassign (the new assignee on the case table, able to act on every ground) and/or
        move the due date (`reschedule`; `due_on` None clears it)."""
        case_id = self._visible_action(caller, action_id)
        require_chair(caller)
        if reschedule:
            self._check_due(due_on)

        def change(case: Case) -> None:
            if assignee_id is not None:
                case.check_assignee(assignee_id)
                self._fresh_views()
                self._check_may_act_on_all(assignee_id, action_id)
                case.reassign_action(action_id, assignee_id, caller.id)
            if reschedule:
                case.reschedule_action(action_id, due_on.isoformat() if due_on else None,
                                       caller.id)

        return self._on_case(caller, case_id, change)

    # --- checks

    def _visible_action(self, caller: Caller, action_id: UUID) -> UUID:
        """The case of an action the caller may read; else the 404 of a missing one."""
        self.ctx.catchup.catch_up()
        row = self.ctx.queries.action_for(caller.facts, action_id)
        if row is None:
            raise NotFoundError("no such action")
        return UUID(row["case_id"])

    def _fresh_views(self) -> None:
        """Bring the views up to the log's head (the case just loaded included)."""
        head = self.ctx.app.recorder.max_notification_id() or 0
        if self.ctx.catchup.wait_for(head) < head:
            raise ConflictError("the views are behind the log; try again")

    def _for_assignee(self, caller: Caller, action_id: UUID) -> bool:
        """May the caller report on the action: of the assignee organisation (False), or a
        chair on its behalf (True)."""
        self._fresh_views()
        row = self._action(action_id)
        if caller.role in (Role.CHAIR, Role.MEMBER) and row["assignee_id"] == str(
            caller.organisation_id
        ):
            return False
        if caller.role is Role.CHAIR:
            return True
        raise NotPermittedError("only the assignee organisation or a chair may do this")

    def _action(self, action_id: UUID) -> Row:
        row = self.ctx.queries.action(action_id)
        if row is None:
            raise NotFoundError("no such action")
        return row

    def _check_due(self, due_on: date | None) -> None:
        today = today_in(self.ctx.clock(), self.ctx.queries.timezone())
        if due_on is not None and due_on < today:
            raise InvalidError("due_on", f"is in the past (today is {today.isoformat()})")

    def _check_grounds(
        self, caller: Caller, case_id: UUID, assignee_id: UUID, based_on: list[UUID]
    ) -> None:
        """Missing, hidden from the caller, or not actionable by the assignee: one answer."""
        now = self.ctx.clock()
        for index, contribution_id in enumerate(based_on):
            row = self.ctx.queries.contribution_for(caller.facts, contribution_id, now)
            if (
                row is None
                or not _grounds(row, case_id, assignee_id, caller)
                or not self.ctx.queries.organisation_may_act(assignee_id, contribution_id, now)
            ):
                raise InvalidError(("body", "based_on", str(index)),
                                   cannot_ground(contribution_id))

    def _check_may_act_on_all(self, assignee_id: UUID, action_id: UUID) -> None:
        now = self.ctx.clock()
        for contribution_id in self.ctx.queries.all_grounds(action_id):
            if not self.ctx.queries.organisation_may_act(assignee_id, UUID(contribution_id),
                                                         now):
                raise InvalidError("assignee_organisation_id",
                                   "may not act on every contribution the action rests on")


def _grounds(row: dict[str, Any], case_id: UUID, assignee_id: UUID, caller: Caller) -> bool:
    """A ground of this case, live, that the assignee's organisation may act on by its rule.

    A caller who may not see the owner of an (anonymous) ground may only assign it to its own
    organisation: for any other assignee, the answer would tell whether that organisation may
    act on it, which by default means whether it is the owner."""
    rule = SharingRule.from_json(row["rule"])
    return (
        row["case_id"] == str(case_id)
        and row["withdrawn_at"] is None
        and not row["expired"]
        and assignee_id in rule.acting_organisations(OrganisationId(UUID(row["owner_id"])))
        and (bool(row["sees_owner"]) or assignee_id == caller.organisation_id)
    )
