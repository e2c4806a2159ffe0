"""The auditors' reads: metadata, proofs, checkpoints, disclosures, views as of a position.

Nothing here returns contribution text or case subjects: auditors see metadata.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import InvalidError, NotFoundError, NotPermittedError
from domain.ids import PersonId
from domain.replay import History
from domain.rules import Role
from projections.runner import read_log
from roundtable.audit.trail import EVENT_TREE, Checkpoint, b64, event_leaf
from roundtable.auditing import Trail
from roundtable.context import Caller, Context

Json = dict[str, Any]
MAX_PAGE = 1000


def require_auditor(caller: Caller) -> None:
    if caller.role not in (Role.AUDITOR, Role.CHAIR):
        raise NotPermittedError("only auditors and chairs read the audit trail")


class Audit:
    def __init__(self, ctx: Context, trail: Trail) -> None:
        self.ctx = ctx
        self.trail = trail
        self.views = trail.views
        self.disclosure_log = trail.disclosures
        self.signer = trail.signer

    @property
    def _db(self) -> Any:
        return self.views.connection()

    def key(self) -> Json:
        return {"name": self.signer.name, "vkey": self.signer.vkey()}

    def events(self, caller: Caller, after: int, limit: int) -> Json:
        require_auditor(caller)
        self.ctx.catchup.catch_up()
        rows = self._db.execute(
            "SELECT a.position, a.type, a.stream_id, a.recorded_at, a.actor, l.hash "
            f"FROM audit_events a JOIN {EVENT_TREE.leaves} l ON l.idx=a.idx "
            "WHERE a.position>? ORDER BY a.position LIMIT ?", (after, limit + 1)).fetchall()
        page = [
            {"position": r[0], "type": r[1], "stream_id": r[2], "recorded_at": r[3],
             "actor": r[4], "hash": b64(bytes(r[5]))}
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return {"events": page, "next": page[-1]["position"] if more else None}

    def checkpoint(self, caller: Caller) -> Checkpoint:
        """Sign and keep a checkpoint covering every event recorded before this call."""
        require_auditor(caller)
        signed = self.trail.sign()
        # Proofs up to its size come from the read models' tree: let them reach it first.
        self.ctx.catchup.wait_for(signed.position)
        return signed.checkpoint

    def verify(self, caller: Caller) -> Json:
        require_auditor(caller)
        self.ctx.catchup.catch_up()
        events, disclosures = self.trail.verify(None)
        return {**events.to_json(), "ok": events.ok and disclosures.ok,
                "problem": events.problem, "disclosures": disclosures.to_json()}

    def leaf(self, caller: Caller, index: int) -> Json:
        require_auditor(caller)
        self.ctx.catchup.catch_up()
        found = EVENT_TREE.leaf(self._db, index)
        if found is None:
            raise NotFoundError("no such leaf")
        position, leaf_hash = found
        stored = self.ctx.app.recorder.select_notifications(start=position, stop=position,
                                                              limit=1)
        # `data` is null when the event recorded at that position is no longer stored: the
        # trail was tampered with, and `verify` names the position.
        data = b64(event_leaf(stored[0])) if stored else None
        return {"index": index, "position": position, "leaf_hash": b64(leaf_hash),
                "data": data}

    def inclusion(self, caller: Caller, index: int, size: int) -> Json:
        require_auditor(caller)
        self._check_size("size", size)
        if not 0 <= index < size:
            raise InvalidError(("query", "index"), "must be below size")
        found = EVENT_TREE.leaf(self._db, index)
        assert found is not None
        proof = EVENT_TREE.inclusion_proof(self._db, index, size)
        return {"index": index, "size": size, "leaf_hash": b64(found[1]),
                "proof": [b64(h) for h in proof]}

    def consistency(self, caller: Caller, size1: int, size2: int) -> Json:
        require_auditor(caller)
        self._check_size("to", size2)
        if not 0 < size1 <= size2:
            raise InvalidError(("query", "from"), "must be at least 1 and at most `to`")
        proof = EVENT_TREE.consistency_proof(self._db, size1, size2)
        return {"from": size1, "to": size2, "proof": [b64(h) for h in proof]}

    def _check_size(self, field: str, size: int) -> None:
        self.ctx.catchup.catch_up()
        if not 0 < size <= EVENT_TREE.size(self._db):
            raise InvalidError(("query", field), "must be between 1 and the size of the log")

    def disclosures(self, caller: Caller, case_id: UUID | None) -> Json:
        require_auditor(caller)
        found = [d.to_json() for d in self.disclosure_log.list(case_id)]
        # Reading the disclosure log is itself a disclosure, recorded before the answer leaves.
        self.disclosure_log.record(caller.id, [], "GET /v1/audit/disclosures", case_id,
                                  "disclosures")
        return {"disclosures": found}

    def view_as_of(self, caller: Caller, person_id: UUID, at: int | None) -> Json:
        """What the person could see as of position `at`, from the log up to `at`."""
        require_auditor(caller)
        head = self.ctx.app.recorder.max_notification_id() or 0
        # Without `at`, "now": expiry is judged at the clock, not at the newest event.
        now = self.ctx.clock() if at is None else None
        at = head if at is None else at
        if not 0 < at <= head:
            raise InvalidError(("query", "at"), f"must be between 1 and the head ({head})")
        if self.ctx.queries.person(person_id) is None:
            raise NotFoundError("no such person")
        history = _replay(self.ctx, at)
        if PersonId(person_id) not in history.people:
            return {"at": at, "contributions": []}
        seen = history.visible(PersonId(person_id), now or history.recorded_at)
        return {"at": at, "contributions": [
            {"id": str(c.id), "case_id": str(c.case_id), "tlp": c.rule.tlp.value}
            for c in seen]}


def _replay(ctx: Context, at: int) -> History:
    history = History(unseal=ctx.sealer.open)
    for notification in read_log(ctx.app.recorder, stop=at):
        history.apply(ctx.app.mapper.to_domain_event(notification), notification.id)
    return history

