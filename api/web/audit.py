"""The auditor's page: the log verified, a signed checkpoint to keep, the disclosure log, and
the auditor's report for a chosen period (as `GET /v1/audit/report`: process figures, no
person, subject or text; the disclosures by organisation name)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.deps import ServicesDep, Since, Until
from api.web.auth import SessionDep, WebCaller
from api.web.route import WebRoute, page_context, render
from roundtable import overview

router = APIRouter(route_class=WebRoute, include_in_schema=False)
ENDPOINT = "GET /audit"


@router.get("/audit")
def audit(request: Request, ws: SessionDep, caller: WebCaller, svc: ServicesDep,
          since: Since = None,
          until: Until = None) -> Response:
    verified = svc.audit.verify(caller)  # auditors and chairs only: 403 for the others
    report = svc.reads.audit_report(caller, since, until)
    checkpoint = svc.audit.checkpoint(caller)
    disclosures = svc.audit.disclosures(caller, None)["disclosures"]
    names = overview.directory(svc.ctx)
    return render(request, "audit.html", **page_context(ws, caller, names),
                  verified=verified, checkpoint=checkpoint.to_json(),
                  disclosures=disclosures, report=report,
                  since=report["from"] or "", until=report["to"] or "")
