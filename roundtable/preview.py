"""Who will see a contribution and who may act on it, before it is made.

The answer is the one the service will give once the contribution exists: `decide`, the same
pure rule the permitted views are built from, applied to every active person over the current
facts of the read models, for a contribution that the caller would make now with that rule.
Nothing is stored. Names of professionals and organisations are not personal data; the text
of the contribution is not needed and never asked for.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from domain.errors import NotFoundError, NotPermittedError
from domain.ids import CaseId, ContributionId, Position
from domain.rules import ContributionFacts, Decision, Role, SharingRule, Tlp, decide
from projections import facts
from roundtable.context import Caller, Context
from roundtable.overview import Directory, directory

Json = dict[str, Any]


def audience_preview(ctx: Context, caller: Caller, case_id: UUID, rule: SharingRule) -> Json:
    """`{tlp, see: [{organisation_id, organisation, people: [...]}], act: [...], count,
    notes, problems}`; each person `{id, name, organisation, role, acts, you}`.

    Raises NotFoundError for a case the caller may not see (as every read does), and
    NotPermittedError for a role that may not contribute."""
    if ctx.queries.case_for(caller.facts, case_id) is None:
        raise NotFoundError("no such case")
    if caller.role not in (Role.CHAIR, Role.MEMBER):
        raise NotPermittedError("only a chair or a member may contribute")
    notes = _meeting_notes(ctx, caller, rule)
    if "meeting_unknown" in notes:
        rule = _without_meeting(rule)
    decisions = _decisions(ctx, caller, case_id, rule)
    names = directory(ctx)
    seeing = [_person(names, pid, d, caller) for pid, d in decisions if d.see]
    if rule.tlp is Tlp.RED and len(seeing) <= 1:
        notes.append("red_nobody_else")
    if rule.anonymous:
        notes.append("anonymous")
    if rule.expires_at is not None:
        notes.append("expired" if rule.expired(ctx.clock()) else "expires")
    return {
        "tlp": rule.tlp.value,
        "see": _by_organisation(seeing),
        "act": [p for p in seeing if p["acts"]],
        "count": len(seeing),
        "notes": notes,
        "problems": [{"field": f, "why": why} for f, why in rule.problems()],
    }


def _decisions(
    ctx: Context, caller: Caller, case_id: UUID, rule: SharingRule
) -> list[tuple[str, Decision]]:
    db = ctx.queries.db
    next_position = Position((ctx.app.recorder.max_notification_id() or 0) + 1)
    contribution = ContributionFacts(
        id=ContributionId(uuid.uuid4()), case_id=CaseId(case_id), contributor_id=caller.id,
        owner_id=caller.organisation_id, rule=rule, added_at=next_position,
        rule_at=next_position,
    )
    case = facts.case(db, str(case_id))
    meeting = facts.meeting(db, str(rule.meeting_id) if rule.meeting_id else None)
    organisations = facts.organisations(db)
    now = ctx.clock()
    return [
        (str(person.id), decide(person, organisations[person.organisation_id], contribution,
                                case, meeting, now))
        for person in facts.people(db, "deactivated_at IS NULL")
    ]


def _meeting_notes(ctx: Context, caller: Caller, rule: SharingRule) -> list[str]:
    """A meeting the caller may not see reads as no meeting at all (no oracle)."""
    if rule.meeting_id is None:
        return []
    found = ctx.queries.meeting_for(caller.facts, rule.meeting_id)
    if found is None:
        return ["meeting_unknown"]
    return [] if ctx.queries.attendance_recorded(rule.meeting_id) else ["attendance_not_recorded"]


def _without_meeting(rule: SharingRule) -> SharingRule:
    data = rule.to_json()
    data["meeting_id"] = None
    return SharingRule.from_json(data)


def _person(names: Directory, person_id: str, decision: Decision, caller: Caller) -> Json:
    person = names.people[person_id]
    return {
        "id": person_id,
        "name": person["name"],
        "organisation_id": person["organisation_id"],
        "organisation": names.organisation(person["organisation_id"]),
        "role": person["role"],
        "acts": decision.act,
        "you": person_id == str(caller.id),
    }


def _by_organisation(people: list[Json]) -> list[Json]:
    groups: dict[str, Json] = {}
    for person in sorted(people, key=lambda p: str(p["name"]).casefold()):
        group = groups.setdefault(person["organisation_id"], {
            "organisation_id": person["organisation_id"],
            "organisation": person["organisation"], "people": []})
        group["people"].append(person)
    return sorted(groups.values(), key=lambda g: str(g["organisation"]).casefold())
