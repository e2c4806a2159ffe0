"""Notices: table-level news from the chair, GREEN or CLEAR, read by chairs and members."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import World, head


def _post(world: World, text: str, tlp: str = "GREEN") -> dict[str, Any]:
    created: dict[str, Any] = world.ok(
        world.post("/v1/notices", world.chair, {"text": text, "tlp": tlp}), 201)
    return created


def test_a_chair_posts_notices_that_chairs_and_members_read_newest_first(world: World) -> None:
    first = _post(world, "Next round table: 3 December, 14:00, town hall")
    second = _post(world, "Training on online radicalisation, 10 December", "CLEAR")
    assert first["position"] < second["position"] == head(world.table)
    for reader in (world.chair, world.second_chair, world.officer, world.youth_worker):
        listed = world.ok(world.get("/v1/notices", reader))
        assert [(n["id"], n["text"], n["tlp"]) for n in listed] == [
            (second["id"], "Training on online radicalisation, 10 December", "CLEAR"),
            (first["id"], "Next round table: 3 December, 14:00, town hall", "GREEN"),
        ]
        assert listed[0]["posted_by"]["id"] == world.chair.id
        assert listed[0]["at"]


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_do_not_read_notices(world: World, who: str) -> None:
    _post(world, "A new partner: the football club")
    response = world.get("/v1/notices", world.people()[who])
    assert response.status_code == 403
    assert "football" not in response.text


def test_only_a_chair_posts_a_notice(world: World) -> None:
    with world.unchanged():
        for who in (world.officer, world.auditor):
            response = world.post("/v1/notices", who, {"text": "x", "tlp": "GREEN"})
            assert response.status_code == 403
    assert world.ok(world.get("/v1/notices", world.officer)) == []


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"text": "x", "tlp": "AMBER"}, "tlp"),
        ({"text": "x", "tlp": "RED"}, "tlp"),
        ({"text": "x"}, "tlp"),
        ({"tlp": "GREEN"}, "text"),
        ({"text": "x", "tlp": "GREEN", "case_id": "c"}, "case_id"),
    ],
)
def test_an_invalid_notice_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: str
) -> None:
    with world.unchanged():
        response = world.post("/v1/notices", world.chair, body)
    assert response.status_code == 422
    assert ["body", loc] in [e["loc"] for e in response.json()["detail"]]
