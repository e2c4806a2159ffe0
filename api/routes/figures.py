"""The policy level: the process in figures (small counts suppressed), as JSON or a chart."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Response

from api.deps import CallerDep, Fresh, ServicesDep, Since, Until
from api.errors import WAITS
from api.routing import v1_router
from domain.errors import InvalidError
from roundtable.read.figures_chart import figure_svg

router = v1_router("figures")


@router.get("/policy/figures", dependencies=[Fresh], responses=WAITS)
def policy_figures(
    svc: ServicesDep,
    caller: CallerDep,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """Counts for a period (policy, chair); 1 to 4 shown as "<5"; no person, case or text."""
    return svc.reads.policy_figures(caller, since, until)


@router.get("/policy/figures.svg", dependencies=[Fresh], response_class=Response,
            responses=WAITS)
def policy_figure_svg(
    svc: ServicesDep,
    caller: CallerDep,
    figure: Annotated[str, Query(max_length=64)] = "cases_opened",
    since: Since = None,
    until: Until = None,
) -> Response:
    """One figure (a key of `figures`) as an SVG bar chart; small counts labelled "<5"."""
    figures = svc.reads.policy_figures(caller, since, until)["figures"]
    if figure not in figures:
        raise InvalidError(("query", "figure"), f"must be one of {', '.join(sorted(figures))}")
    return Response(figure_svg(figure, figures[figure]), media_type="image/svg+xml")


@router.get("/reciprocity", dependencies=[Fresh], responses=WAITS)
def reciprocity(
    svc: ServicesDep,
    caller: CallerDep,
    since: Since = None,
    until: Until = None,
) -> list[dict[str, Any]]:
    """Per organisation, what it gave, read, answered and attended (chair)."""
    return svc.reads.reciprocity(caller, since, until)
