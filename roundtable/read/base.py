"""The one read path every read module shares: the permitted views, unsealing, disclosure.

Every caller reaches these through `Context.authenticate`, which has already caught the views
up to the log for this request (or through a caller remembered since then, while nothing was
written: `roundtable/callers.py`). A read module asks the read models (`projections/queries.py`)
for what the caller is permitted, never filters by hand, and records every answer that shows
personal data in the disclosure log before it leaves (LED art. 25).
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any, Protocol, Self
from uuid import UUID

from domain.errors import InvalidError
from roundtable.context import Caller, Context

Json = dict[str, Any]


class DisclosureRecorder(Protocol):
    def record(self, person_id: UUID, ids: list[str], endpoint: str,
               case_id: UUID | None, kind: str = "contribution") -> None: ...


class ReadPath:
    def __init__(self, ctx: Context, disclosures: DisclosureRecorder) -> None:
        self.ctx = ctx
        self.disclosures = disclosures

    def recording_to(self, disclosures: DisclosureRecorder) -> Self:
        """The same reads, their disclosures recorded by `disclosures` (for an async endpoint
        that hands them over and awaits them off the worker thread: `api/disclosed.py`)."""
        other = copy.copy(self)
        other.disclosures = disclosures
        return other

    def _open(self, case_id: UUID, purpose: str, sealed: str | None) -> str | None:
        return self.ctx.sealer.open(case_id, purpose, sealed) if sealed is not None else None

    def _disclose(self, caller: Caller, shown: list[Json], endpoint: str,
                  case_id: UUID, kind: str = "contribution") -> None:
        """Record the contributions (or exported items) whose text this answer shows."""
        self.disclose(caller, kind, [c["id"] for c in shown if c["text"] is not None],
                      endpoint, case_id)

    def disclose(self, caller: Caller, kind: str, ids: list[str], endpoint: str,
                 case_id: UUID | None) -> None:
        """Record, before the answer leaves, that it shows personal data of `kind` (subject,
        contribution, action, note, minutes, signal, request, feedback, export): `ids` are the
        ids of what it shows, `case_id` its case (None for what belongs to no case)."""
        if ids:
            self.disclosures.record(caller.id, ids, endpoint, case_id, kind)


def period(since: date | None, until: date | None) -> tuple[str | None, str | None]:
    """The days from `since` to `until` (the `from` and `to` of a query), inclusive, as ISO
    dates; either left out: no bound. `from` after `to`: 422 naming `from`."""
    if since is not None and until is not None and since > until:
        raise InvalidError(("query", "from"), "must not be after `to`")
    return (since.isoformat() if since else None, until.isoformat() if until else None)
