"""Contributions and their sharing rules."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, Services, ServicesDep
from api.disclosed import JsonAnswer, disclosed
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ContributionCreate, SharingRuleIn, SharingRulePatch
from domain.errors import InvalidError, NotFoundError
from roundtable.commands import parse_rule, sent_lists
from roundtable.context import Caller

router = v1_router("contributions")


@router.post("/cases/{case_id}/contributions", status_code=201)
def contribute(
    case_id: UUID, body: ContributionCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Bring information to a case under a sharing rule (chair, or member on the case table)."""
    data = body.model_dump(mode="json", exclude={"text"})
    created = svc.commands.contribute(caller, case_id, body.text, parse_rule(data),
                                      sent_lists(data))
    return {"id": str(created.id), "position": created.position}


# The hottest reads: async, one worker-thread hop, disclosures awaited on the event loop,
# JSON by orjson (`api/disclosed.py`). The answer is the one the read path shapes; the
# response model only documents it, as the return annotation did before.
@router.get("/cases/{case_id}/contributions", dependencies=[Fresh], responses=WAITS,
            response_model=list[dict[str, Any]])
async def contributions(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> JsonAnswer:
    """The contributions of a case the caller may see."""
    return JsonAnswer(await disclosed(svc, lambda reads: reads.contributions(
        caller, case_id, "GET /v1/cases/{id}/contributions")))


@router.get("/contributions/{contribution_id}", dependencies=[Fresh], responses=WAITS,
            response_model=dict[str, Any])
async def contribution(contribution_id: UUID, svc: ServicesDep, caller: CallerDep
                       ) -> JsonAnswer:
    """One contribution, if the caller may see it."""
    return JsonAnswer(await disclosed(svc, lambda reads: reads.contribution(
        caller, contribution_id, "GET /v1/contributions/{id}")))


@router.put("/contributions/{contribution_id}/sharing")
def change_sharing(
    contribution_id: UUID, body: SharingRuleIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Replace the whole sharing rule from now on (owner organisation).

    Every field left out takes its default, whatever it was before: no `organisations` or
    `recipients`, `secrecy_bound_only` and `anonymous` false, only the owner organisation may
    act, no expiry. To change some fields and keep the others, use `PATCH`.
    """
    data = body.model_dump(mode="json")
    return {"position": svc.commands.change_sharing(caller, contribution_id, parse_rule(data),
                                                    sent_lists(data))}


@router.patch("/contributions/{contribution_id}/sharing")
def patch_sharing(
    contribution_id: UUID, body: SharingRulePatch, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Change some fields of the sharing rule from now on (owner organisation).

    The fields given replace the current ones, the others are kept (`null` clears an optional
    field); the merged rule is checked and recorded exactly as a `PUT` of it would be.
    """
    changes = body.model_dump(mode="json", exclude_unset=True)
    if not changes:
        raise InvalidError(("body",), "name at least one field of the rule to change")
    current = _current_rule(svc, caller, contribution_id)
    rule = parse_rule({**current, **changes})
    return {"position": svc.commands.change_sharing(caller, contribution_id, rule)}


def _current_rule(svc: Services, caller: Caller, contribution_id: UUID) -> dict[str, Any]:
    """The rule as the caller's permitted view holds it; hidden or missing: one 404."""
    row = svc.ctx.queries.contribution_for(caller.facts, contribution_id, svc.ctx.clock())
    if row is None:
        raise NotFoundError("no such contribution")
    rule: dict[str, Any] = row["rule"]
    return rule


@router.post("/contributions/{contribution_id}/withdraw")
def withdraw(contribution_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, int]:
    """Withdraw a contribution: from now on only the person who contributed it sees it."""
    return {"position": svc.commands.withdraw(caller, contribution_id)}


@router.get("/contributions/{contribution_id}/access", dependencies=[Fresh], responses=WAITS)
def access(contribution_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Who may see and act on a contribution, and why (owner organisation, chairs)."""
    return svc.reads.access(caller, contribution_id)
