"""Actions agreed at the table: agreeing, listing, completing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.support import World, body_without, head, random_id


def _agree(world: World, **fields: Any) -> Any:
    body = {"description": "talk to the parents", "assignee_organisation_id": world.police,
            "due_on": "2026-12-01", "based_on": [], **fields}
    return world.post(f"/v1/cases/{world.case_id}/actions", world.chair, body)


def test_a_chair_agrees_an_action_that_case_viewers_then_list(world: World) -> None:
    ground = world.contribute(world.officer, tlp="GREEN")
    before = head(world.table)
    created = world.ok(_agree(world, based_on=[ground]), 201)
    assert before < created["position"] == head(world.table)
    for viewer in (world.chair, world.officer, world.teacher):
        (action,) = world.ok(world.get(f"/v1/cases/{world.case_id}/actions", viewer))
        assert action["id"] == created["id"]
        assert action["description"] == "talk to the parents"
        assert action["assignee_organisation_id"] == world.police
        assert action["due_on"] == "2026-12-01"
        assert action["based_on"] == [ground]
        assert action["completed"] is False


def test_an_action_needs_no_due_date_and_no_grounds(world: World) -> None:
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
        "description": "keep an eye out", "assignee_organisation_id": world.school}), 201)
    (action,) = world.ok(world.get(f"/v1/cases/{world.case_id}/actions", world.chair))
    assert action["id"] == created["id"]
    assert action["due_on"] is None
    assert action["based_on"] == []


def test_a_case_without_actions_lists_none(world: World) -> None:
    assert world.ok(world.get(f"/v1/cases/{world.case_id}/actions", world.officer)) == []


@pytest.mark.parametrize("who", ["youth_worker", "auditor", "policy"])
def test_actions_are_404_to_those_who_cannot_see_the_case(world: World, who: str) -> None:
    world.ok(_agree(world), 201)
    response = world.get(f"/v1/cases/{world.case_id}/actions", world.people()[who])
    assert response.status_code == 404
    assert "parents" not in response.text


def test_a_member_on_the_case_table_proposes_an_action_instead_of_agreeing_it(
    world: World,
) -> None:
    # v1.1: a member's action is `proposed` until a chair agrees it (was: 403).
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.officer, {
        "description": "x", "assignee_organisation_id": world.police}), 201)
    assert created["status"] == "proposed"


def test_a_member_not_on_the_case_table_gets_404_agreeing_an_action(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/actions", world.youth_worker, {
            "description": "x", "assignee_organisation_id": world.youth})
    assert response.status_code == 404


def test_an_assignee_not_on_the_case_table_is_a_422_naming_it(world: World) -> None:
    with world.unchanged():
        response = _agree(world, assignee_organisation_id=world.youth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "assignee_organisation_id"]


def test_an_unknown_assignee_is_a_422_naming_it(world: World) -> None:
    with world.unchanged():
        response = _agree(world, assignee_organisation_id=random_id())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "assignee_organisation_id"]


def test_an_action_on_a_closed_case_is_a_409(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    with world.unchanged():
        response = _agree(world)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"assignee_organisation_id": "ASSIGNEE"}, ["body", "description"]),
        ({"description": "x"}, ["body", "assignee_organisation_id"]),
        ({"description": "x", "assignee_organisation_id": "ASSIGNEE", "due_on": "soon"},
         ["body", "due_on"]),
        ({"description": "x", "assignee_organisation_id": "ASSIGNEE", "priority": 1},
         ["body", "priority"]),
        ({"description": "x", "assignee_organisation_id": "ASSIGNEE", "based_on": ["c1"]},
         ["body", "based_on", 0]),
    ],
)
def test_an_invalid_action_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[Any]
) -> None:
    if body.get("assignee_organisation_id") == "ASSIGNEE":
        body["assignee_organisation_id"] = world.police
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/actions", world.chair, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_an_over_long_action_description_is_a_422_that_does_not_echo_it(world: World) -> None:
    with world.unchanged():
        response = _agree(world, description="Jan Janssens at Kerkstraat 1. " * 1000)
    assert response.status_code == 422
    assert "Kerkstraat" not in response.text


# --- the grounds of an action


def test_an_action_may_rest_on_contributions_the_assignee_may_act_on(world: World) -> None:
    own = world.contribute(world.officer, tlp="AMBER")
    offered = world.contribute(world.teacher, tlp="GREEN", actionable_by=[world.police])
    created = world.ok(_agree(world, based_on=[own, offered]), 201)
    (action,) = world.ok(world.get(f"/v1/cases/{world.case_id}/actions", world.chair))
    assert action["id"] == created["id"]
    assert action["based_on"] == [own, offered]


def test_hidden_missing_and_not_actionable_grounds_give_the_same_422(world: World) -> None:
    hidden = world.contribute(world.teacher, tlp="AMBER", actionable_by=[world.police],
                              organisations=[world.school, world.police])
    not_actionable = world.contribute(world.teacher, tlp="GREEN")
    missing = random_id()
    answers = {}
    for name, ground in (("hidden", hidden), ("not_actionable", not_actionable),
                         ("missing", missing)):
        with world.unchanged():
            response = _agree(world, based_on=[ground])
        assert response.status_code == 422, name
        detail = response.json()["detail"]
        assert detail[0]["loc"] == ["body", "based_on", "0"]
        assert ground in detail[0]["msg"]
        answers[name] = body_without(response, ground)
    assert answers["hidden"] == answers["missing"] == answers["not_actionable"]


def test_the_422_for_grounds_names_the_offending_contribution_among_several(
    world: World,
) -> None:
    good = world.contribute(world.officer, tlp="GREEN")
    bad = world.contribute(world.teacher, tlp="GREEN")
    with world.unchanged():
        response = _agree(world, based_on=[good, bad])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "based_on", "1"]
    assert bad in response.text


def test_a_withdrawn_contribution_cannot_ground_an_action(world: World) -> None:
    ground = world.contribute(world.chair, tlp="GREEN", actionable_by=[world.police])
    world.ok(world.post(f"/v1/contributions/{ground}/withdraw", world.chair))
    with world.unchanged():
        response = _agree(world, based_on=[ground])
        missing = random_id()
        for_missing = _agree(world, based_on=[missing])
    assert response.status_code == 422
    assert body_without(response, ground) == body_without(for_missing, missing)


def test_a_contribution_of_another_case_cannot_ground_an_action(world: World) -> None:
    other = world.table.case("Other Subject", world.police)
    elsewhere = world.contribute(world.officer, other, tlp="GREEN")
    with world.unchanged():
        response = _agree(world, based_on=[elsewhere])
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "based_on", "0"]


# --- completing


def test_a_member_of_the_assignee_organisation_completes_the_action(world: World) -> None:
    created = world.ok(_agree(world), 201)
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.colleague))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    (action,) = world.ok(world.get(f"/v1/cases/{world.case_id}/actions", world.teacher))
    assert action["completed"] is True


def test_completing_twice_is_a_409_and_changes_nothing(world: World) -> None:
    created = world.ok(_agree(world), 201)
    world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.officer))
    with world.unchanged():
        response = world.post(f"/v1/actions/{created['id']}/complete", world.officer)
    assert response.status_code == 409


def test_someone_who_sees_the_case_may_not_complete_another_organisations_action(
    world: World,
) -> None:
    # v1.1: a chair may, on the assignee's behalf (tests/api/test_actions_month.py).
    created = world.ok(_agree(world), 201)
    with world.unchanged():
        response = world.post(f"/v1/actions/{created['id']}/complete", world.teacher)
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["youth_worker", "auditor", "policy"])
def test_completing_an_action_on_a_case_one_cannot_see_is_a_404(world: World, who: str) -> None:
    created = world.ok(_agree(world), 201)
    with world.unchanged():
        hidden = world.post(f"/v1/actions/{created['id']}/complete", world.people()[who])
        missing = world.post(f"/v1/actions/{random_id()}/complete", world.people()[who])
    assert hidden.status_code == 404
    assert hidden.content == missing.content


def test_completing_a_missing_action_is_a_404(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/actions/{random_id()}/complete", world.officer)
    assert response.status_code == 404


def test_an_expired_contribution_cannot_ground_an_action(world: World) -> None:
    expires = world.table.clock.now + timedelta(hours=1)
    ground = world.contribute(world.chair, tlp="GREEN", actionable_by=[world.police],
                              expires_at=expires.isoformat())
    world.table.clock.advance(hours=2)
    assert world.shown(ground, world.chair)["may_act"] is False
    assert not world.sees(ground, world.officer)
    with world.unchanged():
        response = _agree(world, based_on=[ground])
        missing = random_id()
        for_missing = _agree(world, based_on=[missing])
    assert response.status_code == 422
    assert body_without(response, ground) == body_without(for_missing, missing)


def test_a_contribution_the_assignee_cannot_see_cannot_ground_an_action(world: World) -> None:
    ground = world.contribute(world.chair, tlp="GREEN", organisations=[world.prevention],
                              actionable_by=[world.police])
    assert not world.sees(ground, world.officer)
    assert not world.sees(ground, world.colleague)
    with world.unchanged():
        response = _agree(world, based_on=[ground])
    assert response.status_code == 422
