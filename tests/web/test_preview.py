"""The contribution form's audience preview: by name, before anything is posted, and exactly
what the service decides once the contribution is made."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

import pytest

from domain.rules import SharingRule
from roundtable.context import Caller, caller_from_row
from roundtable.preview import audience_preview
from tests.web.support import WebWorld


def _caller(web: WebWorld, person_id: str) -> Caller:
    row = web.table.built.services.ctx.queries.person(UUID(person_id))
    assert row is not None
    return caller_from_row(row)


def _audience(html: str) -> str:
    return html.split('id="audience"')[1]


def test_preview_lists_by_name_who_will_see_and_who_may_act_and_stores_nothing(
    web: WebWorld,
) -> None:
    officer = web.visitor(web.officer)
    before = web.head()

    response = officer.client.post(f"/cases/{web.case_id}/contributions", data={
        "csrf": officer.csrf(f"/cases/{web.case_id}"), "intent": "preview",
        "text": "Draft: not to be stored", "tlp": "RED", "recipients": [web.teacher.id],
        "actionable_by": [web.school]})

    assert response.status_code == 200
    audience = _audience(response.text)
    seeing, acting = audience.split("Who may act on it")
    assert "Tess Teacher" in seeing
    assert "Olga Officer" in seeing
    assert "Sint-Jan school" in seeing
    assert "Police zone North" in seeing
    assert "Carl Colleague" not in audience
    assert "Chair" not in audience
    assert "Tess Teacher" in acting
    assert "Olga Officer" not in acting
    assert "Draft: not to be stored" in response.text  # the form keeps what was typed
    assert web.head() == before


RULES: list[dict[str, Any]] = [
    {"tlp": "GREEN"},
    {"tlp": "CLEAR", "actionable_by": ["youth"]},
    {"tlp": "AMBER"},
    {"tlp": "AMBER+STRICT", "secrecy_bound_only": True},
    {"tlp": "AMBER", "organisations": ["police"], "actionable_by": ["police", "school"]},
    {"tlp": "AMBER", "anonymous": True},
    {"tlp": "RED", "recipients": ["teacher", "colleague", "auditor"]},
    {"tlp": "RED", "meeting_id": "meeting"},
]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: "-".join(map(str, r.values())))
def test_the_preview_is_what_the_service_decides_once_the_contribution_is_made(
    web: WebWorld, rule: dict[str, Any]
) -> None:
    svc = web.table.built.services
    names = {"youth": web.youth, "police": web.police, "school": web.school,
             "teacher": web.teacher.id, "colleague": web.colleague.id,
             "auditor": web.auditor.id, "meeting": web.meeting_id}
    resolved = {k: [names[i] for i in v] if isinstance(v, list) else names.get(v, v)
                for k, v in rule.items()}
    sharing = SharingRule.from_json(resolved)
    officer = _caller(web, web.officer.id)

    preview = audience_preview(svc.ctx, officer, UUID(web.case_id), sharing)
    made = svc.commands.contribute(officer, UUID(web.case_id), "made", sharing)
    access = svc.reads.access(officer, made.id)

    seen = {p["id"] for group in preview["see"] for p in group["people"]}
    assert seen == {p["person_id"] for p in access["may_see"]}
    assert {p["id"] for p in preview["act"]} == {p["person_id"] for p in access["may_act"]}
    assert preview["count"] == len(seen) > 0


def test_green_lists_everyone_at_the_table_grouped_by_organisation(web: WebWorld) -> None:
    page = web.visitor(web.officer).client.get(f"/cases/{web.case_id}/audience",
                                               params={"tlp": "GREEN"}).text

    youth = page.split("Youth house")[1].split('class="org"')[0]
    assert "Yusuf Youthworker" in youth
    assert "Ada Auditor" not in page  # auditors never see contribution text
    assert "5 people will see it" in page


def test_red_without_recipients_or_attendance_says_so(web: WebWorld) -> None:
    officer = web.visitor(web.officer).client

    page = officer.get(f"/cases/{web.case_id}/audience", params={"tlp": "RED"}).text

    assert "nobody but you will see it" in page
    assert "1 person will see it" in page


def test_red_at_a_meeting_whose_attendance_is_not_recorded_says_so(web: WebWorld) -> None:
    later = web.table.post("/v1/meetings", {"held_on": "2026-12-01",
                                            "case_ids": [web.case_id]})["id"]

    page = web.visitor(web.officer).client.get(
        f"/cases/{web.case_id}/audience", params={"tlp": "RED", "meeting_id": later}).text

    assert "attendance of that meeting is not recorded yet" in page
    assert "Tess Teacher" not in page


def test_the_preview_of_a_hidden_case_is_the_same_as_of_a_missing_one(web: WebWorld) -> None:
    youth = web.visitor(web.youth_worker).client

    hidden = youth.get(f"/cases/{web.case_id}/audience", params={"tlp": "GREEN"})
    missing = youth.get(f"/cases/{uuid.uuid4()}/audience", params={"tlp": "GREEN"})

    assert hidden.status_code == missing.status_code == 404
    assert hidden.text == missing.text


def test_contributing_through_the_form_stores_it_and_shows_it(web: WebWorld) -> None:
    officer = web.visitor(web.officer)

    response = officer.client.post(f"/cases/{web.case_id}/contributions", data={
        "csrf": officer.csrf(f"/cases/{web.case_id}"), "intent": "post",
        "text": "Posted from the page", "tlp": "AMBER+STRICT",
        "recipients": [web.teacher.id]})  # RED only: ignored for AMBER+STRICT

    assert response.status_code == 200
    assert "Your contribution was added." in response.text
    teacher = web.visitor(web.teacher).client.get(f"/cases/{web.case_id}").text
    assert "Posted from the page" in teacher


def test_a_refused_contribution_shows_the_form_again_naming_the_field(web: WebWorld) -> None:
    officer = web.visitor(web.officer)
    before = web.head()

    response = officer.client.post(f"/cases/{web.case_id}/contributions", data={
        "csrf": officer.csrf(f"/cases/{web.case_id}"), "intent": "post",
        "text": "Red without anyone", "tlp": "RED"})

    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="meeting_id-error"' in response.text
    assert "Red without anyone" in response.text
    assert web.head() == before
