"""The policy level: the process in figures for a period, small counts suppressed ("<5"), and
never a person's name, a reference, a case id or a text; one figure at a time as an SVG chart."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.api.support import World

TODAY = datetime.now(UTC).date()
SVG = "{http://www.w3.org/2000/svg}svg"


def figures(world: World, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/policy/figures{query}", world.policy))
    return found


def scene(world: World) -> list[str]:
    """Five person cases (the world's included) and a situation, all five person cases closed,
    a declined signal, an overdue action done and one open; returns every case id, reference,
    subject and text of it, none of which may appear in the figures."""
    names = [f"Subject Number {i}" for i in range(4)]
    cases = [world.case_id] + [world.table.case(name) for name in names]
    situation = world.ok(world.post("/v1/cases", world.chair, {
        "kind": "situation", "title": "Polarisation at the station"}), 201)["id"]
    texts = ["Subject Name", *names, "Polarisation at the station", "Concern in the park",
             "talk to the parents", "closed for good", "nothing for us"]
    signal = world.ok(world.post("/v1/signals", world.officer, {
        "subject": None, "title": "Concern in the park", "concern": "Concern in the park"}), 201)
    world.ok(world.post(f"/v1/signals/{signal['id']}/triage", world.chair,
                        {"decision": "decline", "reason": "nothing for us"}))
    due = (TODAY - timedelta(days=3)).isoformat()
    for _ in range(2):
        world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
            "description": "talk to the parents", "assignee_organisation_id": world.police,
            "due_on": due, "based_on": []}), 201)
    actions = world.ok(world.get(f"/v1/cases/{world.case_id}/actions", world.chair))
    world.ok(world.post(f"/v1/actions/{actions[0]['id']}/complete", world.officer,
                        {"outcome": "done"}))
    found = [*cases, situation, signal["id"], *(a["id"] for a in actions)]
    for case_id in [*cases, situation]:
        found.append(world.ok(world.get(f"/v1/cases/{case_id}", world.chair))["reference"])
    world.table.clock.now = datetime.now(UTC)
    for case_id in cases:
        world.ok(world.post(f"/v1/cases/{case_id}/close", world.chair,
                            {"reason": "closed for good", "open_actions": "cancel"}))
    return found + texts


def test_the_figures_count_suppress_and_name_no_case_person_or_text(world: World) -> None:
    secrets = scene(world)
    found = figures(world, f"?from={TODAY}&to={TODAY}")
    assert (found["from"], found["to"]) == (TODAY.isoformat(), TODAY.isoformat())
    shown = found["figures"]
    assert shown["cases_opened"] == 6
    assert shown["cases_closed"] == 5
    assert shown["cases_by_kind"] == {"person": 5, "situation": "<5"}
    assert shown["signals_by_decision"] == {"accepted": 0, "declined": "<5", "referred": 0,
                                            "new": 0}
    assert shown["signals_by_sector"] == {"social": "<5"}
    assert shown["actions_by_outcome"]["done"] == "<5"
    assert shown["actions_by_outcome"]["cancelled"] == "<5"  # the open one, with its case
    assert shown["actions_overdue"] == 0
    assert shown["median_days_open"] == (TODAY - date(2026, 11, 2)).days  # the clock moved
    assert shown["meetings_held"] == 0
    text = json.dumps(found)
    assert [s for s in secrets if s in text] == []


def test_a_median_over_fewer_than_five_closings_is_not_shown(world: World) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    shown = figures(world)["figures"]
    assert (shown["cases_closed"], shown["median_days_open"]) == ("<5", None)


def test_the_median_counts_the_days_from_opening_or_reopening_to_closing(
    world: World,
) -> None:
    clock = world.table.clock
    cases = [world.case_id] + [world.table.case(f"Subject {i}") for i in range(4)]
    for days, case_id in zip((1, 2, 3, 10, 30), cases, strict=True):
        clock.now = datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(days=days)
        world.ok(world.post(f"/v1/cases/{case_id}/close", world.chair, {"reason": "done"}))
    assert figures(world)["figures"]["median_days_open"] == 3.0
    world.ok(world.post(f"/v1/cases/{cases[4]}/reopen", world.chair, {"reason": "again"}))
    clock.advance(days=100)
    world.ok(world.post(f"/v1/cases/{cases[4]}/close", world.chair, {"reason": "done"}))
    shown = figures(world)["figures"]
    assert (shown["cases_closed"], shown["median_days_open"]) == (6, 6.5)


def test_an_open_overdue_action_is_counted_and_other_periods_count_nothing(
    world: World,
) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
        "description": "talk to the parents", "assignee_organisation_id": world.police,
        "due_on": (TODAY - timedelta(days=1)).isoformat(), "based_on": []}), 201)
    assert figures(world)["figures"]["actions_overdue"] == 0  # the clock: before the day
    world.table.clock.now = datetime.now(UTC)
    assert figures(world)["figures"]["actions_overdue"] == "<5"
    later = TODAY + timedelta(days=1)
    shown = figures(world, f"?from={later}&to={later}")["figures"]
    assert (shown["cases_opened"], shown["cases_by_kind"]) == (
        0, {"person": 0, "situation": 0})


def test_held_meetings_count_and_cancelled_ones_do_not(world: World) -> None:
    world.meeting(world.officer)
    world.meeting()
    shown = figures(world, "?from=2026-11-02&to=2026-11-02")["figures"]
    assert shown["meetings_held"] == "<5"
    assert figures(world, "?from=2026-11-03")["figures"]["meetings_held"] == 0


def test_policy_people_and_chairs_read_the_figures_and_nobody_else(world: World) -> None:
    for path in ("/v1/policy/figures", "/v1/policy/figures.svg"):
        assert world.get(path, world.chair).status_code == 200
        assert world.get(path, world.policy).status_code == 200
        for who in (world.officer, world.teacher, world.auditor):
            assert world.get(path, who).status_code == 403
        assert world.table.client.get(path).status_code == 401


def test_a_period_ending_before_it_starts_is_refused(world: World) -> None:
    response = world.get("/v1/policy/figures?from=2026-11-02&to=2026-11-01", world.policy)
    assert response.status_code == 422
    assert "from" in response.text


@pytest.mark.parametrize("name", ["cases_opened", "cases_by_kind", "signals_by_decision",
                                  "median_days_open", "actions_by_outcome"])
def test_a_figure_is_an_svg_chart_with_small_counts_as_labels(world: World, name: str) -> None:
    secrets = scene(world)
    response = world.get(f"/v1/policy/figures.svg?figure={name}", world.policy)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag == SVG
    assert b"<script" not in response.content  # nothing to run, nothing to load
    labels = " ".join(t for t in root.itertext())
    shown = figures(world)["figures"][name]
    if isinstance(shown, dict) and "<5" in shown.values():
        assert "<5" in labels
    assert [s for s in secrets if s in response.text] == []


def test_a_suppressed_count_is_drawn_as_a_label_and_never_as_its_value(world: World) -> None:
    world.table.case("Another Subject")  # two person cases opened: "<5"
    response = world.get("/v1/policy/figures.svg?figure=cases_by_kind", world.policy)
    texts = [t.strip() for t in ET.fromstring(response.content).itertext() if t.strip()]
    assert "person: <5" in texts
    assert "2" not in texts
    assert not any(t.startswith("2") for t in texts)


def test_an_unknown_figure_is_refused_naming_the_field(world: World) -> None:
    response = world.get("/v1/policy/figures.svg?figure=subjects", world.policy)
    assert response.status_code == 422
    assert "figure" in response.text
