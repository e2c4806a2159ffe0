"""The auditor's page: the report for a period (as `GET /v1/audit/report`), disclosures by
organisation name; no person's subject, no text."""

from __future__ import annotations

import re

from tests.web.support import WebWorld


def _fact(html: str, label: str) -> str:
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>([^<]*)</dd>", html)
    assert found is not None, label
    return found.group(1)


def test_the_auditor_reads_the_report_with_organisations_by_name(web: WebWorld) -> None:
    web.visitor(web.officer).client.get(f"/cases/{web.case_id}")  # one disclosure for police
    auditor = web.visitor(web.auditor).client

    html = auditor.get("/audit").text

    assert _fact(html, "RED contributions") == "1"
    assert _fact(html, "Withdrawals") == "0"
    by_organisation = html[html.index("by the organisation of who was shown"):]
    assert re.search(r"<td>Police zone North</td><td>[1-9]\d*</td>", by_organisation)
    assert "<td>Youth house</td><td>0</td>" in by_organisation
    for hidden in ("Subject Person", web.officer_note, web.red_note):
        assert hidden not in html


def test_the_report_follows_the_period_chosen(web: WebWorld) -> None:
    auditor = web.visitor(web.auditor).client

    html = auditor.get("/audit?from=2000-01-01&to=2000-12-31").text

    assert _fact(html, "RED contributions") == "0"
    assert 'value="2000-01-01"' in html
    assert auditor.get("/audit?from=2001-01-01&to=2000-01-01").status_code == 422
    assert web.visitor(web.officer).client.get("/audit").status_code == 403
