"""The network: which LIVC-R partner sectors sit at the round table and which are missing.

In the world every partner was registered with the sector "social", and the chair's service
with "prevention": neither is on the LIVC-R list.
"""

from __future__ import annotations

from typing import Any

from tests.api.support import World

LIVCR = ["police", "local authority", "education", "pupil guidance", "mental health",
         "social welfare", "youth work", "community"]


def register(world: World, name: str, sector: str) -> str:
    created = world.ok(world.post("/v1/organisations", world.chair, {
        "name": name, "sector": sector, "kind": "formal", "professional_secrecy": False}), 201)
    return str(created["id"])


def network(world: World) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get("/v1/network", world.policy))
    return found


def test_chairs_and_policy_people_read_the_network_and_nobody_else(world: World) -> None:
    assert world.get("/v1/network", world.chair).status_code == 200
    for who in (world.officer, world.teacher, world.auditor):
        assert world.get("/v1/network", who).status_code == 403


def test_a_table_without_livcr_sectors_misses_them_all(world: World) -> None:
    found = network(world)
    assert [s["sector"] for s in found["sectors"]] == LIVCR
    assert not any(s["present"] or s["organisations"] for s in found["sectors"])
    assert found["missing"] == LIVCR
    other = {o["sector"]: [m["name"] for m in o["organisations"]] for o in found["other"]}
    assert other == {"prevention": ["Prevention service"],
                     "social": ["Police", "School", "Youth work"]}


def test_sectors_match_whatever_their_case(world: World) -> None:
    zone = register(world, "Police zone Vilvoorde", "Police")
    clinic = register(world, "Mental health centre", "  MENTAL Health ")
    youth = register(world, "Youth house", "youth work")
    mosque = register(world, "Mosque council", "Community")
    club = register(world, "Football club", "Sport")
    found = network(world)
    present = {s["sector"]: s["organisations"] for s in found["sectors"] if s["present"]}
    assert present == {
        "police": [{"id": zone, "name": "Police zone Vilvoorde"}],
        "mental health": [{"id": clinic, "name": "Mental health centre"}],
        "youth work": [{"id": youth, "name": "Youth house"}],
        "community": [{"id": mosque, "name": "Mosque council"}],
    }
    assert found["missing"] == ["local authority", "education", "pupil guidance",
                                "social welfare"]
    assert {"sector": "Sport", "organisations": [{"id": club, "name": "Football club"}]} \
        in found["other"]
