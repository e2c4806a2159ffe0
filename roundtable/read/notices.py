"""Table-level notices: chairs and members read them (pending members too)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotPermittedError
from domain.signals_rules import may_read_notices
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class NoticeReads(ReadPath):
    def notices(self, caller: Caller) -> list[Json]:
        """Newest first."""
        if not may_read_notices(caller.facts):
            raise NotPermittedError("only chairs and members read the table's notices")
        rows = self.ctx.queries.notices()
        people = self.ctx.queries.person_names(r["posted_by"] for r in rows if r["posted_by"])
        return [{
            "id": r["id"],
            "text": self.ctx.sealer.open(UUID(r["id"]), f"notice:{r['id']}:text", r["text"]),
            "tlp": r["tlp"],
            "at": r["created_at"],
            "posted_by": {"id": r["posted_by"], "name": people.get(r["posted_by"])}
            if r["posted_by"] else None,
        } for r in rows]
