"""The error semantics every endpoint shares: 401, 404 that does not tell hidden from missing,
422 on malformed ids, and nothing changed by a failed request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from httpx2 import Response

from tests.api.support import World, random_id

# Every endpoint of the contract this suite covers, with a placeholder for each id.
ENDPOINTS = [
    ("GET", "/v1/me"),
    ("POST", "/v1/organisations"),
    ("GET", "/v1/organisations"),
    ("POST", "/v1/people"),
    ("DELETE", "/v1/people/{id}"),
    ("POST", "/v1/cases"),
    ("GET", "/v1/cases"),
    ("GET", "/v1/cases/{id}"),
    ("POST", "/v1/cases/{id}/organisations"),
    ("DELETE", "/v1/cases/{id}/organisations/{id}"),
    ("POST", "/v1/cases/{id}/close"),
    ("POST", "/v1/meetings"),
    ("POST", "/v1/meetings/{id}/attendance"),
    ("GET", "/v1/meetings/{id}"),
    ("POST", "/v1/cases/{id}/contributions"),
    ("GET", "/v1/cases/{id}/contributions"),
    ("GET", "/v1/contributions/{id}"),
    ("PUT", "/v1/contributions/{id}/sharing"),
    ("PATCH", "/v1/contributions/{id}/sharing"),
    ("POST", "/v1/contributions/{id}/withdraw"),
    ("GET", "/v1/contributions/{id}/access"),
    ("POST", "/v1/cases/{id}/actions"),
    ("GET", "/v1/cases/{id}/actions"),
    ("POST", "/v1/actions/{id}/complete"),
]


def _path(template: str) -> str:
    return template.replace("{id}", random_id())


def _every_endpoint_answers_401(world: World, headers: dict[str, str]) -> None:
    before = world.snapshot()
    # The three kinds of 401 give one answer: it does not tell a deactivated token from none.
    reference = world.table.client.get("/v1/me").content
    for method, template in ENDPOINTS:
        body: dict[str, Any] | None = {} if method in ("POST", "PUT", "PATCH") else None
        response = world.table.client.request(method, _path(template), json=body,
                                              headers=headers)
        assert response.status_code == 401, (method, template, response.text)
        assert response.headers["www-authenticate"] == "Bearer", (method, template)
        assert response.content == reference, (method, template)
    assert world.snapshot() == before


def test_every_endpoint_answers_401_without_a_token(world: World) -> None:
    _every_endpoint_answers_401(world, {})


def test_every_endpoint_answers_401_to_an_unknown_token(world: World) -> None:
    _every_endpoint_answers_401(world, {"Authorization": "Bearer not-a-token"})


def test_every_endpoint_answers_401_to_a_deactivated_persons_token(world: World) -> None:
    world.ok(world.delete(f"/v1/people/{world.second_chair.id}", world.chair))
    _every_endpoint_answers_401(world, world.table.headers(world.second_chair.token))


def test_a_401_for_real_ids_is_the_same_as_for_random_ones(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    real = world.table.client.get(f"/v1/contributions/{contribution_id}")
    random = world.table.client.get(f"/v1/contributions/{random_id()}")
    assert real.status_code == random.status_code == 401
    assert real.content == random.content


def test_a_token_under_another_scheme_than_bearer_is_401(world: World) -> None:
    response = world.table.client.get(
        "/v1/me", headers={"Authorization": f"Basic {world.chair.token}"})
    assert response.status_code == 401


def test_a_token_stops_working_the_moment_its_person_is_deactivated(world: World) -> None:
    world.ok(world.get("/v1/me", world.officer))
    world.ok(world.delete(f"/v1/people/{world.officer.id}", world.chair))
    assert world.get("/v1/me", world.officer).status_code == 401
    assert world.get(f"/v1/cases/{world.case_id}", world.officer).status_code == 401


# --- 404: hidden and missing are one answer


def test_a_hidden_case_gives_the_same_404_as_a_missing_one(world: World) -> None:
    hidden = world.get(f"/v1/cases/{world.case_id}", world.youth_worker)
    missing = world.get(f"/v1/cases/{random_id()}", world.youth_worker)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.headers.get("content-length") == missing.headers.get("content-length")


@pytest.mark.parametrize("suffix", ["", "/contributions", "/actions"])
def test_every_read_of_a_hidden_case_gives_the_same_404_as_a_missing_one(
    world: World, suffix: str
) -> None:
    for outsider in (world.youth_worker, world.auditor, world.policy):
        hidden = world.get(f"/v1/cases/{world.case_id}{suffix}", outsider)
        missing = world.get(f"/v1/cases/{random_id()}{suffix}", outsider)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content


def test_a_hidden_contribution_gives_the_same_404_as_a_missing_one_on_every_endpoint(
    world: World,
) -> None:
    red = world.contribute(world.officer, tlp="RED", recipients=[world.teacher.id])

    def read(path: str) -> Response:
        return world.get(path, world.colleague)

    def share(path: str) -> Response:
        return world.put(path, world.colleague, {"tlp": "GREEN"})

    def withdraw(path: str) -> Response:
        return world.post(path, world.colleague)

    calls: list[tuple[str, Callable[[str], Response]]] = [
        ("/v1/contributions/{}", read),
        ("/v1/contributions/{}/access", read),
        ("/v1/contributions/{}/sharing", share),
        ("/v1/contributions/{}/withdraw", withdraw),
    ]
    for path, call in calls:
        with world.unchanged():
            hidden = call(path.format(red))
            missing = call(path.format(random_id()))
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.content == missing.content, path


def test_writes_to_a_hidden_case_give_the_same_404_as_to_a_missing_one(world: World) -> None:
    contribution = {"text": "seen at the club", "tlp": "GREEN"}
    with world.unchanged():
        hidden = world.post(f"/v1/cases/{world.case_id}/contributions", world.youth_worker,
                            contribution)
        missing = world.post(f"/v1/cases/{random_id()}/contributions", world.youth_worker,
                             contribution)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_a_hidden_meeting_gives_the_same_404_as_a_missing_one(world: World) -> None:
    meeting_id = world.meeting(world.officer)
    hidden = world.get(f"/v1/meetings/{meeting_id}", world.youth_worker)
    missing = world.get(f"/v1/meetings/{random_id()}", world.youth_worker)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_an_action_on_a_hidden_case_gives_the_same_404_as_a_missing_one(world: World) -> None:
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
        "description": "talk to the parents", "assignee_organisation_id": world.police,
        "based_on": []}), 201)
    with world.unchanged():
        hidden = world.post(f"/v1/actions/{created['id']}/complete", world.youth_worker)
        missing = world.post(f"/v1/actions/{random_id()}/complete", world.youth_worker)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_an_unknown_path_gives_the_same_404_body_as_a_hidden_resource(world: World) -> None:
    unknown = world.get("/v1/nothing-here", world.chair)
    hidden = world.get(f"/v1/cases/{world.case_id}", world.youth_worker)
    assert unknown.status_code == 404
    assert unknown.content == hidden.content


# --- 422 on malformed ids in the path


@pytest.mark.parametrize(
    ("method", "path", "parameter"),
    [
        ("GET", "/v1/cases/not-a-uuid", "case_id"),
        ("GET", "/v1/cases/not-a-uuid/contributions", "case_id"),
        ("GET", "/v1/cases/not-a-uuid/actions", "case_id"),
        ("POST", "/v1/cases/not-a-uuid/close", "case_id"),
        ("DELETE", "/v1/cases/{case}/organisations/not-a-uuid", "organisation_id"),
        ("GET", "/v1/contributions/not-a-uuid", "contribution_id"),
        ("GET", "/v1/contributions/not-a-uuid/access", "contribution_id"),
        ("POST", "/v1/contributions/not-a-uuid/withdraw", "contribution_id"),
        ("GET", "/v1/meetings/not-a-uuid", "meeting_id"),
        ("POST", "/v1/actions/not-a-uuid/complete", "action_id"),
        ("DELETE", "/v1/people/not-a-uuid", "person_id"),
    ],
)
def test_a_malformed_id_in_the_path_is_a_422_naming_the_parameter(
    world: World, method: str, path: str, parameter: str
) -> None:
    with world.unchanged():
        body = {"reason": "done"} if method == "POST" else None
        response = world.table.client.request(
            method, path.format(case=world.case_id), json=body,
            headers=world.table.headers(world.chair.token))
    assert response.status_code == 422, response.text
    assert ["path", parameter] in [e["loc"] for e in response.json()["detail"]]


def test_a_body_that_is_not_json_is_a_422_and_changes_nothing(world: World) -> None:
    with world.unchanged():
        response = world.table.client.post(
            "/v1/cases", content=b"{not json", headers={
                **world.table.headers(world.chair.token), "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"
