"""Erasure, subject-access export, retention settings and reviews."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas import ReasonIn, SettingsIn

router = v1_router("privacy")


@router.post("/cases/{case_id}/erase")
def erase_case(
    case_id: UUID, body: ReasonIn, svc: ServicesDep, caller: CallerDep
) -> dict[str, int]:
    """Erase a case for good by destroying its key (chair); it stays listed as `erased`.

    The reason is asked for but not kept: it would be personal data of the case, and the
    case's key is destroyed. The trail keeps who erased it and when.
    """
    return {"position": svc.commands.erase_case(caller, case_id)}


@router.get("/cases/{case_id}/export", dependencies=[Fresh], responses=WAITS)
def export_case(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Subject-access export of a case (chair); recorded as a disclosure."""
    return svc.reads.export(caller, case_id)


@router.get("/settings", dependencies=[Fresh], responses=WAITS)
def settings(svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Retention after closure and review interval, in days (chair)."""
    return svc.reads.settings(caller)


@router.put("/settings")
def change_settings(body: SettingsIn, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Change the retention and review settings (chair)."""
    position = svc.commands.change_settings(
        caller, body.retention_days_after_close, body.review_interval_days,
        body.signal_retention_days,
    )
    return {**svc.reads.settings(caller), "position": position}


@router.get("/reviews", dependencies=[Fresh], responses=WAITS)
def reviews(svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """Open cases due for review, oldest first (chair)."""
    return svc.reads.reviews(caller)
