"""A month of actions (API.md v1.1, "Actions"): partners propose and the chair agrees, the
assignee notes progress and reports an outcome (or the chair does on its behalf), the chair
cancels, reassigns and moves due dates, everyone sees what is overdue, and a case closes only
with its actions settled. And the trust fix: an action's `based_on` shows a reader only the
contributions it may see, and an anonymous one only to those who may see its owner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import UUID

import pytest

from domain import model
from domain.errors import DomainError
from roundtable.context import Caller, caller_from_row
from tests.api.support import Person, World, body_without, head, random_id
from tests.privacy.support import leaks, secret


def _action(world: World, who: Person | None = None, **fields: Any) -> dict[str, Any]:
    body = {"description": "talk to the parents", "assignee_organisation_id": world.police,
            "due_on": "2026-12-01", "based_on": [], **fields}
    found: dict[str, Any] = world.ok(world.post(
        f"/v1/cases/{world.case_id}/actions", who or world.chair, body), 201)
    return found


def _read(world: World, action_id: str, who: Person) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/actions/{action_id}", who))
    return found


def _events(world: World, after: int) -> list[tuple[int, Any]]:
    app = world.table.built.services.ctx.app
    return [(n.id, app.mapper.to_domain_event(n))
            for n in app.recorder.select_notifications(start=after + 1, limit=1000)]


# --- proposing and agreeing


def test_a_member_proposes_and_a_chair_agrees(world: World) -> None:
    ground = world.contribute(world.teacher, tlp="AMBER", actionable_by=[world.police])
    proposed = _action(world, world.officer, based_on=[ground])
    assert proposed["status"] == "proposed"
    assert proposed["position"] == head(world.table)
    assert _read(world, proposed["id"], world.teacher)["status"] == "proposed"
    with world.unchanged():
        assert world.post(f"/v1/actions/{proposed['id']}/agree", world.officer
                          ).status_code == 403
    agreed = world.ok(world.post(f"/v1/actions/{proposed['id']}/agree", world.chair))
    assert agreed["position"] == head(world.table)
    action = _read(world, proposed["id"], world.officer)
    assert action["status"] == "open"
    assert action["agreed_on"] is not None  # the date of the event (a proposal: None)
    with world.unchanged():
        assert world.post(f"/v1/actions/{proposed['id']}/agree", world.chair
                          ).status_code == 409


def test_a_chairs_action_is_open_at_once(world: World) -> None:
    assert _action(world)["status"] == "open"


def test_a_member_proposes_only_on_what_it_sees_and_the_assignee_may_act_on(
    world: World,
) -> None:
    hidden = world.contribute(world.teacher, tlp="AMBER", organisations=[world.school],
                              actionable_by=[world.police])
    not_actionable = world.contribute(world.teacher, tlp="GREEN")
    answers = []
    for ground in (hidden, not_actionable, random_id()):
        with world.unchanged():
            response = world.post(f"/v1/cases/{world.case_id}/actions", world.officer, {
                "description": "x", "assignee_organisation_id": world.police,
                "based_on": [ground]})
        assert response.status_code == 422
        answers.append(body_without(response, ground))
    assert answers[0] == answers[1] == answers[2]


def test_a_member_who_may_not_see_the_owner_assigns_an_anonymous_ground_only_to_itself(
    world: World,
) -> None:
    # Both may act on it; the officer may not see that the school brought it. Were it free
    # to assign it to the school, the answer would tell whether the school may act on it.
    anonymous = world.contribute(world.teacher, tlp="AMBER", anonymous=True,
                                 actionable_by=[world.school, world.police])
    assert world.shown(anonymous, world.officer)["owner"] is None
    with world.unchanged():
        refused = world.post(f"/v1/cases/{world.case_id}/actions", world.officer, {
            "description": "x", "assignee_organisation_id": world.school,
            "based_on": [anonymous]})
        missing = random_id()
        for_missing = world.post(f"/v1/cases/{world.case_id}/actions", world.officer, {
            "description": "x", "assignee_organisation_id": world.school,
            "based_on": [missing]})
    assert refused.status_code == 422
    assert body_without(refused, anonymous) == body_without(for_missing, missing)
    assert _action(world, world.officer, based_on=[anonymous])["status"] == "proposed"
    assert _action(world, assignee_organisation_id=world.school,
                   based_on=[anonymous])["status"] == "open"


@pytest.mark.parametrize("due_on", ["2026-11-01", "2020-01-01"])
def test_a_due_date_in_the_past_is_a_422_naming_it(world: World, due_on: str) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
            "description": "x", "assignee_organisation_id": world.police, "due_on": due_on})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "due_on"]


def test_today_is_the_tables_today_in_brussels(world: World) -> None:
    # 23:30 UTC on 2 November is already 3 November in Brussels.
    world.table.clock.now = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
            "description": "x", "assignee_organisation_id": world.police,
            "due_on": "2026-11-02"})
    assert response.status_code == 422
    created = _action(world, due_on="2026-11-03")
    world.table.clock.now = datetime(2026, 11, 3, 23, 30, tzinfo=UTC)
    assert _read(world, created["id"], world.chair)["overdue"] is True


# --- notes


def test_the_assignee_and_a_chair_note_progress_that_case_viewers_read(world: World) -> None:
    created = _action(world)
    first = world.ok(world.post(f"/v1/actions/{created['id']}/notes", world.colleague,
                                {"text": "called the parents"}), 201)
    assert first["position"] == head(world.table)
    world.ok(world.post(f"/v1/actions/{created['id']}/notes", world.chair,
                        {"text": "asked for an update"}), 201)
    for reader in (world.officer, world.teacher, world.chair):
        notes = _read(world, created["id"], reader)["notes"]
        assert [(n["id"], n["kind"], n["text"]) for n in notes][0] == (
            first["id"], "progress", "called the parents")
        assert notes[0]["by"] == {"id": world.colleague.id, "name": "P", "organisation": {
            "id": world.police, "name": "Police"}}
        assert notes[1]["by"]["organisation"]["name"] == "Prevention service"
        assert datetime.fromisoformat(notes[0]["at"]) <= datetime.fromisoformat(notes[1]["at"])


def test_another_organisation_on_the_case_table_may_not_note(world: World) -> None:
    created = _action(world)
    with world.unchanged():
        response = world.post(f"/v1/actions/{created['id']}/notes", world.teacher,
                              {"text": "x"})
    assert response.status_code == 403


def test_notes_are_sealed_on_disk(world: World) -> None:
    text = secret("note")
    created = _action(world)
    world.ok(world.post(f"/v1/actions/{created['id']}/notes", world.officer, {"text": text}),
             201)
    world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.officer,
                        {"outcome": "not_possible", "note": text + " again"}))
    assert _read(world, created["id"], world.chair)["notes"][0]["text"] == text
    assert leaks(world.table.paths.data, [text]) == []


@pytest.mark.parametrize("who", ["youth_worker", "auditor", "policy"])
def test_an_action_of_a_case_one_cannot_see_is_404_like_a_missing_one_everywhere(
    world: World, who: str
) -> None:
    created = _action(world)
    outsider = world.people()[who]
    calls = [("GET", ""), ("POST", "/agree"), ("POST", "/notes"), ("POST", "/complete"),
             ("POST", "/cancel"), ("PATCH", "")]
    bodies = {"/notes": {"text": "x"}, "/cancel": {"reason": "x"}, "": {"due_on": None}}
    with world.unchanged():
        for method, suffix in calls:
            answers = [world.table.client.request(
                method, f"/v1/actions/{action_id}{suffix}", json=bodies.get(suffix, {}),
                headers=world.table.headers(outsider.token)) for action_id in
                (created["id"], random_id())]
            assert answers[0].status_code == answers[1].status_code == 404, (method, suffix)
            assert answers[0].content == answers[1].content


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/v1/actions"), ("GET", "/v1/actions/ID"), ("POST", "/v1/actions/ID/agree"),
    ("POST", "/v1/actions/ID/notes"), ("POST", "/v1/actions/ID/cancel"),
    ("PATCH", "/v1/actions/ID"),
])
def test_every_new_endpoint_answers_401_without_a_token(
    world: World, method: str, path: str
) -> None:
    response = world.table.client.request(method, path.replace("ID", random_id()), json={})
    assert response.status_code == 401


# --- outcomes


def test_an_outcome_other_than_done_needs_a_note(world: World) -> None:
    created = _action(world)
    with world.unchanged():
        response = world.post(f"/v1/actions/{created['id']}/complete", world.officer,
                              {"outcome": "not_possible"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "note"]
    world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.officer, {
        "outcome": "not_possible", "note": "the family moved away"}))
    action = _read(world, created["id"], world.teacher)
    assert (action["status"], action["outcome"], action["on_behalf"]) == (
        "not_possible", "not_possible", False)
    assert [(n["kind"], n["text"]) for n in action["notes"]] == [
        ("outcome", "the family moved away")]


def test_a_complete_without_a_body_is_done(world: World) -> None:
    created = _action(world)
    response = world.table.client.post(f"/v1/actions/{created['id']}/complete",
                                       headers=world.table.headers(world.officer.token))
    assert response.status_code == 200, response.text
    action = _read(world, created["id"], world.officer)
    assert (action["status"], action["outcome"], action["completed"]) == ("done", "done", True)


def test_a_chair_reports_on_the_assignees_behalf_and_the_trail_says_so(world: World) -> None:
    created = _action(world)
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.chair, {
        "outcome": "not_undertaken", "note": "the police had no capacity"}))
    ((position, event),) = _events(world, before)
    assert position == answer["position"]
    assert isinstance(event, model.Case.ActionOutcomeRecorded)
    assert (event.on_behalf, str(event.actor)) == (True, world.chair.id)
    trail = world.ok(world.get(f"/v1/audit/events?after={before}", world.auditor))["events"]
    assert [(e["type"], e["actor"]) for e in trail] == [
        ("Case.ActionOutcomeRecorded", world.chair.id)]
    action = _read(world, created["id"], world.officer)
    assert (action["status"], action["on_behalf"]) == ("not_undertaken", True)
    assert action["notes"][0]["by"]["id"] == world.chair.id


def test_nothing_changes_an_action_once_it_is_settled(world: World) -> None:
    created = _action(world)
    world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.officer))
    with world.unchanged():
        for suffix, body in (("/complete", {}), ("/notes", {"text": "x"}),
                             ("/cancel", {"reason": "x"}), ("/agree", {})):
            response = world.post(f"/v1/actions/{created['id']}{suffix}", world.chair, body)
            assert response.status_code == 409, suffix
        patched = world.table.client.patch(f"/v1/actions/{created['id']}", json={
            "due_on": "2026-12-24"}, headers=world.table.headers(world.chair.token))
        assert patched.status_code == 409


# --- cancel and change


def test_a_chair_cancels_with_a_reason_that_readers_see(world: World) -> None:
    created = _action(world, world.officer)
    with world.unchanged():
        assert world.post(f"/v1/actions/{created['id']}/cancel", world.officer,
                          {"reason": "x"}).status_code == 403
        missing = world.post(f"/v1/actions/{created['id']}/cancel", world.chair, {})
        assert missing.json()["detail"][0]["loc"] == ["body", "reason"]
    world.ok(world.post(f"/v1/actions/{created['id']}/cancel", world.chair,
                        {"reason": "agreed otherwise at the table"}))
    action = _read(world, created["id"], world.teacher)
    assert (action["status"], action["outcome"]) == ("cancelled", None)
    assert [(n["kind"], n["text"]) for n in action["notes"]] == [
        ("cancellation", "agreed otherwise at the table")]


def _patch(world: World, action_id: str, body: dict[str, Any], who: Person | None = None
           ) -> Any:
    return world.table.client.patch(f"/v1/actions/{action_id}", json=body,
                                    headers=world.table.headers((who or world.chair).token))


def test_a_chair_reassigns_and_moves_the_due_date(world: World) -> None:
    ground = world.contribute(world.teacher, tlp="GREEN", actionable_by=[world.school,
                                                                          world.police])
    created = _action(world, based_on=[ground])
    answer = world.ok(_patch(world, created["id"], {
        "assignee_organisation_id": world.school, "due_on": "2026-12-24"}))
    assert answer["position"] == head(world.table)
    action = _read(world, created["id"], world.teacher)
    assert action["assignee_organisation"] == {"id": world.school, "name": "School"}
    assert action["due_on"] == "2026-12-24"
    world.ok(_patch(world, created["id"], {"due_on": None}))
    assert _read(world, created["id"], world.teacher)["due_on"] is None
    # The new assignee reports; the old one no longer may.
    with world.unchanged():
        assert world.post(f"/v1/actions/{created['id']}/complete", world.officer
                          ).status_code == 403
    world.ok(world.post(f"/v1/actions/{created['id']}/complete", world.teacher))


@pytest.mark.parametrize(("body", "loc"), [
    ({"assignee_organisation_id": "YOUTH"}, ["body", "assignee_organisation_id"]),
    ({"assignee_organisation_id": "SCHOOL"}, ["body", "assignee_organisation_id"]),
    ({"due_on": "2026-11-01"}, ["body", "due_on"]),
    ({}, ["body"]),
    ({"due_on": "2026-12-24", "priority": 1}, ["body", "priority"]),
])
def test_a_change_the_rules_do_not_allow_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[str]
) -> None:
    ground = world.contribute(world.officer, tlp="GREEN")  # only the police may act on it
    created = _action(world, based_on=[ground])
    names = {"YOUTH": world.youth, "SCHOOL": world.school}
    body = {k: names.get(v, v) for k, v in body.items()}
    with world.unchanged():
        response = _patch(world, created["id"], body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_a_member_may_not_change_an_action(world: World) -> None:
    created = _action(world)
    with world.unchanged():
        assert _patch(world, created["id"], {"due_on": "2026-12-24"},
                      world.officer).status_code == 403


# --- closing the case


def test_a_case_with_open_actions_closes_only_with_them_cancelled(world: World) -> None:
    proposed = _action(world, world.officer)["id"]
    agreed = _action(world)["id"]
    done = _action(world)["id"]
    world.ok(world.post(f"/v1/actions/{done}/complete", world.officer))
    with world.unchanged():
        refused = world.post(f"/v1/cases/{world.case_id}/close", world.chair,
                             {"reason": "moved away"})
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert proposed in detail
    assert agreed in detail
    assert done not in detail
    before = head(world.table)
    closed = world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair,
                                 {"reason": "moved away", "open_actions": "cancel"}))
    events = _events(world, before)
    assert [type(e).__name__ for _, e in events] == [
        "ActionCancelled", "ActionCancelled", "Closed"]
    assert closed["position"] == events[-1][0] == head(world.table)
    statuses = {a["id"]: a["status"] for a in world.ok(
        world.get(f"/v1/cases/{world.case_id}/actions", world.chair))}
    assert statuses == {proposed: "cancelled", agreed: "cancelled", done: "done"}


def test_nothing_is_done_on_a_closed_or_erased_case(world: World) -> None:
    created = _action(world)["id"]
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair,
                        {"reason": "done", "open_actions": "cancel"}))
    with world.unchanged():
        for suffix, body in (("/complete", {}), ("/notes", {"text": "x"})):
            assert world.post(f"/v1/actions/{created}{suffix}", world.officer, body
                              ).status_code == 409
        assert world.post(f"/v1/cases/{world.case_id}/actions", world.chair, {
            "description": "x", "assignee_organisation_id": world.police}).status_code == 409
    other = world.table.case("Other Subject", world.police)
    open_one = world.ok(world.post(f"/v1/cases/{other}/actions", world.chair, {
        "description": "x", "assignee_organisation_id": world.police}), 201)["id"]
    world.ok(world.post(f"/v1/cases/{other}/erase", world.chair, {"reason": "retention"}))
    with world.unchanged():
        assert world.post(f"/v1/actions/{open_one}/complete", world.chair).status_code == 409
        assert world.post(f"/v1/actions/{open_one}/complete", world.officer
                          ).status_code == 404


# --- the lists


def test_the_actions_list_spans_cases_and_filters(world: World) -> None:
    other = world.table.case("Other Subject", world.school, world.youth)
    mine = _action(world)
    theirs = world.ok(world.post(f"/v1/cases/{other}/actions", world.chair, {
        "description": "sport", "assignee_organisation_id": world.youth,
        "due_on": "2026-11-05"}), 201)
    school = world.ok(world.post(f"/v1/cases/{other}/actions", world.teacher, {
        "description": "class talk", "assignee_organisation_id": world.school}), 201)

    def ids(who: Person, query: str = "") -> list[str]:
        return [a["id"] for a in world.ok(world.get(f"/v1/actions{query}", who))]

    assert ids(world.chair) == [theirs["id"], mine["id"], school["id"]]  # by due date
    assert ids(world.officer) == [mine["id"]]
    assert ids(world.teacher) == [theirs["id"], mine["id"], school["id"]]
    assert ids(world.teacher, "?mine=true") == [school["id"]]
    assert ids(world.chair, "?status=proposed") == [school["id"]]
    world.table.clock.advance(days=5)
    assert ids(world.chair, "?overdue=true") == [theirs["id"]]
    assert ids(world.chair, "?overdue=false") == [mine["id"], school["id"]]
    (item,) = world.ok(world.get("/v1/actions?overdue=true", world.youth_worker))
    case = world.ok(world.get(f"/v1/cases/{other}", world.chair))
    assert item == {
        "id": theirs["id"], "case_id": other, "case_reference": case["reference"],
        "description": "sport", "assignee_organisation_id": world.youth,
        "assignee_organisation": {"id": world.youth, "name": "Youth work"},
        "due_on": "2026-11-05", "status": "open", "outcome": None, "on_behalf": None,
        "overdue": True, "based_on": [], "agreed_on": item["agreed_on"], "completed": False}
    assert world.ok(world.get(f"/v1/cases/{other}/actions", world.youth_worker))[0] == item
    assert {k: v for k, v in _read(world, theirs["id"], world.youth_worker).items()
            if k != "notes"} == item


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_do_not_list_actions(world: World, who: str) -> None:
    _action(world)
    assert world.get("/v1/actions", world.people()[who]).status_code == 403


def test_an_unknown_status_filter_is_a_422_naming_it(world: World) -> None:
    response = world.get("/v1/actions?status=late", world.chair)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def test_showing_descriptions_and_notes_is_recorded_as_disclosures(world: World) -> None:
    created = _action(world)
    note = world.ok(world.post(f"/v1/actions/{created['id']}/notes", world.officer,
                               {"text": "on it"}), 201)
    _read(world, created["id"], world.teacher)
    world.ok(world.get("/v1/actions", world.teacher))
    found = world.ok(world.get(f"/v1/audit/disclosures?case_id={world.case_id}",
                               world.auditor))["disclosures"]
    mine = [(d["kind"], d["ids"], d["endpoint"]) for d in found
            if d["person_id"] == world.teacher.id]
    assert mine == [("action", [created["id"]], "GET /v1/actions/{id}"),
                    ("note", [note["id"]], "GET /v1/actions/{id}"),
                    ("action", [created["id"]], "GET /v1/actions")]


# --- the trust fix: based_on shows only what the reader may see


def _based_on(world: World, action_id: str, who: Person) -> list[str]:
    """`based_on` as `who` gets it, checked equal in the three places it is shown."""
    one = _read(world, action_id, who)["based_on"]
    listed = {a["id"]: a["based_on"] for a in world.ok(world.get("/v1/actions", who))}
    in_case = {a["id"]: a["based_on"] for a in world.ok(
        world.get(f"/v1/cases/{world.case_id}/actions", who))}
    assert listed[action_id] == in_case[action_id] == one
    found: list[str] = one
    return found


def test_based_on_lists_only_the_grounds_the_reader_may_see(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    police_only = world.contribute(world.officer, tlp="AMBER", organisations=[world.police])
    created = _action(world, world.officer, based_on=[green, police_only])
    assert _based_on(world, created["id"], world.officer) == [green, police_only]
    assert _based_on(world, created["id"], world.colleague) == [green, police_only]
    assert _based_on(world, created["id"], world.teacher) == [green]
    assert _based_on(world, created["id"], world.chair) == [green]  # narrowed from chairs too
    assert police_only not in world.get(f"/v1/actions/{created['id']}", world.teacher).text


def test_an_anonymous_ground_is_shown_only_to_those_who_may_see_its_owner(
    world: World,
) -> None:
    anonymous = world.contribute(world.teacher, tlp="AMBER", anonymous=True)
    created = _action(world, assignee_organisation_id=world.school, based_on=[anonymous])
    assert world.sees(anonymous, world.officer)  # the officer sees it, not whose it is
    assert _based_on(world, created["id"], world.officer) == []
    assert anonymous not in world.get(f"/v1/cases/{world.case_id}/actions",
                                      world.officer).text
    assert _based_on(world, created["id"], world.teacher) == [anonymous]
    assert _based_on(world, created["id"], world.chair) == [anonymous]
    assert _based_on(world, created["id"], world.second_chair) == [anonymous]
    for outsider in (world.auditor, world.youth_worker):
        assert world.get(f"/v1/actions/{created['id']}", outsider).status_code == 404
        assert world.get(f"/v1/cases/{world.case_id}/actions", outsider).status_code == 404


def test_a_ground_that_expired_or_was_withdrawn_leaves_the_others_based_on(
    world: World,
) -> None:
    expiring = world.contribute(world.officer, tlp="GREEN",
                                expires_at="2026-11-02T12:00:00+00:00")
    withdrawn = world.contribute(world.officer, tlp="GREEN")
    created = _action(world, based_on=[expiring, withdrawn])
    world.ok(world.post(f"/v1/contributions/{withdrawn}/withdraw", world.officer))
    assert _based_on(world, created["id"], world.teacher) == [expiring]
    world.table.clock.advance(hours=4)
    assert _based_on(world, created["id"], world.teacher) == []
    assert _based_on(world, created["id"], world.officer) == [expiring, withdrawn]


# --- invariants under concurrency: checked inside the retried write


def _race(*commands: Callable[[], object]) -> list[str]:
    """Run the commands at once; each one's result: "ok" or the name of its refusal."""
    results: list[str] = [""] * len(commands)
    start = threading.Barrier(len(commands))

    def run(i: int) -> None:
        start.wait()
        try:
            commands[i]()
            results[i] = "ok"
        except DomainError as refused:
            results[i] = type(refused).__name__

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(commands))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _callers(world: World, *people: Person) -> list[Caller]:
    queries = world.table.built.services.ctx.queries
    return [caller_from_row(queries.person(UUID(p.id)) or {}) for p in people]


def test_no_action_is_proposed_on_a_case_closed_at_the_same_time(world: World) -> None:
    commands = world.table.built.services.commands
    chair, officer = _callers(world, world.chair, world.officer)
    for round_ in range(4):
        case = UUID(world.table.case(f"Subject {round_}", world.police))
        results = _race(partial(commands.close_case, chair, case, "done"),
                        partial(commands.agree_action, officer, case, "x", UUID(world.police),
                                None, []))
        assert sorted(results) == ["ConflictError", "ok"], results


def test_a_reassigned_action_is_not_completed_by_its_former_assignee(world: World) -> None:
    commands = world.table.built.services.commands
    chair, officer = _callers(world, world.chair, world.officer)
    for _ in range(4):
        action = UUID(_action(world)["id"])
        results = _race(partial(commands.change_action, chair, action, UUID(world.school),
                                False, None),
                        partial(commands.complete_action, officer, action))
        assert sorted(results) in (["ConflictError", "ok"], ["NotPermittedError", "ok"]), (
            results)
