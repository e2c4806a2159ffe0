"""The case page: subject, case table, contributions, actions, and the contribution form with
its audience preview (who will see it and who may act on it, by name, before it is posted)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Request, Response

from api.deps import ServicesDep
from api.schemas import SharingRuleIn
from api.web import forms, texts
from api.web.auth import WebSession
from api.web.route import page_context, render
from domain.rules import Role
from roundtable import overview
from roundtable.commands import parse_rule
from roundtable.context import Caller
from roundtable.preview import audience_preview

# The endpoint the disclosure log records for a view of the case page.
CASE_PAGE = "GET /cases/{id}"


def case_page(request: Request, ws: WebSession, caller: Caller, svc: ServicesDep,
              case_id: UUID, *, done: str = "", status_code: int = 200,
              values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
              form_errors: dict[str, dict[str, str]] | None = None) -> Response:
    """The case page; with the contribution form's values and errors, or another form's errors
    (`form_errors` by form: `action`, `request`, `answer:REQUEST_ID`, `feedback`), when a form
    is shown again."""
    names = overview.directory(svc.ctx)
    shown = svc.reads.case(caller, case_id, CASE_PAGE)
    contributions = svc.reads.contributions(caller, case_id, CASE_PAGE)
    actions = svc.reads.actions(caller, case_id, CASE_PAGE)
    requests = svc.reads.case_requests(caller, case_id, CASE_PAGE)
    sheets = svc.reads.case_feedback(caller, case_id, CASE_PAGE)
    mine = str(caller.organisation_id)
    active = caller.role in (Role.CHAIR, Role.MEMBER) and shown["status"] == "open"
    on_table = set(shown["organisations"])
    may = {"manage": caller.role is Role.CHAIR and shown["status"] == "open",
           "contribute": active, "ask": active and bool(on_table - {mine})}
    ours = [c for c in contributions if active and not c["withdrawn"]
            and c["owner"] and c["owner"]["organisation_id"] == mine]
    return render(
        request, "case.html", status_code, **page_context(ws, caller, names),
        case=shown, contributions=contributions, actions=actions, sheets=sheets, done=done,
        requests=requests, may=may,
        joinable=[o for o in names.sorted_organisations() if o["id"] not in on_table],
        askable=[o for o in shown["organisations"] if o != mine],
        withdrawable={c["id"] for c in ours},
        ours=ours,
        answerable={r["id"] for r in requests if active and r["status"] == "open"
                    and r["to_organisation_id"] == mine},
        completable={a["id"] for a in actions if active and a["status"] == "open"
                     and a["assignee_organisation_id"] == mine},
        form_errors=form_errors or {},
        **(contribution_form(svc, caller, case_id, names, values, errors)
           if may["contribute"] else {}))


def contribution_form(svc: ServicesDep, caller: Caller, case_id: UUID,
                      names: overview.Directory, values: dict[str, Any] | None = None,
                      errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the form needs: its choices by name, its values, and the audience preview for
    them."""
    values = values or forms.DEFAULT_VALUES
    return {
        "values": values, "errors": errors or {},
        "audience": preview(svc, caller, case_id, values),
        "meetings": overview.case_meetings(svc.ctx, svc.reads, caller, case_id),
        "people": names.active_people(Role.CHAIR, Role.MEMBER),
        "organisations": names.sorted_organisations(),
        **preview_texts(),
    }


def preview_texts() -> dict[str, Any]:
    return {"tlp_meanings": texts.TLP_MEANINGS, "preview_notes": texts.PREVIEW_NOTES,
            "preview_problems": texts.RULE_PROBLEMS}


def preview(svc: ServicesDep, caller: Caller, case_id: UUID,
            values: dict[str, Any]) -> dict[str, Any] | None:
    """The audience of the rule in the form's values; None while it is not even well formed
    (an unknown label, a malformed id or day)."""
    try:
        body = forms.validate(SharingRuleIn, forms.rule_data(values))
    except forms.FormErrors:
        return None
    return audience_preview(svc.ctx, caller, case_id, parse_rule(body.model_dump(mode="json")))
