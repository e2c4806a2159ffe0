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

from eventsourcing.persistence import IntegrityError

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.model import Case
from domain.rules import Role
from roundtable.context import Caller, Context
from roundtable.sealing import CaseKeyMissing
from roundtable.serial import Change


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

    def _on_case(
        self, caller: Caller, case_id: UUID, change: Callable[[Case], Any], *,
        combine: bool = False,
    ) -> Position:
        """Run `change(case)` on fresh state and save, holding the case's lock (retried on a
        write of another process). `combine`: see `_combined`."""
        if combine:
            return self._combined(case_id, change)

        def attempt() -> Position:
            case: Case = self.ctx.get(case_id, Case)
            change(case)
            return self.ctx.save(case)

        return self.ctx.retrying(attempt, case_id)

    def _combined(self, case_id: UUID, change: Callable[[Case], Any]) -> Position:
        """Queue `change`; whichever writer of the case gets its lock next applies every change
        queued by then, in order, and saves them in one go: writers of one case share one
        commit instead of waiting for one commit each. Only for changes whose every check is
        in the case itself: a check of a view would not see the changes before it."""
        mine = self.ctx.combining.submit(case_id, change)
        batch: list[Change] = []

        def attempt() -> None:
            if not batch:
                if mine.finished.is_set():  # applied by the writer before
                    return
                batch.extend(self.ctx.combining.drain(case_id))
            try:
                self._apply_together(case_id, batch)
            except IntegrityError:
                raise  # another process wrote the case: all of them again, on fresh state
            except Exception as error:
                for queued in batch:
                    queued.fail(error)

        try:
            self.ctx.retrying(attempt, case_id)
        except BaseException as error:
            for queued in batch:
                queued.fail(error)
            raise
        mine.finished.wait()
        if mine.error is not None:
            raise mine.error
        self.ctx.catchup.wait_for(mine.position)
        return Position(mine.position)

    def _apply_together(self, case_id: UUID, batch: list[Change]) -> None:
        """Each change on the case in turn; one refused is left out (on a fresh case, when it
        was refused half-way), the others are saved together."""
        refused: dict[int, Exception] = {}
        while True:
            case: Case = self.ctx.get(case_id, Case)
            ends: list[tuple[Change, int]] = []
            for index, change in enumerate(batch):
                if index in refused:
                    continue
                before = len(case.pending_events)
                try:
                    change.apply(case)
                except Exception as error:
                    refused[index] = error
                    if len(case.pending_events) != before:
                        break  # half-applied: start again without it
                    continue
                ends.append((change, len(case.pending_events)))
            else:
                break
        recordings = self.ctx.record(case) if case.pending_events else []
        for index, why in refused.items():
            batch[index].fail(why)
        for change, end in ends:
            change.position = recordings[end - 1].notification.id if end else 0
            change.finished.set()

    def _check_exist(self, table: str, field: str, wanted: Sequence[UUID]) -> None:
        for index, missing in enumerate(wanted):
            if self.ctx.queries.missing(table, [missing]):
                raise InvalidError(("body", field, str(index)), f"no such id: {missing}")
