"""Cases, their case tables, and closing: /v1/cases and its sub-resources."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import World, head, random_id


def test_a_chair_opens_a_case_and_gets_its_id_reference_status_and_position(
    world: World,
) -> None:
    before = head(world.table)
    created = world.ok(world.post("/v1/cases", world.chair, {
        "subject": {"name": "Jan Janssens", "birth_year": 2008}, "summary": "worrying posts"}),
        201)
    assert created["status"] == "open"
    assert created["reference"].startswith("RT-2026-")
    assert created["position"] > before
    case = world.ok(world.get(f"/v1/cases/{created['id']}", world.chair))
    assert case["id"] == created["id"]
    assert case["reference"] == created["reference"]
    assert case["subject"] == {"name": "Jan Janssens", "birth_year": 2008}
    assert case["summary"] == "worrying posts"
    assert case["organisations"] == []


def test_case_references_are_unique_and_numbered_in_order(world: World) -> None:
    first = world.ok(world.post("/v1/cases", world.chair, {"subject": {"name": "A"}}), 201)
    second = world.ok(world.post("/v1/cases", world.chair, {"subject": {"name": "B"}}), 201)
    assert first["reference"] != second["reference"]
    assert first["reference"] < second["reference"]
    assert first["position"] < second["position"]


@pytest.mark.parametrize("who", ["officer", "auditor", "policy"])
def test_only_a_chair_may_open_a_case(world: World, who: str) -> None:
    with world.unchanged():
        response = world.post("/v1/cases", world.people()[who], {"subject": {"name": "A"}})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body", "subject"]),
        ({"subject": {}}, ["body", "subject", "name"]),
        ({"subject": {"name": "  "}}, ["body", "subject", "name"]),
        ({"subject": {"name": "A", "birth_year": 1066}}, ["body", "subject", "birth_year"]),
        ({"subject": {"name": "A"}, "notes": "x"}, ["body", "notes"]),
    ],
)
def test_an_invalid_case_is_a_422_naming_the_field(
    world: World, body: dict[str, object], loc: list[str]
) -> None:
    with world.unchanged():
        response = world.post("/v1/cases", world.chair, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


# --- who sees which case


def test_a_chair_lists_every_case(world: World) -> None:
    other = world.table.case("Other Subject")
    for chair in (world.chair, world.second_chair):
        listed = world.ok(world.get("/v1/cases", chair))
        assert [c["id"] for c in listed] == [world.case_id, other]
        assert listed[1]["subject"]["name"] == "Other Subject"


def test_a_member_lists_only_the_cases_whose_table_has_their_organisation(world: World) -> None:
    world.table.case("Other Subject", world.youth)
    police_only = world.table.case("Police Subject", world.police)
    officer_sees = [c["id"] for c in world.ok(world.get("/v1/cases", world.officer))]
    teacher_sees = [c["id"] for c in world.ok(world.get("/v1/cases", world.teacher))]
    assert officer_sees == [world.case_id, police_only]
    assert teacher_sees == [world.case_id]


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_list_no_case(world: World, who: str) -> None:
    assert world.ok(world.get("/v1/cases", world.people()[who])) == []


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_never_see_a_case_subject(world: World, who: str) -> None:
    response = world.get(f"/v1/cases/{world.case_id}", world.people()[who])
    assert response.status_code == 404
    assert "Subject Name" not in response.text


def test_a_member_whose_organisation_is_on_the_case_table_reads_the_case(world: World) -> None:
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.teacher))
    assert case["subject"]["name"] == "Subject Name"
    assert case["status"] == "open"
    assert set(case["organisations"]) == {world.police, world.school}


def test_a_member_whose_organisation_is_not_on_the_case_table_gets_404(world: World) -> None:
    response = world.get(f"/v1/cases/{world.case_id}", world.youth_worker)
    assert response.status_code == 404
    assert "Subject Name" not in response.text


# --- the case table


def test_joining_an_organisation_opens_the_case_to_its_members(world: World) -> None:
    assert world.get(f"/v1/cases/{world.case_id}", world.youth_worker).status_code == 404
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                                 {"organisation_id": world.youth}), 201)
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.youth_worker))
    assert world.youth in case["organisations"]
    assert world.case_id in [c["id"] for c in world.ok(world.get("/v1/cases",
                                                                 world.youth_worker))]


def test_joining_an_organisation_already_on_the_table_is_a_409(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                              {"organisation_id": world.police})
    assert response.status_code == 409


def test_joining_an_unknown_organisation_is_a_422_naming_organisation_id(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                              {"organisation_id": random_id()})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "organisation_id"]


def test_a_member_on_the_case_table_may_not_join_organisations_to_it(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/organisations", world.officer,
                              {"organisation_id": world.youth})
    assert response.status_code == 403


def test_a_member_not_on_the_case_table_gets_404_joining_to_it(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/organisations", world.youth_worker,
                              {"organisation_id": world.youth})
        missing = world.post(f"/v1/cases/{random_id()}/organisations", world.youth_worker,
                             {"organisation_id": world.youth})
    assert response.status_code == 404
    assert response.content == missing.content


def test_joining_to_a_missing_case_is_a_404(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{random_id()}/organisations", world.chair,
                              {"organisation_id": world.youth})
    assert response.status_code == 404


def test_taking_an_organisation_off_the_table_closes_the_case_to_its_members(
    world: World,
) -> None:
    before = head(world.table)
    answer = world.ok(world.delete(
        f"/v1/cases/{world.case_id}/organisations/{world.school}", world.chair))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    assert world.get(f"/v1/cases/{world.case_id}", world.teacher).status_code == 404
    assert world.ok(world.get("/v1/cases", world.teacher)) == []
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert case["organisations"] == [world.police]


def test_only_a_chair_may_take_an_organisation_off_the_table(world: World) -> None:
    with world.unchanged():
        response = world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                                world.officer)
    assert response.status_code == 403


def test_taking_off_an_organisation_that_is_not_on_the_table_changes_nothing(
    world: World,
) -> None:
    with world.unchanged():
        response = world.delete(f"/v1/cases/{world.case_id}/organisations/{world.youth}",
                                world.chair)
    assert response.status_code in (404, 409, 422)


# --- closing


def test_a_chair_closes_a_case_with_a_reason(world: World) -> None:
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair,
                                 {"reason": "no longer a concern"}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert case["status"] == "closed"
    assert case["close_reason"] == "no longer a concern"
    assert world.ok(world.get("/v1/cases", world.officer))[0]["status"] == "closed"


def test_closing_a_closed_case_is_a_409_and_changes_nothing(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/close", world.chair,
                              {"reason": "again"})
    assert response.status_code == 409
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert case["close_reason"] == "done"


def test_a_member_on_the_case_table_may_not_close_it(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/close", world.officer,
                              {"reason": "done"})
    assert response.status_code == 403


def test_closing_needs_a_reason(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/close", world.chair, {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


def test_a_closed_case_takes_no_new_contribution_or_organisation(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    with world.unchanged():
        contribution = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                                  {"text": "late news", "tlp": "GREEN"})
        joined = world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                            {"organisation_id": world.youth})
    assert contribution.status_code == 409
    assert joined.status_code == 409


@pytest.mark.parametrize(
    "field", ["subject_name", "summary", "close_reason"],
)
def test_an_over_long_free_text_of_a_case_is_not_echoed_in_the_422(
    world: World, field: str
) -> None:
    secret = "Jan Janssens lives at Kerkstraat 1 " * 700
    body: dict[str, Any]
    if field == "close_reason":
        path, body = f"/v1/cases/{world.case_id}/close", {"reason": secret}
    elif field == "summary":
        path, body = "/v1/cases", {"subject": {"name": "A"}, "summary": secret}
    else:
        path, body = "/v1/cases", {"subject": {"name": secret}}
    with world.unchanged():
        response = world.post(path, world.chair, body)
    assert response.status_code == 422
    assert "Kerkstraat" not in response.text


def test_taking_an_organisation_off_a_hidden_case_is_the_same_404_as_off_a_missing_one(
    world: World,
) -> None:
    with world.unchanged():
        hidden = world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                              world.youth_worker)
        missing = world.delete(f"/v1/cases/{random_id()}/organisations/{world.school}",
                               world.youth_worker)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
