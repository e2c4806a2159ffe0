"""`PATCH /v1/contributions/{id}/sharing` changes some fields of the rule and keeps the others;
`PUT` replaces the whole rule (what it always did, now said in its description)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx2 import Response

from tests.api.support import Person, World, body_without, random_id


def _patch(world: World, contribution_id: str, who: Person, body: Any) -> Response:
    return world.table.client.patch(f"/v1/contributions/{contribution_id}/sharing", json=body,
                                    headers=world.table.headers(who.token))


def _narrowed(world: World) -> str:
    """AMBER, narrowed to the police, actionable by the police and the school."""
    return world.contribute(world.officer, tlp="AMBER", organisations=[world.police],
                            actionable_by=[world.police, world.school])


def test_patch_changes_the_fields_given_and_keeps_the_others(world: World) -> None:
    contribution_id = _narrowed(world)
    world.ok(_patch(world, contribution_id, world.officer, {"tlp": "GREEN"}))
    rule = world.shown(contribution_id, world.officer)["sharing"]
    assert rule["tlp"] == "GREEN"
    assert rule["organisations"] == [world.police]
    assert sorted(rule["actionable_by"]) == sorted([world.police, world.school])
    assert world.seen_by(contribution_id) == {"officer", "colleague"}


def test_put_of_the_same_field_replaces_the_whole_rule(world: World) -> None:
    contribution_id = _narrowed(world)
    world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                       {"tlp": "GREEN"}))
    rule = world.shown(contribution_id, world.officer)["sharing"]
    assert rule["organisations"] is None
    assert rule["actionable_by"] is None
    assert "youth_worker" in world.seen_by(contribution_id)


def test_patch_with_null_clears_an_optional_field(world: World) -> None:
    contribution_id = _narrowed(world)
    world.ok(_patch(world, contribution_id, world.colleague, {"organisations": None}))
    rule = world.shown(contribution_id, world.officer)["sharing"]
    assert rule["organisations"] is None
    assert sorted(rule["actionable_by"]) == sorted([world.police, world.school])
    assert world.sees(contribution_id, world.teacher)


def test_a_merged_rule_that_is_invalid_is_a_422_naming_the_field(world: World) -> None:
    contribution_id = _narrowed(world)
    with world.unchanged():
        response = _patch(world, contribution_id, world.officer, {"tlp": "RED"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "meeting_id"]


@pytest.mark.parametrize(("body", "loc"), [
    ({}, ["body"]),
    ({"tlp": None}, ["body", "tlp"]),
    ({"anonymous": None}, ["body", "anonymous"]),
    ({"tlp": "BLUE"}, ["body", "tlp"]),
    ({"text": "new text"}, ["body", "text"]),
])
def test_a_patch_that_is_invalid_by_itself_is_a_422(
    world: World, body: dict[str, Any], loc: list[str]
) -> None:
    contribution_id = _narrowed(world)
    with world.unchanged():
        response = _patch(world, contribution_id, world.officer, body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc


def test_patch_of_a_hidden_contribution_answers_as_a_missing_one(world: World) -> None:
    contribution_id = _narrowed(world)
    with world.unchanged():
        hidden = _patch(world, contribution_id, world.teacher, {"tlp": "GREEN"})
        missing = _patch(world, random_id(), world.teacher, {"tlp": "GREEN"})
    assert hidden.status_code == missing.status_code == 404
    assert body_without(hidden, contribution_id) == body_without(missing)


def test_patch_by_a_viewer_outside_the_owner_organisation_is_a_403(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="AMBER")
    with world.unchanged():
        response = _patch(world, contribution_id, world.teacher, {"anonymous": True})
    assert response.status_code == 403, response.text


def test_patch_of_a_withdrawn_contribution_is_a_409(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="AMBER")
    world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw", world.officer))
    response = _patch(world, contribution_id, world.officer, {"tlp": "GREEN"})
    assert response.status_code == 409, response.text


def test_the_put_description_says_it_replaces_the_whole_rule(world: World) -> None:
    document = world.table.client.get("/openapi.json").json()
    operations = document["paths"]["/v1/contributions/{contribution_id}/sharing"]
    assert operations["put"]["description"].startswith("Replace the whole sharing rule")
    assert "use `PATCH`" in operations["put"]["description"]
    assert "the others are kept" in operations["patch"]["description"]
