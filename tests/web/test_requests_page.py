"""Requests on the case page: a partner asks an organisation on the case table (by name), the
asked organisation answers with a contribution of its own or declines with a reason; the chair
drafts a feedback sheet there. Only who may do so gets the forms; every refusal changes
nothing."""

from __future__ import annotations

from typing import Any

from tests.web.support import WebWorld

QUESTION = "Has the school seen him since the holidays?"
REASON = "The pupil guidance file is covered by our professional secrecy"
FEEDBACK = "The table followed the case and asks the police to keep an eye on the square."


def _requests(web: WebWorld) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = web.table.client.get(
        f"/v1/cases/{web.case_id}/requests", headers=web.table.headers()).json()
    return found


def _ask(web: WebWorld) -> str:
    officer = web.visitor(web.officer)
    page = f"/cases/{web.case_id}"
    asked = officer.client.post(f"{page}/requests", data={
        "csrf": officer.csrf(page), "to_organisation_id": web.school, "question": QUESTION},
        follow_redirects=False)
    assert asked.status_code == 303
    assert "done=asked" in asked.headers["location"]
    [request] = _requests(web)
    return str(request["id"])


def test_a_member_asks_and_the_asked_organisation_sees_the_question_by_name(
    web: WebWorld,
) -> None:
    request = _ask(web)

    school = web.visitor(web.teacher).client.get(f"/cases/{web.case_id}").text
    assert QUESTION in school
    shown = school[school.index(f'id="r-{request}"'):]
    assert "Police zone North" in shown
    assert "Sint-Jan school" in shown
    assert "Olga Officer" in shown  # who asked, by name
    assert f'action="/requests/{request}/answer"' in school
    police = web.visitor(web.officer).client.get(f"/cases/{web.case_id}").text
    assert "awaiting an answer" in police
    assert f'action="/requests/{request}/answer"' not in police  # the asker does not answer


def test_the_asked_organisation_declines_with_a_reason_the_asker_reads(web: WebWorld) -> None:
    request = _ask(web)
    teacher = web.visitor(web.teacher)
    page = f"/cases/{web.case_id}"
    csrf = teacher.csrf(page)

    no_reason = teacher.client.post(f"/requests/{request}/answer", data={
        "csrf": csrf, "case_id": web.case_id, "answer": "decline", "reason": " "})
    assert no_reason.status_code == 422
    assert 'id="reason-error"' in no_reason.text
    assert _requests(web)[0]["status"] == "open"

    declined = teacher.client.post(f"/requests/{request}/answer", data={
        "csrf": csrf, "case_id": web.case_id, "answer": "decline", "reason": REASON},
        follow_redirects=False)

    assert declined.status_code == 303
    assert _requests(web)[0]["status"] == "declined"
    police = web.visitor(web.officer).client.get(page).text
    assert REASON in police
    assert "declined" in police


def test_the_asked_organisation_answers_with_its_own_contribution(web: WebWorld) -> None:
    request = _ask(web)
    teacher = web.visitor(web.teacher)
    page = f"/cases/{web.case_id}"
    amber = web.table.contribute(web.case_id, web.teacher.token, tlp="AMBER",
                                 text="Seen twice at school last week")
    html = teacher.client.get(page).text
    form = html[html.index(f'action="/requests/{request}/answer"'):]
    assert f'value="{amber}"' in form[:form.index("</form>")]
    assert web.officer_note not in form[:form.index("</form>")]  # only the school's own

    answered = teacher.client.post(f"/requests/{request}/answer", data={
        "csrf": teacher.csrf(page), "case_id": web.case_id, "answer": "contribution",
        "contribution_id": amber}, follow_redirects=False)

    assert answered.status_code == 303
    assert _requests(web)[0]["answer"] == {"contribution_id": amber}
    police = web.visitor(web.officer).client.get(page).text
    assert f'href="#c-{amber}"' in police


def test_an_answer_with_someone_elses_contribution_is_refused(web: WebWorld) -> None:
    request = _ask(web)
    teacher = web.visitor(web.teacher)
    officers = [c for c in web.table.client.get(
        f"/v1/cases/{web.case_id}/contributions", headers=web.table.headers()).json()
        if c["text"] == web.officer_note]

    refused = teacher.client.post(f"/requests/{request}/answer", data={
        "csrf": teacher.csrf(f"/cases/{web.case_id}"), "case_id": web.case_id,
        "answer": "contribution", "contribution_id": officers[0]["id"]})

    assert refused.status_code == 422
    assert 'id="contribution_id-error"' in refused.text
    assert _requests(web)[0]["status"] == "open"


def test_asking_without_the_csrf_token_changes_nothing(web: WebWorld) -> None:
    officer = web.visitor(web.officer)

    forged = officer.client.post(f"/cases/{web.case_id}/requests", data={
        "to_organisation_id": web.school, "question": QUESTION})

    assert forged.status_code == 403
    assert _requests(web) == []


def test_a_request_is_read_as_a_disclosure_of_the_case_page(web: WebWorld) -> None:
    request = _ask(web)
    web.visitor(web.teacher).client.get(f"/cases/{web.case_id}")

    found = web.table.client.get(f"/v1/audit/disclosures?case_id={web.case_id}",
                                 headers=web.table.headers()).json()["disclosures"]
    shown = [d for d in found if d["person_id"] == web.teacher.id and d["kind"] == "request"]
    assert [d["ids"] for d in shown] == [[request]]
    assert shown[0]["endpoint"] == "GET /cases/{id}"


def test_only_the_chair_gets_the_feedback_form_and_drafts_a_sheet(web: WebWorld) -> None:
    page = f"/cases/{web.case_id}"
    member = web.visitor(web.officer).client.get(page).text
    assert f'action="{page}/feedback"' not in member
    assert f'action="{page}/organisations"' not in member
    chair = web.visitor(web.chair)
    assert f'action="{page}/feedback"' in chair.client.get(page).text

    drafted = chair.client.post(f"{page}/feedback", data={
        "csrf": chair.csrf(page), "to_organisation_id": web.police, "text": FEEDBACK},
        follow_redirects=False)

    assert drafted.status_code == 303
    sheet = drafted.headers["location"].split("?")[0]
    assert sheet.startswith("/feedback/")
    listed = web.visitor(web.teacher).client.get(page).text
    assert f'href="{sheet}"' in listed
    assert "awaiting consent" in listed
    assert FEEDBACK in chair.client.get(sheet).text


def test_a_sheet_copying_a_protected_contribution_is_refused(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    page = f"/cases/{web.case_id}"
    copied = f"We say: {web.red_note}, and more words to make it twelve or more of them."
    assert len(web.red_note.split()) < 12
    long_red = ("the boy told the teacher that he plans to travel abroad with his cousin "
                "after the exams")
    web.table.contribute(web.case_id, web.teacher.token, tlp="RED",
                         recipients=[web.chair.id], text=long_red)

    refused = chair.client.post(f"{page}/feedback", data={
        "csrf": chair.csrf(page), "to_organisation_id": web.police,
        "text": f"Summary: {long_red}. {copied}"})

    assert refused.status_code == 422
    assert 'id="feedback_text-error"' in refused.text
    assert "in your own words" in refused.text
    assert web.table.client.get(f"/v1/cases/{web.case_id}/feedback",
                                headers=web.table.headers()).json() == []
