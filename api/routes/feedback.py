"""Feedback sheets (LIVC-R): drafted by the chair, released by the consent of the case table."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from fastapi import Response

from api.deps import CallerDep, Fresh, ServicesDep
from api.errors import WAITS
from api.routing import v1_router
from api.schemas_feedback import FeedbackAnswer, FeedbackCreate

router = v1_router("feedback")


@router.post("/cases/{case_id}/feedback", status_code=201)
def draft_feedback(
    case_id: UUID, body: FeedbackCreate, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Draft a feedback sheet for an organisation on the case table (chair)."""
    created = svc.commands.draft_feedback(caller, case_id, body.to_organisation_id, body.text)
    return {"id": str(created.id), "status": "awaiting_consent", "position": created.position}


@router.get("/cases/{case_id}/feedback", dependencies=[Fresh], responses=WAITS)
def case_feedback(case_id: UUID, svc: ServicesDep, caller: CallerDep) -> list[dict[str, Any]]:
    """The feedback sheets of a case (case viewers)."""
    return svc.reads.case_feedback(caller, case_id)


@router.post("/feedback/{feedback_id}/consent")
def answer_feedback(
    feedback_id: UUID, body: FeedbackAnswer, svc: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Consent to a sheet, or refuse it with a reason, for the caller's organisation."""
    position = svc.commands.answer_feedback(caller, feedback_id, body.consent, body.reason)
    return {"position": position}


# Before `/feedback/{feedback_id}`, which would otherwise take `ID.pdf` for an id.
@router.get("/feedback/{feedback_id}.pdf", dependencies=[Fresh],
            response_class=Response,
            responses={**WAITS, 200: {"content": {"application/pdf": {}}}})
def feedback_pdf(feedback_id: UUID, svc: ServicesDep, caller: CallerDep) -> Response:
    """The printable sheet (chair, the case table, the addressee)."""
    return Response(svc.reads.feedback_pdf(caller, feedback_id), media_type="application/pdf",
                    headers={"Cache-Control": "no-store"})


@router.get("/feedback/{feedback_id}", dependencies=[Fresh], responses=WAITS)
def feedback(feedback_id: UUID, svc: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One sheet: status and consents; the text where the caller may read it."""
    return svc.reads.feedback(caller, feedback_id)
