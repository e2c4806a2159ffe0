"""Meetings of the round table: scheduling, attendance, and who may read them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import World, head, random_id


def ids(people: list[dict[str, Any]]) -> list[str]:
    return [p["id"] for p in people]


def test_a_chair_schedules_a_meeting_and_reads_it_back(world: World) -> None:
    other = world.table.case("Other Subject")
    before = head(world.table)
    created = world.ok(world.post("/v1/meetings", world.chair, {
        "held_on": "2026-11-05", "case_ids": [world.case_id, other]}), 201)
    assert before < created["position"] == head(world.table)
    meeting = world.ok(world.get(f"/v1/meetings/{created['id']}", world.chair))
    assert {k: meeting[k] for k in ("id", "held_on", "case_ids", "present")} == {
        "id": created["id"], "held_on": "2026-11-05", "case_ids": [world.case_id, other],
        "present": []}


@pytest.mark.parametrize("who", ["officer", "auditor", "policy"])
def test_only_a_chair_may_schedule_a_meeting(world: World, who: str) -> None:
    with world.unchanged():
        response = world.post("/v1/meetings", world.people()[who],
                              {"held_on": "2026-11-05", "case_ids": [world.case_id]})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"held_on": "2026-11-05", "case_ids": []}, ["body", "case_ids"]),
        ({"held_on": "5 November", "case_ids": ["CASE"]}, ["body", "held_on"]),
        ({"case_ids": ["CASE"]}, ["body", "held_on"]),
        ({"held_on": "2026-11-05", "case_ids": ["CASE"], "room": "B"}, ["body", "room"]),
        ({"held_on": "2026-11-05", "case_ids": ["CASE", "nope"]}, ["body", "case_ids", 1]),
        ({"held_on": "2026-11-05", "case_ids": ["CASE", "MISSING"]}, ["body", "case_ids", "1"]),
    ],
)
def test_an_invalid_meeting_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[object]
) -> None:
    named = {"CASE": world.case_id, "MISSING": random_id()}
    body = {**body, "case_ids": [named.get(c, c) for c in body["case_ids"]]}
    with world.unchanged():
        response = world.post("/v1/meetings", world.chair, body)
    assert response.status_code == 422, response.text
    assert loc in [e["loc"] for e in response.json()["detail"]]


# --- attendance


def test_a_chair_records_who_was_present(world: World) -> None:
    meeting_id = world.meeting()
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/meetings/{meeting_id}/attendance", world.chair,
                                 {"person_ids": [world.officer.id, world.teacher.id]}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    meeting = world.ok(world.get(f"/v1/meetings/{meeting_id}", world.chair))
    assert sorted(ids(meeting["present"])) == sorted([world.officer.id, world.teacher.id])


def test_attendance_recorded_again_replaces_the_list(world: World) -> None:
    meeting_id = world.meeting(world.officer, world.teacher)
    world.attend(meeting_id, world.youth_worker)
    meeting = world.ok(world.get(f"/v1/meetings/{meeting_id}", world.chair))
    assert ids(meeting["present"]) == [world.youth_worker.id]


def test_only_a_chair_may_record_attendance(world: World) -> None:
    meeting_id = world.meeting(world.officer)
    with world.unchanged():
        response = world.post(f"/v1/meetings/{meeting_id}/attendance", world.officer,
                              {"person_ids": [world.officer.id, world.colleague.id]})
    assert response.status_code == 403


def test_attendance_of_an_unknown_person_is_a_422_naming_person_ids(world: World) -> None:
    meeting_id = world.meeting(world.officer)
    with world.unchanged():
        response = world.post(f"/v1/meetings/{meeting_id}/attendance", world.chair,
                              {"person_ids": [world.officer.id, random_id()]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "person_ids"]
    meeting = world.ok(world.get(f"/v1/meetings/{meeting_id}", world.chair))
    assert ids(meeting["present"]) == [world.officer.id]


def test_attendance_at_a_missing_meeting_is_a_404(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/meetings/{random_id()}/attendance", world.chair,
                              {"person_ids": [world.officer.id]})
    assert response.status_code == 404


# --- who may read a meeting


def test_every_chair_reads_every_meeting(world: World) -> None:
    meeting_id = world.meeting(case_ids=[world.table.case("Other Subject")])
    for chair in (world.chair, world.second_chair):
        assert world.get(f"/v1/meetings/{meeting_id}", chair).status_code == 200


def test_a_member_whose_organisation_is_on_a_case_of_the_agenda_reads_the_meeting(
    world: World,
) -> None:
    meeting_id = world.meeting(world.officer)
    meeting = world.ok(world.get(f"/v1/meetings/{meeting_id}", world.teacher))
    assert meeting["case_ids"] == [world.case_id]
    assert ids(meeting["present"]) == [world.officer.id]


def test_a_member_present_reads_the_meeting_but_not_the_cases_they_may_not_see(
    world: World,
) -> None:
    meeting_id = world.meeting(world.youth_worker)
    meeting = world.ok(world.get(f"/v1/meetings/{meeting_id}", world.youth_worker))
    assert ids(meeting["present"]) == [world.youth_worker.id]
    assert meeting["case_ids"] == []
    assert world.case_id not in world.get(f"/v1/meetings/{meeting_id}",
                                          world.youth_worker).text


def test_a_member_neither_present_nor_on_a_case_of_the_agenda_gets_404(world: World) -> None:
    meeting_id = world.meeting(world.officer)
    hidden = world.get(f"/v1/meetings/{meeting_id}", world.youth_worker)
    missing = world.get(f"/v1/meetings/{random_id()}", world.youth_worker)
    assert hidden.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_do_not_read_meetings_of_their_organisations_cases(
    world: World, who: str
) -> None:
    meeting_id = world.meeting(world.officer)  # the police is on the case table
    hidden = world.get(f"/v1/meetings/{meeting_id}", world.people()[who])
    missing = world.get(f"/v1/meetings/{random_id()}", world.people()[who])
    assert hidden.status_code == 404
    assert hidden.content == missing.content


def test_a_member_whose_organisation_leaves_the_table_no_longer_reads_the_meeting(
    world: World,
) -> None:
    meeting_id = world.meeting(world.officer)
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                          world.chair))
    assert world.get(f"/v1/meetings/{meeting_id}", world.teacher).status_code == 404


def test_recording_attendance_at_a_hidden_meeting_is_the_same_404_as_at_a_missing_one(
    world: World,
) -> None:
    meeting_id = world.meeting(world.officer)
    with world.unchanged():
        hidden = world.post(f"/v1/meetings/{meeting_id}/attendance", world.youth_worker,
                            {"person_ids": [world.youth_worker.id]})
        missing = world.post(f"/v1/meetings/{random_id()}/attendance", world.youth_worker,
                             {"person_ids": [world.youth_worker.id]})
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
