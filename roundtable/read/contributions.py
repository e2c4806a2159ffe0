"""Contributions the caller is permitted, and who may see and act on one (and why)."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from domain.errors import NotFoundError, NotPermittedError
from domain.ids import ContributionId
from domain.rules import Reason, Role
from projections.query_base import Row
from roundtable.context import Caller
from roundtable.read.base import Json, ReadPath


class ContributionReads(ReadPath):
    def contributions(self, caller: Caller, case_id: UUID, endpoint: str) -> list[Json]:
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        rows = self.ctx.queries.contributions_for(caller.facts, case_id, self.ctx.clock())
        opener = self.ctx.sealer.opener(case_id)  # one key look-up for the page
        shown = [self._contribution_json(r, opener) for r in rows]
        self._disclose(caller, shown, endpoint, case_id)
        return shown

    def contribution(self, caller: Caller, contribution_id: UUID, endpoint: str) -> Json:
        row = self.ctx.queries.contribution_for(caller.facts, contribution_id, self.ctx.clock())
        if row is None:
            raise NotFoundError("no such contribution")
        shown = self._contribution_json(row)
        self._disclose(caller, [shown], endpoint, UUID(row["case_id"]))
        return shown

    def _contribution_json(
        self, row: Row, opener: Callable[[str, str], str | None] | None = None
    ) -> Json:
        rule = row["rule"]
        sees_owner = bool(row["sees_owner"])
        opener = opener or self.ctx.sealer.opener(UUID(row["case_id"]))
        sealed = row["text"]
        text = opener(f"contribution:{row['id']}", sealed) if sealed is not None else None
        return {
            "id": row["id"],
            "case_id": row["case_id"],
            "text": text,
            "tlp": rule["tlp"],
            "owner": _owner(row) if sees_owner else None,
            "created_at": row["created_at"],
            "may_act": bool(row["may_act"]),
            "withdrawn": row["withdrawn_at"] is not None,
            "expires_at": rule["expires_at"],
            "anonymous": rule["anonymous"],
            # The full rule can name the owner (its default acting organisation): only for
            # those who may see the owner.
            "sharing": rule if sees_owner else None,
        }

    def access(self, caller: Caller, contribution_id: UUID) -> Json:
        now = self.ctx.clock()
        row = self.ctx.queries.contribution_for(caller.facts, contribution_id, now)
        if row is None:
            raise NotFoundError("no such contribution")
        if caller.role is not Role.CHAIR and row["owner_id"] != str(caller.organisation_id):
            raise NotPermittedError("only the owner organisation and chairs see the audience")
        facts = self.ctx.queries.contribution_facts(ContributionId(contribution_id))
        audience = self.ctx.queries.audience(contribution_id, now)
        acting = _acting_reason(facts.rule.actionable_by is None, facts.rule_at)
        return {
            "may_see": [{"person_id": str(pid), "why": _why(d.why)} for pid, d in audience],
            "may_act": [{"person_id": str(pid), "why": _why((*d.why, acting))}
                        for pid, d in audience if d.act],
        }


def _acting_reason(default: bool, rule_at: int) -> Reason:
    text = "of the owner organisation, which alone may act by default" if default else (
        "of an organisation named in actionable_by")
    return Reason(text, (rule_at,))  # type: ignore[arg-type]


def _why(reasons: tuple[Reason, ...]) -> list[Json]:
    return [r.to_json() for r in reasons]


def _owner(row: Row) -> Json:
    """Who brought it, by name as well as by id (for those who may see the owner)."""
    return {"organisation_id": row["owner_id"], "person_id": row["contributor_id"],
            "organisation": {"id": row["owner_id"], "name": row["owner_name"]},
            "person": {"id": row["contributor_id"], "name": row["contributor_name"]}}
