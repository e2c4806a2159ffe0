"""Each page shows exactly what the API shows the same person, by name, and what the person's
role may do; a page view of personal data is a disclosure."""

from __future__ import annotations

import uuid

from tests.web.support import WebWorld


def test_the_case_page_shows_names_labels_and_only_what_the_viewer_may_see(
    web: WebWorld,
) -> None:
    chair = web.visitor(web.chair).client.get(f"/cases/{web.case_id}").text
    officer = web.visitor(web.officer).client.get(f"/cases/{web.case_id}").text

    assert "Subject Person" in chair
    assert "Subject Person" in officer
    for page in (chair, officer):
        assert "Police zone North" in page
        assert "Sint-Jan school" in page
        assert web.officer_note in page
        assert "Olga Officer" in page  # the owner, by name
        assert "TLP:AMBER" in page
    assert web.red_note in chair
    assert chair.count('<article class="contribution') == 2
    assert web.red_note not in officer
    assert officer.count('<article class="contribution') == 1


def test_an_anonymous_contribution_shows_anonymous_to_other_organisations(
    web: WebWorld,
) -> None:
    web.table.post(f"/v1/cases/{web.case_id}/contributions",
                   {"text": "Anonymous tip", "tlp": "AMBER", "anonymous": True},
                   web.teacher.token)

    officer = web.visitor(web.officer).client.get(f"/cases/{web.case_id}").text

    assert "Anonymous tip" in officer
    start = officer.index("Anonymous tip")
    article = officer[officer.rindex("<article", 0, start):start]
    assert "anonymous" in article
    assert "Tess Teacher" not in article
    assert "Sint-Jan school ·" not in article


def test_a_hidden_case_and_a_missing_one_give_the_same_page(web: WebWorld) -> None:
    youth = web.visitor(web.youth_worker).client

    hidden = youth.get(f"/cases/{web.case_id}")
    missing = youth.get(f"/cases/{uuid.uuid4()}")
    malformed = youth.get("/cases/not-an-id")

    assert hidden.status_code == missing.status_code == malformed.status_code == 404
    assert hidden.text == missing.text == malformed.text
    assert "Subject Person" not in hidden.text


def test_viewing_the_case_page_is_recorded_as_a_disclosure(web: WebWorld) -> None:
    web.visitor(web.officer).client.get(f"/cases/{web.case_id}")

    found = web.table.client.get(f"/v1/audit/disclosures?case_id={web.case_id}",
                                 headers=web.table.headers()).json()["disclosures"]
    mine = {d["kind"]: d for d in found if d["person_id"] == web.officer.id}
    assert set(mine) == {"subject", "contribution"}
    assert {d["endpoint"] for d in mine.values()} == {"GET /cases/{id}"}
    assert mine["subject"]["ids"] == [web.case_id]
    assert len(mine["contribution"]["contribution_ids"]) == 1  # the AMBER note, not the RED


def test_the_cases_list_searches_and_filters_the_viewers_cases(web: WebWorld) -> None:
    other = web.table.case("Another Youngster", web.police)
    web.table.post(f"/v1/cases/{other}/close", {"reason": "resolved"})
    officer = web.visitor(web.officer)
    csrf = officer.csrf("/cases")

    everything = officer.client.get("/cases").text
    by_name = officer.client.post("/cases/search", data={"csrf": csrf, "q": "subject"}).text
    by_reference = officer.client.post("/cases/search",
                                       data={"csrf": csrf, "q": "rt-2026-0001"}).text
    closed = officer.client.post("/cases/search", data={"csrf": csrf, "status": "closed"}).text

    assert "Subject Person" in everything
    assert "Another Youngster" in everything
    assert "Subject Person" in by_name
    assert "Another Youngster" not in by_name
    assert "Subject Person" in by_reference
    assert "Another Youngster" not in by_reference
    assert "Another Youngster" in closed
    assert "Subject Person" not in closed


