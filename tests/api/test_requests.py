"""Information requests: a partner of a case table asks another one on it; the asked
organisation answers with a contribution of its own or says why it cannot share."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import Person, World, body_without, random_id

QUESTION = "Has Yassin been absent from school since the march?"
CANNOT = "We cannot share this, because the pupil guidance file is under professional secrecy."


def _ask(world: World, who: Person | None = None, to: str | None = None,
         question: str = QUESTION) -> dict[str, Any]:
    body = {"to_organisation_id": to or world.school, "question": question}
    created: dict[str, Any] = world.ok(
        world.post(f"/v1/cases/{world.case_id}/requests", who or world.officer, body), 201)
    return created


def _answer(world: World, request_id: str, who: Person, body: dict[str, Any],
            status: int = 200) -> Any:
    return world.ok(world.post(f"/v1/requests/{request_id}/answer", who, body), status)


def _requests(world: World, who: Person, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = world.ok(world.get(f"/v1/requests{query}", who))
    return found


def _one(world: World, request_id: str, who: Person) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/requests/{request_id}", who))
    return found


def test_a_member_asks_another_organisation_of_the_case_table(world: World) -> None:
    created = _ask(world)
    (owed,) = _requests(world, world.teacher, "?to=mine")
    assert owed["id"] == created["id"]
    assert owed["case_id"] == world.case_id
    assert owed["from_organisation_id"] == world.police
    assert owed["from_organisation"] == {"id": world.police, "name": "Police"}
    assert owed["to_organisation_id"] == world.school
    assert owed["to_organisation"] == {"id": world.school, "name": "School"}
    assert owed["asked_by"]["id"] == world.officer.id
    assert owed["question"] == QUESTION
    assert (owed["status"], owed["answer"]) == ("open", None)
    assert [r["id"] for r in _requests(world, world.officer, "?from=mine")] == [created["id"]]
    assert _requests(world, world.officer, "?to=mine") == []
    assert _requests(world, world.teacher, "?from=mine") == []
    for who in (world.officer, world.colleague, world.teacher):  # both sides without a filter
        assert [r["id"] for r in _requests(world, who)] == [created["id"]]


def test_a_chair_asks_and_every_case_viewer_reads_the_request(world: World) -> None:
    created = _ask(world, world.chair, world.police)
    assert [r["id"] for r in _requests(world, world.second_chair, "?from=mine")] == [
        created["id"]]
    assert [r["id"] for r in _requests(world, world.officer, "?to=mine")] == [created["id"]]
    for viewer in (world.chair, world.officer, world.teacher):
        listed = world.ok(world.get(f"/v1/cases/{world.case_id}/requests", viewer))
        assert [r["id"] for r in listed] == [created["id"]]
        assert _one(world, created["id"], viewer)["question"] == QUESTION


@pytest.mark.parametrize("who", ["youth_worker", "auditor", "policy"])
def test_those_who_cannot_see_the_case_see_no_request(world: World, who: str) -> None:
    created = _ask(world)
    person = world.people()[who]
    hidden = world.get(f"/v1/requests/{created['id']}", person)
    missing_id = random_id()
    missing = world.get(f"/v1/requests/{missing_id}", person)
    assert hidden.status_code == missing.status_code == 404
    assert body_without(hidden, created["id"]) == body_without(missing, missing_id)
    assert world.get(f"/v1/cases/{world.case_id}/requests", person).status_code == 404
    listed = world.get("/v1/requests", person)
    if who == "youth_worker":
        assert listed.json() == []
    else:
        assert listed.status_code == 403
    assert QUESTION not in listed.text + hidden.text


def test_asking_an_organisation_not_on_the_case_table_is_a_422_naming_it(world: World) -> None:
    for to in (world.youth, random_id(), world.police):  # not on it, unknown, one's own
        with world.unchanged():
            response = world.post(f"/v1/cases/{world.case_id}/requests", world.officer,
                                  {"to_organisation_id": to, "question": QUESTION})
        assert response.status_code == 422, to
        assert response.json()["detail"][0]["loc"] == ["body", "to_organisation_id"]


def test_only_case_viewers_ask(world: World) -> None:
    body = {"to_organisation_id": world.school, "question": QUESTION}
    with world.unchanged():
        for who in (world.youth_worker, world.auditor):
            response = world.post(f"/v1/cases/{world.case_id}/requests", who, body)
            assert response.status_code == 404


def test_asking_on_a_closed_case_is_a_409(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/requests", world.officer,
                              {"to_organisation_id": world.school, "question": QUESTION})
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"question": QUESTION}, ["body", "to_organisation_id"]),
        ({"to_organisation_id": "SCHOOL"}, ["body", "question"]),
        ({"to_organisation_id": "SCHOOL", "question": "x" * 20_001}, ["body", "question"]),
        ({"to_organisation_id": "nope", "question": QUESTION}, ["body", "to_organisation_id"]),
    ],
)
def test_an_invalid_question_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[str]
) -> None:
    if body.get("to_organisation_id") == "SCHOOL":
        body["to_organisation_id"] = world.school
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/requests", world.officer, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert "xxxxxxxx" not in response.text


def test_the_asked_organisation_answers_with_a_contribution_the_asker_may_see(
    world: World,
) -> None:
    created = _ask(world)
    contribution = world.contribute(world.teacher, tlp="AMBER")
    _answer(world, created["id"], world.teacher, {"contribution_id": contribution})
    for reader in (world.officer, world.teacher, world.chair):
        shown = _one(world, created["id"], reader)
        assert shown["status"] == "answered"
        assert shown["answer"] == {"contribution_id": contribution}
        assert shown["answered_by"]["id"] == world.teacher.id


def test_an_answer_the_asker_may_not_see_just_says_answered(world: World) -> None:
    created = _ask(world)
    contribution = world.contribute(world.teacher, tlp="AMBER", organisations=[world.school])
    _answer(world, created["id"], world.teacher, {"contribution_id": contribution})
    assert _one(world, created["id"], world.officer)["answer"] == {"contribution_id": None}
    assert _one(world, created["id"], world.teacher)["answer"] == {
        "contribution_id": contribution}


def test_the_asked_organisation_declines_saying_why(world: World) -> None:
    created = _ask(world)
    _answer(world, created["id"], world.teacher, {"declined": True, "reason": CANNOT})
    for reader in (world.officer, world.teacher):
        shown = _one(world, created["id"], reader)
        assert shown["status"] == "declined"
        assert shown["answer"] == {"declined": True, "reason": CANNOT}


def test_answering_with_a_contribution_not_of_the_asked_organisation_on_that_case_is_a_422(
    world: World,
) -> None:
    created = _ask(world)
    police = world.contribute(world.officer, tlp="GREEN")
    other_case = world.table.case("Other", world.school)
    elsewhere = world.contribute(world.teacher, other_case, tlp="GREEN")
    red_for_officer = world.contribute(world.teacher, tlp="RED", recipients=[world.officer.id])
    colleague_teacher = world.person(world.school)
    answers = []
    with world.unchanged():
        for contribution in (police, elsewhere, random_id()):
            answers.append(world.post(f"/v1/requests/{created['id']}/answer", world.teacher,
                                      {"contribution_id": contribution}))
        answers.append(world.post(f"/v1/requests/{created['id']}/answer", colleague_teacher,
                                  {"contribution_id": red_for_officer}))
    for response in answers:
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "contribution_id"]
    assert len({body_without(r, police, elsewhere, red_for_officer) for r in answers}) == 1


@pytest.mark.parametrize("second", [{"declined": True, "reason": "no"}, "CONTRIBUTION"])
def test_answering_twice_is_a_409(world: World, second: Any) -> None:
    created = _ask(world)
    contribution = world.contribute(world.teacher, tlp="AMBER")
    _answer(world, created["id"], world.teacher, {"contribution_id": contribution})
    body = {"contribution_id": contribution} if second == "CONTRIBUTION" else second
    with world.unchanged():
        response = world.post(f"/v1/requests/{created['id']}/answer", world.teacher, body)
    assert response.status_code == 409


def test_only_the_asked_organisation_answers(world: World) -> None:
    created = _ask(world)
    contribution = world.contribute(world.officer, tlp="AMBER")
    with world.unchanged():
        for who, status in ((world.officer, 403), (world.chair, 403), (world.youth_worker, 404),
                            (world.auditor, 404)):
            response = world.post(f"/v1/requests/{created['id']}/answer", who,
                                  {"contribution_id": contribution})
            assert response.status_code == status, who


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, "contribution_id"),
        ({"declined": True}, "reason"),
        ({"declined": False, "reason": "r"}, "declined"),
        ({"declined": True, "reason": "r", "contribution_id": "C"}, "contribution_id"),
        ({"contribution_id": "C", "reason": "r"}, "reason"),
        ({"contribution_id": "not-an-id"}, "contribution_id"),
    ],
)
def test_an_invalid_answer_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: str
) -> None:
    created = _ask(world)
    if body.get("contribution_id") == "C":
        body["contribution_id"] = world.contribute(world.teacher, tlp="AMBER")
    with world.unchanged():
        response = world.post(f"/v1/requests/{created['id']}/answer", world.teacher, body)
    assert response.status_code == 422
    assert ["body", loc] in [e["loc"] for e in response.json()["detail"]]
    assert _one(world, created["id"], world.teacher)["status"] == "open"


def test_an_organisation_taken_off_the_case_table_neither_reads_nor_answers(
    world: World,
) -> None:
    created = _ask(world)
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                          world.chair))
    assert world.get(f"/v1/requests/{created['id']}", world.teacher).status_code == 404
    assert _requests(world, world.teacher) == []
    response = world.post(f"/v1/requests/{created['id']}/answer", world.teacher,
                          {"declined": True, "reason": "no"})
    assert response.status_code == 404


def test_every_read_of_a_question_or_reason_is_a_disclosure(world: World) -> None:
    created = _ask(world)
    _answer(world, created["id"], world.teacher, {"declined": True, "reason": CANNOT})
    _requests(world, world.officer)
    _one(world, created["id"], world.chair)
    found = world.ok(world.get("/v1/audit/disclosures", world.auditor))["disclosures"]
    assert [(d["person_id"], d["case_id"], d["ids"], d["endpoint"]) for d in found
            if d.get("kind") == "request"] == [
        (world.officer.id, world.case_id, [created["id"]], "GET /v1/requests"),
        (world.chair.id, world.case_id, [created["id"]], "GET /v1/requests/{id}"),
    ]


def test_requests_are_erased_with_their_case(world: World) -> None:
    created = _ask(world)
    _answer(world, created["id"], world.teacher, {"declined": True, "reason": CANNOT})
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "asked"}))
    shown = _one(world, created["id"], world.chair)
    assert shown["question"] is None
    assert shown["answer"] == {"declined": True, "reason": None}
    assert world.get(f"/v1/requests/{created['id']}", world.officer).status_code == 404
