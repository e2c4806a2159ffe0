"""The policy dashboard: the process in figures for a chosen period (small counts shown as
"<5"), as charts; the network (which LIVC-R sectors sit at the table, which are missing); for
chairs, reciprocity per organisation. Organisations by name; never a person, case or text.

The figures, the charts and the network are the reads of `GET /v1/policy/figures`,
`/v1/policy/figures.svg`, `/v1/network` and `/v1/reciprocity`; they show no personal data, so
they record no disclosure.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import ServicesDep, Since, Until
from api.web.auth import SessionDep, WebCaller
from api.web.i18n import N_
from api.web.route import WebRoute, page_context, render
from domain.errors import NotFoundError, NotPermittedError
from domain.rules import Role
from roundtable import overview
from roundtable.read.figures_chart import figure_svg

router = APIRouter(route_class=WebRoute, include_in_schema=False)

# The figures drawn as charts, in the dashboard's order, with their captions.
CHARTS = {
    "cases_opened": N_("Cases opened"),
    "cases_closed": N_("Cases closed"),
    "cases_by_kind": N_("Cases opened, by kind"),
    "signals_by_decision": N_("Signals, by decision"),
    "signals_by_sector": N_("Signals, by the sector that raised them"),
    "actions_by_outcome": N_("Actions, by outcome"),
    "actions_overdue": N_("Actions overdue today"),
    "meetings_held": N_("Meetings held"),
    "median_days_open": N_("Median days from opening to closing"),
}


@router.get("/policy")
def dashboard(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
              since: Since = None,
              until: Until = None) -> Response:
    found = svc.reads.policy_figures(caller, since, until)  # policy people and chairs: else 403
    names = overview.directory(svc.ctx)
    chair = caller.role is Role.CHAIR
    return render(
        request, "policy.html", **page_context(ws, caller, names),
        figures=found["figures"], since=found["from"] or "", until=found["to"] or "",
        chart_query=_query(found["from"], found["to"]), charts=CHARTS,
        network=svc.reads.network(caller),
        reciprocity=svc.reads.reciprocity(caller, since, until) if chair else None)


@router.get("/policy/figures/{name}.svg")
def chart(name: str, caller: WebCaller, svc: ServicesDep,
          since: Since = None,
          until: Until = None) -> Response:
    """One figure as an SVG bar chart, without any script (see `figure_svg`)."""
    if caller.role not in (Role.POLICY, Role.CHAIR):
        raise NotPermittedError("only policy people and chairs read the policy figures")
    figures = svc.reads.policy_figures(caller, since, until)["figures"]
    if name not in figures:
        raise NotFoundError("no such figure")
    # Drawn small, so that its labels read at the size the dashboard shows it.
    return Response(figure_svg(name, figures[name], width=480, height=360),
                    media_type="image/svg+xml")


def _query(start: str | None, end: str | None) -> str:
    """The query string of the charts, for the period the page shows (ISO days only)."""
    parts = [f"{key}={value}" for key, value in (("from", start), ("to", end)) if value]
    return f"?{'&'.join(parts)}" if parts else ""
