"""Signals as their readers get them: the raising organisation's people and the chairs.

Rows come only through the readable rows the projector wrote (`signals_for`, `signal_for`);
every answer that shows a subject, title, concern, reason or referral is recorded as a
disclosure of kind `signal` before it leaves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from uuid import UUID

from domain.errors import NotFoundError
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath
from roundtable.write.signals import SEALED_FIELDS, purpose, require_signal_user


class SignalReads(ReadPath):
    def signals(self, caller: Caller, status: str | None, endpoint: str) -> list[Json]:
        require_signal_user(caller)
        shown = self._signals_json(self.ctx.queries.signals_for(caller.facts, status))
        self._disclose_signals(caller, shown, endpoint)
        return shown

    def signal(self, caller: Caller, signal_id: UUID, endpoint: str) -> Json:
        require_signal_user(caller)
        row = self.ctx.queries.signal_for(caller.facts, signal_id)
        if row is None:
            raise NotFoundError("no such signal")
        shown = self._signals_json([row])
        self._disclose_signals(caller, shown, endpoint)
        return shown[0]

    def _signals_json(self, rows: list[Row]) -> list[Json]:
        organisations = {r["id"]: r["name"] for r in self.ctx.queries.organisations()}
        people = self.ctx.queries.person_names(
            [r["raised_by"] for r in rows] + [r["triaged_by"] for r in rows if r["triaged_by"]])
        return [_signal_json(r, self._open_signal(r), organisations, people) for r in rows]

    def _open_signal(self, row: Row) -> dict[str, str | None]:
        opener = self.ctx.sealer.opener(UUID(row["key_id"]))
        signal_id = UUID(row["id"])
        return {f: opener(purpose(signal_id, f), row[f]) if row[f] else None
                for f in SEALED_FIELDS}

    def _disclose_signals(self, caller: Caller, shown: list[Json], endpoint: str) -> None:
        by_case: dict[str | None, list[str]] = defaultdict(list)
        for signal in shown:
            if any(signal[f] is not None for f in SEALED_FIELDS):
                by_case[signal["case_id"]].append(signal["id"])
        for case_id, ids in by_case.items():
            self.disclose(caller, "signal", ids, endpoint, UUID(case_id) if case_id else None)


def _signal_json(
    row: Row, plain: dict[str, str | None], organisations: dict[str, str],
    people: dict[str, str],
) -> Json:
    subject = plain["subject"]
    return {
        "id": row["id"],
        "status": row["status"],
        "subject": json.loads(subject) if subject is not None else None,
        "title": plain["title"],
        "concern": plain["concern"],
        "reason": plain["reason"],
        "refer_to": plain["refer_to"],
        "case_id": row["case_id"],
        "contribution_id": row["contribution_id"],
        "organisation_id": row["organisation_id"],
        "organisation": _named(row["organisation_id"], organisations),
        "raised_by": _named(row["raised_by"], people),
        "created_at": row["created_at"],
        "triaged_on": row["triaged_on"],
        "triaged_by": _named(row["triaged_by"], people) if row["triaged_by"] else None,
        "erased": row["erased_at"] is not None,
    }


def _named(item_id: str, names: dict[str, str]) -> Json:
    return {"id": item_id, "name": names.get(item_id)}