def test_each_role_is_offered_only_what_it_may_do(web: WebWorld) -> None:
    chair = web.visitor(web.chair).client
    officer = web.visitor(web.officer).client
    auditor = web.visitor(web.auditor).client

    chair_case = chair.get(f"/cases/{web.case_id}").text
    officer_case = officer.get(f"/cases/{web.case_id}").text
    assert "Open a case" in chair.get("/cases").text
    assert "Open a case" not in officer.get("/cases").text
    assert "Add an organisation" in chair_case
    assert "Agree an action" in chair_case
    assert "Add an organisation" not in officer_case
    assert "Agree an action" not in officer_case
    assert 'action="/cases/' in officer_case
    assert "Preview who will see it" in officer_case
    assert "Record who is present" in chair.get(f"/meetings/{web.meeting_id}").text
    assert "Record who is present" not in officer.get(f"/meetings/{web.meeting_id}").text
    assert officer.get("/audit").status_code == 403

    cases = auditor.get("/cases").text
    assert "Subject Person" not in cases
    assert 'href="/audit"' in cases
    assert 'href="/meetings"' not in cases
    assert auditor.get(f"/cases/{web.case_id}").status_code == 404
    audit = auditor.get("/audit").text
    assert "Intact" in audit
    assert web.officer_note not in audit


def test_the_meeting_page_names_the_people_present_and_the_agenda(web: WebWorld) -> None:
    page = web.visitor(web.teacher).client.get(f"/meetings/{web.meeting_id}").text

    present = page.split('id="present-h"')[1]
    for name in ("Olga Officer", "Tess Teacher", "Chair"):
        assert name in present
    assert "Carl Colleague" not in present
    assert "Record who is present" not in page
    assert f'href="/cases/{web.case_id}"' in page


def test_the_chair_records_attendance_from_the_meeting_page(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    csrf = chair.csrf(f"/meetings/{web.meeting_id}")

    response = chair.client.post(
        f"/meetings/{web.meeting_id}/attendance",
        data={"csrf": csrf, "person_ids": [web.chair.id, web.colleague.id]})

    assert response.status_code == 200  # followed to the meeting page
    assert "The attendance was recorded." in response.text
    present = response.text.split('id="present-h"')[1].split("<details")[0]
    assert "Carl Colleague" in present
    assert "Olga Officer" not in present


def test_actions_list_what_the_viewers_organisation_owes_and_complete_them(
    web: WebWorld,
) -> None:
    note = web.table.client.get(f"/v1/cases/{web.case_id}/contributions",
                                headers=web.table.headers(web.officer.token)).json()[0]
    web.table.post(f"/v1/cases/{web.case_id}/actions", {
        "description": "Visit the family", "assignee_organisation_id": web.police,
        "due_on": "2026-11-03", "based_on": [note["id"]]})
    web.table.clock.advance(days=2)  # due yesterday: overdue
    officer = web.visitor(web.officer)
    teacher = web.visitor(web.teacher).client.get("/actions").text

    page = officer.client.get("/actions").text
    assert "Visit the family" in page
    assert "overdue" in page
    assert "Visit the family" not in teacher  # not the school's to do
    csrf = officer.csrf("/actions")
    action_id = page.split('action="/actions/')[1].split("/")[0]
    done = officer.client.post(f"/actions/{action_id}/complete", data={"csrf": csrf})
    assert "The action was marked as completed." in done.text
    assert "Visit the family" not in done.text


def test_the_chair_opens_a_case_and_a_missing_name_is_named_with_nothing_changed(
    web: WebWorld,
) -> None:
    chair = web.visitor(web.chair)
    csrf = chair.csrf("/cases")
    before = web.head()

    refused = chair.client.post("/cases", data={"csrf": csrf, "name": " ",
                                                "summary": "Kept in the form"})
    assert refused.status_code == 422
    assert 'aria-invalid="true" aria-describedby="name-error"' in refused.text
    assert "Kept in the form" in refused.text
    assert web.head() == before

    opened = chair.client.post("/cases", data={"csrf": csrf, "name": "New Youngster",
                                               "birth_year": "2010"})
    assert "The case was opened." in opened.text
    assert "New Youngster (2010)" in opened.text
