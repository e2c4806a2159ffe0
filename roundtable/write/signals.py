"""Signals: a partner raises a concern; the chair accepts it (a case), declines or refers it.

Accepting is one atomic write of the event store: the case opened (with the round table's
numbering) or loaded, the raising organisation joined to its table, the concern added as the
raising organisation's AMBER contribution, and the signal marked accepted, all saved together
and retried together on a concurrent write. The signal's own key is destroyed after that save;
a crash in between leaves a key that `finish_signal_keys` destroys at the next start or
retention run (nothing is readable through it that is not also under the case's key).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from domain.errors import ConflictError, InvalidError, NotFoundError, NotPermittedError
from domain.ids import Position
from domain.model import Case, RoundTable
from domain.rules import SharingRule, Tlp
from domain.signals import Signal
from domain.signals_rules import may_use_signals
from projections.query_base import Row
from roundtable.context import Caller, Context
from roundtable.sealing import CaseKeyMissing
from roundtable.write.base import Created, WritePath, require_chair

Decision = Literal["accept", "decline", "refer"]
SEALED_FIELDS = ("subject", "title", "concern", "reason", "refer_to")


@dataclass(frozen=True)
class Triaged:
    position: Position
    case_id: UUID | None


def require_signal_user(caller: Caller) -> None:
    if not may_use_signals(caller.facts):
        raise NotPermittedError("only chairs and confirmed members work with signals")


def purpose(signal_id: UUID, field: str) -> str:
    return f"signal:{signal_id}:{field}"


class SignalCommands(WritePath):
    def raise_signal(
        self, caller: Caller, subject: dict[str, Any] | None, title: str | None, concern: str
    ) -> Created:
        """`subject`: `{name, birth_year}` or None (then `title` is required)."""
        require_signal_user(caller)
        if subject is None and title is None:
            raise InvalidError("title", "a signal without a subject needs a title")
        signal_id = uuid.uuid4()
        self.ctx.keys.create(signal_id)

        def seal(field: str, text: str | None) -> str | None:
            return None if text is None else self.ctx.sealer.seal(
                signal_id, purpose(signal_id, field), text)

        signal = Signal(
            id=signal_id, organisation_id=caller.organisation_id, raised_by=caller.id,
            subject=seal("subject", _subject_json(subject)), title=seal("title", title),
            concern=self.ctx.sealer.seal(signal_id, purpose(signal_id, "concern"), concern),
            raised_on=_today(self.ctx), actor=caller.id,
        )
        return Created(signal_id, self.ctx.save(signal))

    def triage_signal(
        self, caller: Caller, signal_id: UUID, decision: Decision, reason: str | None,
        case_id: UUID | None, refer_to: str | None,
    ) -> Triaged:
        require_signal_user(caller)
        row = self._visible_signal(caller, signal_id)
        require_chair(caller)
        _check_triage(decision, reason, case_id, refer_to)
        if row["status"] != "new":
            raise ConflictError(f"the signal was already triaged ({row['status']})")
        if decision == "accept":
            return self._accept_signal(caller, row, reason, case_id)
        assert reason is not None
        seal = self._signal_sealer(signal_id)
        sealed_reason, sealed_refer_to = seal("reason", reason), seal("refer_to", refer_to)
        assert sealed_reason is not None
        today = _today(self.ctx)

        def change(signal: Signal) -> None:
            if decision == "decline":
                signal.decline(sealed_reason, today, caller.id)
            else:
                signal.refer(sealed_reason, sealed_refer_to, today, caller.id)

        return Triaged(self._on_signal(signal_id, change), None)

    def _accept_signal(
        self, caller: Caller, row: Row, reason: str | None, case_id: UUID | None
    ) -> Triaged:
        signal_id = UUID(row["id"])
        plain = self._signal_text(row)
        if case_id is not None and self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise InvalidError("case_id", "no such case")
        target = case_id or uuid.uuid4()
        if case_id is None:
            self.ctx.keys.create(target)
        contribution_id = uuid.uuid4()
        fields = {**plain, "reason": reason}
        sealed = {f: self._seal(target, purpose(signal_id, f), text) if text else None
                  for f, text in fields.items()}
        text = self._seal(target, f"contribution:{contribution_id}", plain["concern"] or "")
        today, opening = _today(self.ctx), _Opening(target, plain, self._signal_case_sealer(target))

        def attempt() -> Position:
            signal: Signal = self.ctx.get(signal_id, Signal)
            signal.check_new()
            aggregates = self._signal_target_case(opening, case_id is None, caller)
            case = aggregates[-1]
            assert isinstance(case, Case)
            if signal.organisation_id not in case.table:
                case.join(signal.organisation_id, caller.id)
            case.contribute(contribution_id, signal.raised_by, signal.organisation_id, text,
                            SharingRule(Tlp.AMBER).to_json(), caller.id, None)
            signal.accept(target, contribution_id, sealed, today, caller.id)
            return self.ctx.save(*aggregates, signal)

        # The case it joins, or the round table that numbers the case it opens.
        written = case_id if case_id is not None else self.ctx.round_table_id()
        position = self.ctx.retrying(attempt, signal_id, written)
        self.ctx.keys.destroy(signal_id)
        return Triaged(position, target)

    def _signal_target_case(self, opening: _Opening, new: bool, caller: Caller) -> list[Any]:
        """The aggregates the accept writes: [round table, new case] or [existing case]."""
        if not new:
            return [self.ctx.get(opening.case_id, Case)]
        table: RoundTable = self.ctx.get(self.ctx.round_table_id(), RoundTable)
        reference = table.next_reference(self.ctx.clock().year, caller.id)
        case = open_case_for_signal(opening, reference, _today(self.ctx), caller.id)
        return [table, case]

    def erase_signal(self, signal_id: UUID, actor: UUID | None) -> Position:
        """Retention of a declined or referred signal: `Erased`, then its key destroyed."""
        position = self._on_signal(signal_id, lambda s: s.erase(actor))
        self.ctx.keys.destroy(signal_id)
        return position

    # --- helpers

    def _visible_signal(self, caller: Caller, signal_id: UUID) -> Row:
        self.ctx.catchup.catch_up()
        row = self.ctx.queries.signal_for(caller.facts, signal_id)
        if row is None:
            raise NotFoundError("no such signal")
        return row

    def _on_signal(self, signal_id: UUID, change: Callable[[Signal], Any]) -> Position:
        def attempt() -> Position:
            signal: Signal = self.ctx.get(signal_id, Signal)
            change(signal)
            return self.ctx.save(signal)

        return self.ctx.retrying(attempt, signal_id)

    def _signal_sealer(self, signal_id: UUID) -> Callable[[str, str | None], str | None]:
        def seal(field: str, text: str | None) -> str | None:
            if text is None:
                return None
            try:
                return self.ctx.sealer.seal(signal_id, purpose(signal_id, field), text)
            except CaseKeyMissing:  # accepted or erased meanwhile
                raise ConflictError("the signal was already triaged") from None

        return seal

    def _signal_case_sealer(self, case_id: UUID) -> Callable[[str, str], str]:
        return lambda field, text: self._seal(case_id, field, text)

    def _signal_text(self, row: Row) -> dict[str, str | None]:
        """The signal's fields in plaintext, opened with its own key."""
        opener = self.ctx.sealer.opener(UUID(row["key_id"]))
        plain = {f: opener(purpose(UUID(row["id"]), f), row[f]) if row[f] else None
                 for f in ("subject", "title", "concern")}
        if plain["concern"] is None:
            raise ConflictError("the signal was already triaged")
        return plain


