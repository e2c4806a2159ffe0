"""The auditor's report and the network of partners: figures, never persons."""

from __future__ import annotations

from typing import Any

from api.deps import CallerDep, Fresh, ServicesDep, Since, Until
from api.errors import WAITS
from api.routing import v1_router

router = v1_router("figures")


@router.get("/audit/report", dependencies=[Fresh], responses=WAITS)
def audit_report(
    svc: ServicesDep,
    caller: CallerDep,
    since: Since = None,
    until: Until = None,
) -> dict[str, Any]:
    """The process in figures for a period (auditor, chair): no person, subject or text."""
    return svc.reads.audit_report(caller, since, until)


@router.get("/network", dependencies=[Fresh], responses=WAITS)
def network(svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Which LIVC-R partner sectors sit at the table and which are missing (chair, policy)."""
    return svc.reads.network(caller)
