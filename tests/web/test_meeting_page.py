"""The meeting page: people excused, minutes per agenda item (read by the chair and the people
present; recorded by the chair), and cancelling a planned meeting with a reason."""

from __future__ import annotations

from datetime import date

from tests.web.support import WebWorld

MINUTES = "The school follows up with the family before the next meeting."
DECISION = "The school calls the parents"


def test_the_chair_records_minutes_of_an_agenda_item_read_by_the_people_present(
    web: WebWorld,
) -> None:
    chair = web.visitor(web.chair)
    page = f"/meetings/{web.meeting_id}"

    recorded = chair.client.post(f"{page}/minutes", data={
        "csrf": chair.csrf(page), "case_id": web.case_id, "text": MINUTES,
        "decisions": f"{DECISION}\n\n"}, follow_redirects=False)

    assert recorded.status_code == 303
    present = web.visitor(web.officer).client.get(page).text
    assert MINUTES in present
    assert f"<li>{DECISION}</li>" in present
    assert f'action="{page}/minutes"' not in present  # a member records no minutes
    absent = web.visitor(web.colleague).client.get(page).text
    assert MINUTES not in absent


def test_minutes_without_text_are_refused_and_nothing_is_recorded(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    page = f"/meetings/{web.meeting_id}"

    refused = chair.client.post(f"{page}/minutes", data={"csrf": chair.csrf(page),
                                                         "case_id": "", "text": ""})

    assert refused.status_code == 422
    assert 'id="text-error"' in refused.text
    assert "No minutes you may read." in refused.text


def test_the_chair_records_who_was_excused(web: WebWorld) -> None:
    chair = web.visitor(web.chair)
    page = f"/meetings/{web.meeting_id}"

    chair.client.post(f"{page}/attendance", data={
        "csrf": chair.csrf(page), "person_ids": [web.chair.id, web.officer.id],
        "excused": [web.teacher.id]})

    shown = web.visitor(web.officer).client.get(page).text
    excused = shown[shown.index("Excused"):]
    assert "Tess Teacher" in excused
    assert "(Sint-Jan school)" in excused


def test_the_chair_cancels_a_planned_meeting_with_a_reason(web: WebWorld) -> None:
    planned = web.table.post("/v1/meetings", {"held_on": date(2026, 12, 20).isoformat(),
                                              "case_ids": [web.case_id]})["id"]
    chair = web.visitor(web.chair)
    page = f"/meetings/{planned}"
    csrf = chair.csrf(page)

    no_reason = chair.client.post(f"{page}/cancel", data={"csrf": csrf, "reason": ""})
    assert no_reason.status_code == 422
    assert 'id="cancel_reason-error"' in no_reason.text

    cancelled = chair.client.post(f"{page}/cancel", data={"csrf": csrf, "reason": "Holidays"},
                                  follow_redirects=False)

    assert cancelled.status_code == 303
    after = chair.client.get(page).text
    assert "This meeting was cancelled." in after
    assert "Reason: Holidays" in after
    assert "Reason: Holidays" in web.visitor(web.officer).client.get(page).text
    assert f'action="{page}/cancel"' not in after
    held = chair.client.post(f"/meetings/{web.meeting_id}/cancel",
                             data={"csrf": csrf, "reason": "Too late"})
    assert held.status_code == 409