@dataclass(frozen=True)
class _Opening:
    """What a case opened by an accepted signal is made of."""

    case_id: UUID
    plain: dict[str, str | None]  # the signal's subject (JSON), title and concern
    seal: Callable[[str, str], str]  # (purpose, text) -> sealed under the new case's key


def open_case_for_signal(opening: _Opening, reference: str, opened_on: str,
                         actor: UUID) -> Case:
    """The case an accepted signal opens: a person case with the signal's subject, or, for a
    signal without a subject, a `situation` case with its title (sealed under the case key)."""
    subject = opening.plain["subject"]
    if subject is not None:
        return Case(id=opening.case_id, reference=reference,
                    subject=opening.seal("subject", subject), summary=None,
                    opened_on=opened_on, actor=actor)
    return Case(id=opening.case_id, reference=reference, subject=None, summary=None,
                opened_on=opened_on, actor=actor, kind="situation",
                title=opening.seal("title", opening.plain["title"] or ""))


def _today(ctx: Context) -> str:
    return ctx.clock().date().isoformat()


def _subject_json(subject: dict[str, Any] | None) -> str | None:
    if subject is None:
        return None
    return json.dumps({"name": subject["name"], "birth_year": subject.get("birth_year")})


def _check_triage(
    decision: Decision, reason: str | None, case_id: UUID | None, refer_to: str | None
) -> None:
    if decision != "accept" and reason is None:
        raise InvalidError("reason", f"a reason is required to {decision}")
    if decision != "accept" and case_id is not None:
        raise InvalidError("case_id", "only an accepted signal joins a case")
    if decision != "refer" and refer_to is not None:
        raise InvalidError("refer_to", "only a referred signal names where it was referred")


def finish_signal_keys(ctx: Context) -> list[UUID]:
    """Destroy the own keys of signals accepted or erased whose key is still there (a crash
    between the save and the key's destruction)."""
    ctx.catchup.catch_up()
    left = [UUID(s) for s in ctx.queries.signals_without_own_key() if ctx.keys.exists(UUID(s))]
    for signal_id in left:
        ctx.keys.destroy(signal_id)
    return left
