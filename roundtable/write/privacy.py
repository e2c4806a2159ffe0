"""Erasure (crypto-shredding) and the table's retention and review settings."""

from __future__ import annotations

from uuid import UUID

from domain.ids import Position
from domain.model import Case, RoundTable
from roundtable.context import Caller, Context
from roundtable.write.base import WritePath, require_chair


class PrivacyCommands(WritePath):
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

        position = self.ctx.retrying(attempt, case_id)
        self.ctx.keys.destroy(case_id)
        return position

    def change_settings(
        self, caller: Caller, retention_days_after_close: int, review_interval_days: int,
        signal_retention_days: int | None = None,
    ) -> Position:
        require_chair(caller)
        table_id = self.ctx.round_table_id()

        def attempt() -> Position:
            table: RoundTable = self.ctx.get(table_id, RoundTable)
            table.change_settings(retention_days_after_close, review_interval_days, caller.id)
            if signal_retention_days is not None:
                table.change_signal_retention(signal_retention_days, caller.id)
            return self.ctx.save(table)

        return self.ctx.retrying(attempt, table_id)


def finish_erasures(ctx: Context) -> list[UUID]:
    """Destroy the keys of erased cases that still have one (a crash between the two steps)."""
    ctx.catchup.catch_up()
    finished = [UUID(r["id"]) for r in ctx.queries.erased_cases() if ctx.keys.exists(
        UUID(r["id"]))]
    for case_id in finished:
        ctx.keys.destroy(case_id)
    return finished
