"""Cases and their case tables: open (a person or a situation), edit, reopen."""

from __future__ import annotations

import json
import uuid
from uuid import UUID

from domain.errors import InvalidError
from domain.ids import CaseId, Position
from domain.model import Case, RoundTable
from roundtable.context import Caller
from roundtable.write.base import Created, WritePath, require_chair

# A person case's subject: name and birth year (None when unknown).
Subject = tuple[str, int | None]


class CaseCommands(WritePath):
    def open_case(
        self, caller: Caller, name: str, birth_year: int | None, summary: str | None
    ) -> tuple[Created, str]:
        """A case on a person: the subject (name, birth year) is sealed."""
        return self._open(caller, "person", (name, birth_year), None, summary)

    def open_situation(
        self, caller: Caller, title: str, summary: str | None
    ) -> tuple[Created, str]:
        """A community-level concern without a named subject: the title is sealed."""
        return self._open(caller, "situation", None, title, summary)

    def _open(
        self, caller: Caller, kind: str, subject: Subject | None, title: str | None,
        summary: str | None,
    ) -> tuple[Created, str]:
        require_chair(caller)
        case_id = CaseId(uuid.uuid4())
        self.ctx.keys.create(case_id)
        sealed = self._sealed_fields(case_id, subject, summary, title)
        table_id = self.ctx.round_table_id()

        def attempt() -> tuple[Created, str]:
            table: RoundTable = self.ctx.get(table_id, RoundTable)
            reference = table.next_reference(self.ctx.clock().year, caller.id)
            case = Case(
                id=case_id, reference=reference, subject=sealed["subject"],
                summary=sealed["summary"], opened_on=self.ctx.clock().date().isoformat(),
                actor=caller.id, kind=kind, title=sealed["title"],
            )
            return Created(case_id, self.ctx.save(table, case)), reference

        return self.ctx.retrying(attempt, table_id)

    def edit_case(
        self, caller: Caller, case_id: UUID, subject: Subject | None, summary: str | None,
        title: str | None,
    ) -> Position:
        """Correct the subject (a person case), the title (a situation) or the summary."""
        self._visible_case(caller, case_id)
        require_chair(caller)
        if subject is None and summary is None and title is None:
            raise InvalidError(("body",), "nothing to change")
        # Refused before anything is sealed; checked again on fresh state by `edit`.
        self.ctx.get(case_id, Case).check_editable(
            subject=subject is not None, title=title is not None)
        s = self._sealed_fields(case_id, subject, summary, title)
        return self._on_case(caller, case_id, lambda c: c.edit(
            s["subject"], s["summary"], s["title"], caller.id))

    def reopen_case(self, caller: Caller, case_id: UUID, reason: str) -> Position:
        """Reopen a closed case; the reason is sealed, under a purpose of its own."""
        self._visible_case(caller, case_id)
        require_chair(caller)
        reopening_id = uuid.uuid4()
        sealed = self._seal(case_id, f"reopen_reason:{reopening_id}", reason)
        reopened_on = self.ctx.clock().date().isoformat()
        return self._on_case(caller, case_id, lambda c: c.reopen(
            reopening_id, sealed, reopened_on, caller.id))

    def _sealed_fields(
        self, case_id: UUID, subject: Subject | None, summary: str | None, title: str | None
    ) -> dict[str, str | None]:
        plain = {
            "subject": json.dumps({"name": subject[0], "birth_year": subject[1]})
            if subject is not None else None,
            "summary": summary,
            "title": title,
        }
        return {field: self._seal(case_id, field, text) if text is not None else None
                for field, text in plain.items()}

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
