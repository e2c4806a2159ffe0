"""Contributions: information an organisation brings to a case, and its sharing rule."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import ContributionId, Position
from domain.model import Case
from domain.rules import Role, SharingRule, Tlp
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath


class ContributionCommands(WritePath):
    def contribute(
        self, caller: Caller, case_id: UUID, text: str, rule: SharingRule,
        sent: Sent | None = None,
    ) -> Created:
        """`sent`: the rule's id lists in the order the caller sent them, so that a 422 names
        the index the caller knows (the rule keeps sets)."""
        self._visible_case(caller, case_id)
        if caller.role not in (Role.CHAIR, Role.MEMBER):
            raise NotPermittedError("only a chair or a member may contribute")
        self._check_rule(caller, case_id, rule, sent)
        contribution_id = ContributionId(uuid.uuid4())
        sealed = self._seal(case_id, f"contribution:{contribution_id}", text)
        owner = self._seal(case_id, f"owner:{contribution_id}", json.dumps(
            {"contributor_id": str(caller.id), "owner_id": str(caller.organisation_id)}
        )) if rule.anonymous else None

        def change(case: Case) -> None:
            if caller.role is not Role.CHAIR:
                case.check_on_table(caller.organisation_id)
            case.contribute(contribution_id, caller.id, caller.organisation_id, sealed,
                            rule.to_json(), caller.id, owner)

        return Created(contribution_id, self._on_case(caller, case_id, change, combine=True))

    def _owned_contribution(self, caller: Caller, contribution_id: UUID) -> UUID:
        """The case of a contribution the caller may see and whose owner organisation it is of."""
        self.ctx.catchup.catch_up()
        row = self.ctx.queries.contribution_for(caller.facts, contribution_id, self.ctx.clock())
        if row is None:
            raise NotFoundError("no such contribution")
        if row["owner_id"] != str(caller.organisation_id):
            raise NotPermittedError("only the owner organisation may change its sharing")
        return UUID(row["case_id"])

    def change_sharing(
        self, caller: Caller, contribution_id: UUID, rule: SharingRule, sent: Sent | None = None
    ) -> Position:
        case_id = self._owned_contribution(caller, contribution_id)
        self._check_rule(caller, case_id, rule, sent)
        actor = self._seal(case_id, f"actor:{contribution_id}", str(caller.id))
        return self._on_case(caller, case_id, lambda c: c.change_sharing(
            contribution_id, rule.to_json(), caller.id, actor))

    def withdraw(self, caller: Caller, contribution_id: UUID) -> Position:
        case_id = self._owned_contribution(caller, contribution_id)
        actor = self._seal(case_id, f"actor:{contribution_id}", str(caller.id))
        return self._on_case(caller, case_id, lambda c: c.withdraw(
            contribution_id, caller.id, actor))

    def _check_rule(
        self, caller: Caller, case_id: UUID, rule: SharingRule, sent: Sent | None
    ) -> None:
        """The rule's references, each named by its field and the index the caller sent.

        A meeting the caller may not see answers like one that does not exist."""
        for field, why in rule.problems():
            raise InvalidError(field, why)
        if rule.expires_at is not None and rule.expires_at <= self.ctx.clock():
            raise InvalidError("expires_at", "must be in the future")
        if rule.meeting_id is not None:
            self._check_meeting(caller, case_id, rule)
        sent = sent or sent_lists(rule.to_json())
        self._check_exist("people", "recipients", sent.get("recipients") or [])
        self._check_exist("organisations", "organisations", sent.get("organisations") or [])
        self._check_exist("organisations", "actionable_by", sent.get("actionable_by") or [])

    def _check_meeting(self, caller: Caller, case_id: UUID, rule: SharingRule) -> None:
        assert rule.meeting_id is not None
        meeting = self.ctx.queries.meeting_for(caller.facts, rule.meeting_id)
        agenda = self.ctx.queries.meeting_agenda(rule.meeting_id) if meeting else None
        if agenda is None or str(case_id) not in agenda:
            raise InvalidError("meeting_id", "no meeting with this case on its agenda: "
                               f"{rule.meeting_id}")
        if rule.tlp is Tlp.RED and not self.ctx.queries.attendance_recorded(rule.meeting_id):
            raise InvalidError("meeting_id", "the attendance of that meeting is not recorded "
                               "yet: RED given at a meeting is for the people present")


Sent = Mapping[str, Sequence[UUID] | None]


def sent_lists(data: Mapping[str, Any]) -> Sent:
    """The id lists of a rule's fields as sent (JSON or API body)."""
    return {field: [UUID(str(v)) for v in data[field]] if data.get(field) is not None else None
            for field in ("recipients", "organisations", "actionable_by")}


def parse_rule(data: dict[str, Any]) -> SharingRule:
    """The API's rule fields to the value object (pydantic has checked their shapes)."""
    return SharingRule.from_json({**data, "tlp": Tlp(data["tlp"]).value})
