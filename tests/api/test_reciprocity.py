"""Reciprocity (chair): one row per organisation, active or not, of what it gives and takes at
the table: contributions given and read, requests answered, declined and asked, meetings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.support import World

TODAY = datetime.now(UTC).date()


def rows(world: World, query: str = "") -> dict[str, dict[str, Any]]:
    found = world.ok(world.get(f"/v1/reciprocity{query}", world.chair))
    return {r["organisation_id"]: r for r in found}


def ask(world: World, to: str) -> str:
    body = {"to_organisation_id": to, "question": "Is the family known to you?"}
    return str(world.ok(world.post(f"/v1/cases/{world.case_id}/requests", world.officer, body),
                        201)["id"])


def test_every_organisation_has_a_row_with_its_name_and_zeros(world: World) -> None:
    found = rows(world)
    organisations = world.ok(world.get("/v1/organisations", world.chair))
    assert {o["id"]: o["name"] for o in organisations} == {
        k: r["name"] for k, r in found.items()}
    assert found[world.youth] == {
        "organisation_id": world.youth, "name": "Youth work", "contributions_given": 0,
        "contributions_read": 0, "requests_answered": 0, "requests_declined": 0,
        "meetings_attended": 0, "meetings_missed": 0, "asked_times": 0}


def test_contributions_given_and_read_count_other_organisations_distinct(
    world: World,
) -> None:
    police = world.contribute(world.officer, tlp="GREEN")
    world.contribute(world.officer, tlp="GREEN")
    world.contribute(world.teacher, tlp="GREEN")
    for _ in range(2):
        world.shown(police, world.teacher)  # one contribution, read twice
    world.shown(police, world.officer)  # its own: not read from another organisation
    found = rows(world)
    assert (found[world.police]["contributions_given"],
            found[world.school]["contributions_given"]) == (2, 1)
    assert (found[world.school]["contributions_read"],
            found[world.police]["contributions_read"]) == (1, 0)
    tomorrow = TODAY + timedelta(days=1)
    later = rows(world, f"?from={tomorrow}&to={tomorrow}")
    assert (later[world.police]["contributions_given"],
            later[world.school]["contributions_read"]) == (0, 0)


def test_requests_asked_answered_and_declined_count_for_the_asked(world: World) -> None:
    answered, declined = ask(world, world.school), ask(world, world.school)
    ask(world, world.school)
    contribution = world.contribute(world.teacher, tlp="AMBER")
    world.ok(world.post(f"/v1/requests/{answered}/answer", world.teacher,
                        {"contribution_id": contribution}))
    world.ok(world.post(f"/v1/requests/{declined}/answer", world.teacher,
                        {"declined": True, "reason": "professional secrecy"}))
    school = rows(world)[world.school]
    assert (school["asked_times"], school["requests_answered"],
            school["requests_declined"]) == (3, 1, 1)
    assert rows(world)[world.police]["asked_times"] == 0


def test_a_held_case_meeting_is_attended_or_missed_by_the_case_table(world: World) -> None:
    world.meeting(world.officer)  # police present, school on the case table absent
    world.meeting()  # not held: counts for nobody
    found = rows(world, "?from=2026-11-02&to=2026-11-02")
    assert (found[world.police]["meetings_attended"],
            found[world.police]["meetings_missed"]) == (1, 0)
    assert (found[world.school]["meetings_attended"],
            found[world.school]["meetings_missed"]) == (0, 1)
    assert found[world.youth]["meetings_missed"] == 0  # not on the case table
    excused = world.meeting()
    world.ok(world.post(f"/v1/meetings/{excused}/attendance", world.chair, {
        "person_ids": [world.officer.id], "excused": [world.teacher.id]}))
    assert rows(world)[world.school]["meetings_missed"] == 1
    assert rows(world, "?from=2026-11-03")[world.school]["meetings_missed"] == 0


def test_only_chairs_read_the_reciprocity(world: World) -> None:
    for who in (world.officer, world.teacher, world.auditor, world.policy):
        assert world.get("/v1/reciprocity", who).status_code == 403
    assert world.table.client.get("/v1/reciprocity").status_code == 401
    response = world.get("/v1/reciprocity?from=2026-11-02&to=2026-11-01", world.chair)
    assert response.status_code == 422
    assert "from" in response.text
