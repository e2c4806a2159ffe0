"""Information requests: an organisation of a case table asks another one on it; the asked
organisation answers with a contribution of its own or declines, saying why.

Requests live in the Case aggregate, so that asking is checked against the case table inside
the retried write (the asked organisation cannot leave the table between the check and the
question), and the question and the reason are sealed under the case's key: erased with it.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.rules import Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath

NOT_YOURS = "not a contribution of your organisation on this case"


def require_partner(caller: Caller) -> None:
    if caller.role not in (Role.CHAIR, Role.MEMBER):
        raise NotPermittedError("only chairs and members ask and answer requests")


class RequestCommands(WritePath):
    def ask_request(
        self, caller: Caller, case_id: UUID, to_organisation_id: UUID, question: str
    ) -> Created:
        self._visible_case(caller, case_id)
        require_partner(caller)
        request_id = uuid.uuid4()
        sealed = self._seal(case_id, f"request:{request_id}:question", question)
        position = self._on_case(caller, case_id, lambda c: c.ask(
            request_id, caller.organisation_id, to_organisation_id, sealed,
            caller.role is Role.CHAIR, caller.id))
        return Created(request_id, position)

    def answer_request(self, caller: Caller, request_id: UUID, contribution_id: UUID) -> Position:
        """Answered by a contribution the asked organisation made on the request's case."""
        case_id = self._owed_request(caller, request_id)
        row = self.ctx.queries.contribution_for(caller.facts, contribution_id, self.ctx.clock())
        if row is None or not _ours(row, case_id, caller):
            raise InvalidError("contribution_id", NOT_YOURS)
        return self._on_case(caller, case_id, lambda c: c.answer_request(
            request_id, caller.organisation_id, contribution_id, caller.id))

    def decline_request(self, caller: Caller, request_id: UUID, reason: str) -> Position:
        """"We cannot share this, because…": the reason is sealed under the case's key."""
        case_id = self._owed_request(caller, request_id)
        sealed = self._seal(case_id, f"request:{request_id}:reason", reason)
        return self._on_case(caller, case_id, lambda c: c.decline_request(
            request_id, caller.organisation_id, sealed, caller.id))

    def _owed_request(self, caller: Caller, request_id: UUID) -> UUID:
        """The case of a request the caller sees and its organisation was asked."""
        self.ctx.catchup.catch_up()
        row = self.ctx.queries.request_for(caller.facts, request_id)
        if row is None:
            raise NotFoundError("no such request")
        require_partner(caller)
        if row["to_organisation_id"] != str(caller.organisation_id):
            raise NotPermittedError("only the asked organisation answers a request")
        return UUID(row["case_id"])


def _ours(row: Row, case_id: UUID, caller: Caller) -> bool:
    """Ownership and case never change, so checking them before the write is safe."""
    return (row["case_id"] == str(case_id) and row["owner_id"] == str(caller.organisation_id)
            and row["withdrawn_at"] is None)
