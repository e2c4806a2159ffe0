"""Reads: what the permitted views grant the caller, unsealed and shaped for the API.

Every response that shows contribution text is recorded in the disclosure log before it
leaves (LED art. 25).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol
from uuid import UUID

from domain.errors import NotFoundError, NotPermittedError
from domain.ids import ContributionId
from domain.rules import Reason, Role
from projections.queries import Row
from roundtable.context import Caller, Context

Json = dict[str, Any]


class DisclosureRecorder(Protocol):
    def record(self, person_id: UUID, contribution_ids: list[str], endpoint: str,
               case_id: UUID | None) -> None: ...


class Reads:
    """Every caller reaches these through `Context.authenticate`, which has already caught the
    views up to the log for this request."""

    def __init__(self, ctx: Context, disclosures: DisclosureRecorder) -> None:
        self.ctx = ctx
        self.disclosures = disclosures

    # --- people and organisations

    def me(self, caller: Caller) -> Json:
        row = self.ctx.queries.person(caller.id)
        assert row is not None
        return person_json(row)

    def organisations(self) -> list[Json]:
        return [organisation_json(r) for r in self.ctx.queries.organisations()]

    # --- cases

    def cases(self, caller: Caller) -> list[Json]:
        return [self._case_json(r, with_table=False)
                for r in self.ctx.queries.cases_for(caller.facts)]

    def case(self, caller: Caller, case_id: UUID) -> Json:
        row = self.ctx.queries.case_for(caller.facts, case_id)
        if row is None:
            raise NotFoundError("no such case")
        return self._case_json(row, with_table=True)

    def _case_json(self, row: Row, *, with_table: bool) -> Json:
        case_id = UUID(row["id"])
        subject = self._open(case_id, "subject", row["subject"])
        # A sealed subject whose key is gone: a store restored from before an erasure.
        shredded = row["subject"] is not None and subject is None
        out: Json = {
            "id": row["id"],
            "reference": row["reference"],
            "status": "erased" if shredded else row["status"],
            "subject": json.loads(subject) if subject is not None else None,
            "opened_on": row["opened_on"],
            "closed_on": row["closed_on"],
        }
        if with_table:
            out["summary"] = self._open(case_id, "summary", row["summary"])
            out["close_reason"] = self._open(case_id, "close_reason", row["close_reason"])
            out["organisations"] = self.ctx.queries.case_organisations(case_id)
        return out

    def _open(self, case_id: UUID, purpose: str, sealed: str | None) -> str | None:
        return self.ctx.sealer.open(case_id, purpose, sealed) if sealed is not None else None

    # --- contributions

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

    def _disclose(self, caller: Caller, shown: list[Json], endpoint: str,
                  case_id: UUID) -> None:
        ids = [c["id"] for c in shown if c["text"] is not None]
        if ids:
            self.disclosures.record(caller.id, ids, endpoint, case_id)

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
            "owner": {"organisation_id": row["owner_id"], "person_id": row["contributor_id"]}
            if sees_owner else None,
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

    def export(self, caller: Caller, case_id: UUID) -> Json:
        """Subject-access export: every contribution with its label and owner; the text only
        where the chair may see it, else `ask` names the owner organisation (GDPR 15(4))."""
        case = self.ctx.queries.case_for(caller.facts, case_id)
        if case is None:
            raise NotFoundError("no such case")
        if caller.role is not Role.CHAIR:
            raise NotPermittedError("only a chair exports a case")
        now = self.ctx.clock()
        visible = {r["id"]: r for r in self.ctx.queries.contributions_for(caller.facts, case_id,
                                                                            now)}
        erased = case["status"] == "erased"
        items = []
        for c in self.ctx.queries.case_contributions(case_id):
            shown = visible.get(c["id"])
            text = self._contribution_json(shown)["text"] if shown else None
            items.append({
                "id": c["id"], "tlp": c["rule"]["tlp"], "owner_organisation_id": c["owner_id"],
                "created_at": c["created_at"], "withdrawn": c["withdrawn_at"] is not None,
                "text": text, "ask": None if text is not None or erased else c["owner_id"],
            })
        self._disclose(caller, items, "GET /v1/cases/{id}/export", case_id)
        return {"case": self._case_json(case, with_table=True), "contributions": items,
                "actions": self.actions(caller, case_id), "exported_at": now.isoformat()}

    def settings(self, caller: Caller) -> Json:
        if caller.role is not Role.CHAIR:
            raise NotPermittedError("only a chair reads the settings")
        row = self.ctx.queries.round_table()
        assert row is not None
        return {"retention_days_after_close": row["retention_days"],
                "review_interval_days": row["review_days"]}

    def reviews(self, caller: Caller) -> list[Json]:
        """Open cases due for review: the interval has passed since they were opened or last
        on the agenda of a meeting held, oldest first."""
        interval = self.settings(caller)["review_interval_days"]
        today = self.ctx.clock().date()
        due = []
        for row in self.ctx.queries.open_cases_last_reviewed(today.isoformat()):
            due_on = date.fromisoformat(row["last_reviewed_on"]) + timedelta(days=interval)
            if due_on <= today:
                due.append({**self._case_json(row, with_table=False),
                            "last_reviewed_on": row["last_reviewed_on"],
                            "due_on": due_on.isoformat()})
        return due

    # --- meetings and actions

    def meeting(self, caller: Caller, meeting_id: UUID) -> Json:
        found = self.ctx.queries.meeting_for(caller.facts, meeting_id)
        if found is None:
            raise NotFoundError("no such meeting")
        return found

    def actions(self, caller: Caller, case_id: UUID) -> list[Json]:
        if self.ctx.queries.case_for(caller.facts, case_id) is None:
            raise NotFoundError("no such case")
        return [
            {
                "id": a["id"],
                "case_id": a["case_id"],
                "description": self._open(case_id, f"action:{a['id']}", a["description"]),
                "assignee_organisation_id": a["assignee_id"],
                "due_on": a["due_on"],
                "based_on": a["based_on"],
                "agreed_on": a["agreed_on"],
                "completed": a["completed_at"] is not None,
            }
            for a in self.ctx.queries.actions(case_id)
        ]


def _acting_reason(default: bool, rule_at: int) -> Reason:
    text = "of the owner organisation, which alone may act by default" if default else (
        "of an organisation named in actionable_by")
    return Reason(text, (rule_at,))  # type: ignore[arg-type]


def _why(reasons: tuple[Reason, ...]) -> list[Json]:
    return [r.to_json() for r in reasons]


def person_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "organisation_id": row["organisation_id"],
        "role": row["role"],
        "active": row["deactivated_at"] is None,
    }


def organisation_json(row: Row) -> Json:
    return {
        "id": row["id"],
        "name": row["name"],
        "sector": row["sector"],
        "kind": row["kind"],
        "professional_secrecy": bool(row["professional_secrecy"]),
    }

