"""Cases and their case tables."""

from __future__ import annotations

import json
import uuid
from uuid import UUID

from domain.errors import InvalidError
from domain.ids import CaseId, Position
from domain.model import Case, RoundTable
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair


class CaseCommands(WritePath):
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

    def close_case(
        self, caller: Caller, case_id: UUID, reason: str, cancel_actions: bool = False
    ) -> Position:
        """Close; proposed or open actions make it a 409 unless `cancel_actions`."""
        self._visible_case(caller, case_id)
        require_chair(caller)
        sealed = self._seal(case_id, "close_reason", reason)
        closed_on = self.ctx.clock().date().isoformat()
        return self._on_case(caller, case_id, lambda c: c.close(
            sealed, closed_on, caller.id, cancel_actions))
