"""The one write path every command module shares: load, check, mutate, save, catch up.

The checks a command makes in order: can the caller see the thing (else 404, the same answer as
for a missing id), may its role or organisation do this (else 403), is the input valid (else
422 naming the field), does the state allow it (else 409). Every invariant that another write
could break is checked again inside the retried write (`on_case`), on fresh state.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.model import Case
from domain.rules import Role
from roundtable.context import Caller, Context
from roundtable.sealing import CaseKeyMissing


@dataclass(frozen=True)
class Created:
    id: UUID
    position: Position


def require_chair(caller: Caller) -> None:
    if caller.role is not Role.CHAIR:
        raise NotPermittedError("only a chair may do this")


class WritePath:
    """Holds the context; the helpers every capability's commands use."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

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

    def _on_case(self, caller: Caller, case_id: UUID, change: Callable[[Case], Any]) -> Position:
        """Run `change(case)` on fresh state and save, retrying on a concurrent write."""

        def attempt() -> Position:
            case: Case = self.ctx.get(case_id, Case)
            change(case)
            return self.ctx.save(case)

        return self.ctx.retrying(attempt, case_id)

    def _check_exist(self, table: str, field: str, wanted: Sequence[UUID]) -> None:
        for index, missing in enumerate(wanted):
            if self.ctx.queries.missing(table, [missing]):
                raise InvalidError(("body", field, str(index)), f"no such id: {missing}")
