"""The action's page: notes and outcomes (a note required unless done), and a member's proposed
action that the chair agrees."""

from __future__ import annotations

from typing import Any

from tests.web.support import WebWorld

PROPOSAL = "The school invites the parents to a talk"
PROGRESS = "First call made, the parents will come on Monday"
WHY_NOT = "The family moved away before the talk"


def _propose(web: WebWorld) -> str:
    teacher = web.visitor(web.teacher)
    page = f"/cases/{web.case_id}"
    proposed = teacher.client.post(f"{page}/actions", data={
        "csrf": teacher.csrf(page), "description": PROPOSAL,
        "assignee_organisation_id": web.school}, follow_redirects=False)
    assert proposed.status_code == 303
    assert "done=proposed" in proposed.headers["location"]
    [action] = _actions(web)
    return str(action["id"])


def _actions(web: WebWorld) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = web.table.client.get(
        f"/v1/cases/{web.case_id}/actions", headers=web.table.headers()).json()
    return found


def test_a_member_proposes_an_action_and_the_chair_agrees_it(web: WebWorld) -> None:
    action = _propose(web)
    assert _actions(web)[0]["status"] == "proposed"
    chair = web.visitor(web.chair)
    page = f"/actions/{action}"

    proposed = chair.client.get(page).text
    assert PROPOSAL in proposed
    assert f'action="{page}/agree"' in proposed
    assert f'action="{page}/agree"' not in web.visitor(web.teacher).client.get(page).text

    agreed = chair.client.post(f"{page}/agree", data={"csrf": chair.csrf(page)},
                               follow_redirects=False)

    assert agreed.status_code == 303
    assert _actions(web)[0]["status"] == "open"


def test_the_assignee_notes_progress_and_reports_an_outcome_with_a_note(
    web: WebWorld,
) -> None:
    action = _propose(web)
    web.table.post(f"/v1/actions/{action}/agree", {})
    teacher = web.visitor(web.teacher)
    page = f"/actions/{action}"
    csrf = teacher.csrf(page)
    teacher.client.post(f"{page}/notes", data={"csrf": csrf, "text": PROGRESS})

    bare = teacher.client.post(f"{page}/complete",
                               data={"csrf": csrf, "outcome": "not_possible", "note": ""})
    assert bare.status_code == 422
    assert 'id="note-error"' in bare.text
    assert _actions(web)[0]["status"] == "open"

    teacher.client.post(f"{page}/complete",
                        data={"csrf": csrf, "outcome": "not_possible", "note": WHY_NOT})

    assert _actions(web)[0]["status"] == "not_possible"
    shown = web.visitor(web.officer).client.get(page).text
    assert PROGRESS in shown
    assert WHY_NOT in shown
    assert "Tess Teacher (Sint-Jan school)" in shown
    assert "not possible" in shown
    assert f'action="{page}/notes"' not in shown  # the police are not the assignee


def test_another_organisation_cannot_note_an_action_it_was_not_given(web: WebWorld) -> None:
    action = _propose(web)
    web.table.post(f"/v1/actions/{action}/agree", {})
    officer = web.visitor(web.officer)
    page = f"/actions/{action}"

    refused = officer.client.post(f"{page}/notes",
                                  data={"csrf": officer.csrf(page), "text": PROGRESS})

    assert refused.status_code == 403
    assert PROGRESS not in web.visitor(web.chair).client.get(page).text


def test_the_actions_list_is_what_the_api_lists_overdue_first_and_a_disclosure(
    web: WebWorld,
) -> None:
    proposal = _propose(web)  # the school's, proposed, no due date
    later = web.table.post(f"/v1/cases/{web.case_id}/actions", {
        "description": "Call the school again", "assignee_organisation_id": web.school,
        "due_on": "2026-12-30", "based_on": []})["id"]
    soon = web.table.post(f"/v1/cases/{web.case_id}/actions", {
        "description": "Check the attendance register", "assignee_organisation_id": web.school,
        "due_on": "2026-11-03", "based_on": []})["id"]
    web.table.post(f"/v1/actions/{later}/complete", {"outcome": "done"}, web.teacher.token)
    web.table.clock.advance(days=2)  # `soon` was due yesterday: overdue

    page = web.visitor(web.teacher).client.get("/actions").text

    listed = list(page.split('href="/actions/')[1:])
    order = [i.split('"')[0] for i in listed]
    assert order == [soon, proposal]  # overdue first; the done one is gone
    api = web.table.client.get("/v1/actions?mine=true", headers=web.table.headers(
        web.teacher.token)).json()
    assert {a["id"] for a in api if a["status"] in ("proposed", "open")} == set(order)
    found = web.table.client.get(f"/v1/audit/disclosures?case_id={web.case_id}",
                                 headers=web.table.headers()).json()["disclosures"]
    mine = [d for d in found if d["person_id"] == web.teacher.id
            and d["endpoint"] == "GET /actions"]
    assert sorted(id_ for d in mine for id_ in d["ids"]) == sorted(order)
