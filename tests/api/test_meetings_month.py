"""A month at the round table: meetings with an agenda, time and place, attendance with
excused people, cancellation, and minutes read by chairs and the people present only.

The world (tests/api/support.py): the police and the school on the case table; youth work at
the table only; two police officers, a teacher, a youth worker, an auditor and a policy officer.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.model import Meeting
from tests.api.support import Person, World, head, random_id
from tests.privacy.support import secret, variants


def plan(world: World, held_on: str = "2026-11-05", **body: Any) -> str:
    body = {"held_on": held_on, **body}
    if "agenda" not in body and "case_ids" not in body and body.get("kind") != "network":
        body["agenda"] = [{"case_id": world.case_id, "item": "new"}]
    return str(world.ok(world.post("/v1/meetings", world.chair, body), 201)["id"])


def attend(world: World, meeting_id: str, present: list[Person],
           excused: list[Person] | None = None) -> Any:
    return world.post(f"/v1/meetings/{meeting_id}/attendance", world.chair, {
        "person_ids": [p.id for p in present], "excused": [p.id for p in excused or []]})


def minutes(world: World, meeting_id: str, **body: Any) -> str:
    body = {"text": "minutes", **body}
    response = world.post(f"/v1/meetings/{meeting_id}/minutes", world.chair, body)
    return str(world.ok(response, 201)["id"])


def read(world: World, meeting_id: str, who: Person) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/meetings/{meeting_id}", who))
    return found


def readers(world: World, meeting_id: str) -> set[str]:
    """The names of the world's people who read any minutes of the meeting."""
    return {name for name, who in world.people().items()
            if world.get(f"/v1/meetings/{meeting_id}", who).status_code == 200
            and read(world, meeting_id, who)["minutes"]}


def listed(world: World, who: Person, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = world.ok(world.get(f"/v1/meetings{query}", who))
    return found


# --- planning


def test_a_chair_plans_a_case_meeting_with_its_agenda_time_and_place(world: World) -> None:
    other = world.table.case("Other Subject")
    meeting_id = plan(world, starts_at="14:30", place="Town hall, room 2", agenda=[
        {"case_id": other, "item": "to_close"}, {"case_id": world.case_id, "item": "ongoing"}])
    meeting = read(world, meeting_id, world.chair)
    cases = {c["id"]: c["reference"] for c in world.ok(world.get("/v1/cases", world.chair))}
    assert meeting == {
        "id": meeting_id, "held_on": "2026-11-05", "kind": "case", "starts_at": "14:30",
        "place": "Town hall, room 2", "status": "planned", "cancel_reason": None,
        "agenda": [{"case_id": other, "reference": cases[other], "item": "to_close"},
                   {"case_id": world.case_id, "reference": cases[world.case_id],
                    "item": "ongoing"}],
        "case_ids": [other, world.case_id], "present": [], "excused": [], "minutes": []}


def test_v1_case_ids_are_new_unless_an_earlier_meeting_not_cancelled_had_them(
    world: World,
) -> None:
    other = world.table.case("Other Subject")
    cancelled = plan(world, "2026-10-01", case_ids=[other])
    world.ok(world.post(f"/v1/meetings/{cancelled}/cancel", world.chair, {"reason": "ill"}))
    plan(world, "2026-12-01", case_ids=[world.case_id])  # later-dated: does not count
    meeting_id = plan(world, "2026-11-05", case_ids=[world.case_id, other, world.case_id])
    assert read(world, meeting_id, world.chair)["agenda"] == [
        {"case_id": world.case_id, "reference": "RT-2026-0001", "item": "new"},
        {"case_id": other, "reference": "RT-2026-0002", "item": "new"}]
    third = world.table.case("Third Subject")
    later = plan(world, "2027-01-07", case_ids=[other, third])
    assert [a["item"] for a in read(world, later, world.chair)["agenda"]] == [
        "ongoing", "new"]


def test_a_network_meeting_has_no_cases_and_every_member_sees_it(world: World) -> None:
    meeting_id = plan(world, kind="network", place="Youth centre")
    for who in (world.chair, world.officer, world.youth_worker, world.teacher):
        meeting = read(world, meeting_id, who)
        assert (meeting["kind"], meeting["agenda"], meeting["place"]) == (
            "network", [], "Youth centre")
    for who in (world.auditor, world.policy):
        assert world.get(f"/v1/meetings/{meeting_id}", who).status_code == 404


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"kind": "network", "agenda": [{"case_id": "CASE", "item": "new"}]}, ["body", "agenda"]),
        ({"kind": "network", "case_ids": ["CASE"]}, ["body", "case_ids"]),
        ({}, ["body", "agenda"]),
        ({"agenda": [{"case_id": "CASE", "item": "new"}], "case_ids": ["CASE"]},
         ["body", "case_ids"]),
        ({"agenda": [{"case_id": "CASE", "item": "later"}]}, ["body", "agenda", 0, "item"]),
        ({"agenda": []}, ["body", "agenda"]),
        ({"agenda": [{"case_id": "CASE", "item": "new"}, {"case_id": "MISSING", "item": "new"}]},
         ["body", "agenda", "1", "case_id"]),
        ({"agenda": [{"case_id": "CASE", "item": "new"}, {"case_id": "CASE", "item": "ongoing"}]},
         ["body", "agenda", "1", "case_id"]),
        ({"agenda": [{"case_id": "CLOSED", "item": "to_close"}]},
         ["body", "agenda", "0", "case_id"]),
        ({"agenda": [{"case_id": "ERASED", "item": "ongoing"}]},
         ["body", "agenda", "0", "case_id"]),
        ({"case_ids": ["CASE", "CLOSED"]}, ["body", "case_ids", "1"]),
        ({"case_ids": ["CASE", "MISSING"]}, ["body", "case_ids", "1"]),
        ({"case_ids": ["CASE"], "starts_at": "25:00"}, ["body", "starts_at"]),
        ({"case_ids": ["CASE"], "kind": "training"}, ["body", "kind"]),
        ({"case_ids": ["CASE"], "place": ""}, ["body", "place"]),
    ],
)
def test_an_invalid_plan_is_a_422_naming_the_field_and_changes_nothing(
    world: World, body: dict[str, Any], loc: list[object]
) -> None:
    closed = world.table.case("Closed Subject")
    world.ok(world.post(f"/v1/cases/{closed}/close", world.chair, {"reason": "done"}))
    erased = world.table.case("Erased Subject")
    world.ok(world.post(f"/v1/cases/{erased}/erase", world.chair, {"reason": "asked"}))
    named = {"CASE": world.case_id, "MISSING": random_id(), "CLOSED": closed, "ERASED": erased}
    text = json.dumps({"held_on": "2026-11-05", **body})
    for name, value in named.items():
        text = text.replace(f'"{name}"', f'"{value}"')
    with world.unchanged():
        response = world.post("/v1/meetings", world.chair, json.loads(text))
    assert response.status_code == 422, response.text
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_the_place_is_sealed_at_rest(world: World) -> None:
    place = secret("place")
    plan(world, place=place)
    assert_sealed(world, [place])


# --- the list by date


def test_the_list_holds_the_meetings_between_the_bounds_oldest_first_cancelled_included(
    world: World,
) -> None:
    late = plan(world, "2026-12-03", place="Hall")
    early = plan(world, "2026-11-05")
    cancelled = plan(world, "2026-11-20")
    world.ok(world.post(f"/v1/meetings/{cancelled}/cancel", world.chair, {"reason": "ill"}))
    plan(world, "2027-01-07")
    found = listed(world, world.chair, "?from=2026-11-05&to=2026-12-03")
    assert [m["id"] for m in found] == [early, cancelled, late]
    assert [m["status"] for m in found] == ["planned", "cancelled", "planned"]
    assert found[2] == {"id": late, "held_on": "2026-12-03", "kind": "case", "place": "Hall",
                        "status": "planned", "agenda": [
                            {"case_id": world.case_id, "reference": "RT-2026-0001",
                             "item": "new"}]}
    assert len(listed(world, world.chair)) == 4


def test_a_member_lists_only_the_meetings_and_agenda_cases_it_may_see(world: World) -> None:
    other = world.table.case("Other Subject", world.youth)
    both = plan(world, agenda=[{"case_id": world.case_id, "item": "new"},
                               {"case_id": other, "item": "new"}])
    police_only = plan(world, case_ids=[world.case_id])
    network = plan(world, kind="network")
    excused_at = plan(world, case_ids=[other])
    world.ok(attend(world, excused_at, [world.youth_worker], [world.colleague]))
    assert [m["id"] for m in listed(world, world.officer)] == [both, police_only, network]
    assert [m["id"] for m in listed(world, world.colleague)] == [
        both, police_only, network, excused_at]
    shown = listed(world, world.colleague)
    assert [a["case_id"] for a in shown[0]["agenda"]] == [world.case_id]
    assert shown[3]["agenda"] == []
    assert [m["id"] for m in listed(world, world.youth_worker)] == [both, network, excused_at]


@pytest.mark.parametrize(
    ("who", "query", "status"),
    [("auditor", "", 403), ("policy", "", 403), ("chair", "?from=2026-12-01&to=2026-11-01", 422),
     ("chair", "?from=yesterday", 422)],
)
def test_listing_refuses_auditors_policy_people_and_bad_bounds(
    world: World, who: str, query: str, status: int
) -> None:
    plan(world)
    assert world.get(f"/v1/meetings{query}", world.people()[who]).status_code == status


# --- attendance


def test_attendance_records_who_was_present_and_who_was_excused_by_name(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer, world.teacher], [world.colleague]))
    meeting = read(world, meeting_id, world.teacher)
    assert meeting["status"] == "held"
    police = {"id": world.police, "name": "Police"}
    expected: list[dict[str, Any]] = [
        {"id": world.officer.id, "name": "P", "organisation_id": world.police,
         "organisation": police},
        {"id": world.teacher.id, "name": "P", "organisation_id": world.school,
         "organisation": {"id": world.school, "name": "School"}},
    ]
    assert meeting["present"] == sorted(expected, key=lambda p: str(p["id"]))
    assert meeting["excused"] == [{"id": world.colleague.id, "name": "P",
                                   "organisation_id": world.police, "organisation": police}]


def test_an_excused_person_does_not_see_red_given_at_the_meeting(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer, world.teacher], [world.colleague]))
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    assert world.seen_by(red) == {"officer", "teacher"}


@pytest.mark.parametrize(
    ("present", "excused", "loc"),
    [
        (["officer", "teacher"], ["teacher"], ["body", "excused", "0"]),
        (["officer"], ["colleague", "officer"], ["body", "excused", "1"]),
        (["officer", "gone"], [], ["body", "person_ids", "1"]),
        (["officer"], ["gone"], ["body", "excused", "0"]),
        (["officer", "auditor"], [], ["body", "person_ids", "1"]),
        (["officer"], ["policy"], ["body", "excused", "0"]),
        (["officer", "nobody"], [], ["body", "person_ids", "1"]),
    ],
)
def test_invalid_attendance_is_a_422_naming_the_field_and_index_and_changes_nothing(
    world: World, present: list[str], excused: list[str], loc: list[str]
) -> None:
    gone = world.person(world.police)
    world.ok(world.delete(f"/v1/people/{gone.id}", world.chair))
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer]))
    people = {**world.people(), "gone": gone, "nobody": Person(random_id(), "", "")}
    before = read(world, meeting_id, world.chair)
    with world.unchanged():
        response = attend(world, meeting_id, [people[p] for p in present],
                          [people[p] for p in excused])
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == loc
    assert read(world, meeting_id, world.chair) == before


# --- cancellation


def test_a_chair_cancels_a_meeting_once_and_then_no_attendance_or_minutes(world: World) -> None:
    meeting_id = plan(world)
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/meetings/{meeting_id}/cancel", world.chair,
                                 {"reason": "the chair is ill"}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    shown = read(world, meeting_id, world.teacher)
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "the chair is ill")
    with world.unchanged():
        again = world.post(f"/v1/meetings/{meeting_id}/cancel", world.chair, {"reason": "x"})
        attended = attend(world, meeting_id, [world.officer])
        minuted = world.post(f"/v1/meetings/{meeting_id}/minutes", world.chair, {"text": "x"})
    assert (again.status_code, attended.status_code, minuted.status_code) == (409, 409, 409)


def test_a_held_meeting_cannot_be_cancelled(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer]))
    with world.unchanged():
        response = world.post(f"/v1/meetings/{meeting_id}/cancel", world.chair,
                              {"reason": "x"})
    assert response.status_code == 409


def test_the_cancellation_reason_is_sealed_at_rest(world: World) -> None:
    reason = secret("cancel")
    meeting_id = plan(world)
    world.ok(world.post(f"/v1/meetings/{meeting_id}/cancel", world.chair, {"reason": reason}))
    assert_sealed(world, [reason])


@pytest.mark.parametrize(
    ("path", "body"),
    [("cancel", {"reason": "x"}), ("minutes", {"text": "x"}),
     ("attendance", {"person_ids": []})],
)
def test_only_a_chair_changes_a_meeting_and_a_hidden_one_answers_as_a_missing_one(
    world: World, path: str, body: dict[str, Any]
) -> None:
    visible = plan(world)
    hidden = plan(world, case_ids=[world.table.case("Other Subject")])
    with world.unchanged():
        refused = world.post(f"/v1/meetings/{visible}/{path}", world.officer, body)
        hidden_answer = world.post(f"/v1/meetings/{hidden}/{path}", world.officer, body)
        missing = world.post(f"/v1/meetings/{random_id()}/{path}", world.officer, body)
    assert refused.status_code == 403
    assert hidden_answer.status_code == missing.status_code == 404
    assert hidden_answer.content == missing.content


# --- minutes


def test_minutes_are_read_by_chairs_and_the_people_present_only(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer, world.teacher], [world.youth_worker]))
    item = minutes(world, meeting_id, case_id=world.case_id, text="Agreed to talk to the family",
                   decisions=["The school calls the parents", "Back on the agenda in March"])
    whole = minutes(world, meeting_id, text="Next meeting in the youth centre")
    assert readers(world, meeting_id) == {"chair", "second_chair", "officer", "teacher"}
    assert read(world, meeting_id, world.teacher)["minutes"] == [
        {"id": item, "case_id": world.case_id, "text": "Agreed to talk to the family",
         "decisions": ["The school calls the parents", "Back on the agenda in March"]},
        {"id": whole, "case_id": None, "text": "Next meeting in the youth centre",
         "decisions": []}]
    # The colleague (on the case table) and the excused youth worker see the meeting, not them.
    for who in (world.colleague, world.youth_worker):
        assert read(world, meeting_id, who)["minutes"] == []


def test_minutes_follow_the_attendance_as_it_is_recorded_again(world: World) -> None:
    meeting_id = plan(world)
    minutes(world, meeting_id, case_id=world.case_id)
    assert readers(world, meeting_id) == {"chair", "second_chair"}
    world.ok(attend(world, meeting_id, [world.officer]))
    assert readers(world, meeting_id) == {"chair", "second_chair", "officer"}
    world.ok(attend(world, meeting_id, [world.teacher], [world.officer]))
    assert readers(world, meeting_id) == {"chair", "second_chair", "teacher"}


def test_a_chair_added_later_reads_the_minutes(world: World) -> None:
    meeting_id = plan(world)
    whole = minutes(world, meeting_id)
    new_chair = world.person(world.prevention, "chair")
    assert [m["id"] for m in read(world, meeting_id, new_chair)["minutes"]] == [whole]


def test_minutes_of_a_case_not_on_the_agenda_are_a_422_and_change_nothing(world: World) -> None:
    meeting_id = plan(world)
    other = world.table.case("Other Subject")
    for case_id in (other, random_id()):
        with world.unchanged():
            response = world.post(f"/v1/meetings/{meeting_id}/minutes", world.chair,
                                  {"case_id": case_id, "text": "x"})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "case_id"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [({}, ["body", "text"]), ({"text": ""}, ["body", "text"]),
     ({"text": "x", "decisions": [""]}, ["body", "decisions", 0]),
     ({"text": "x", "author": "me"}, ["body", "author"])],
)
def test_invalid_minutes_are_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[object]
) -> None:
    meeting_id = plan(world)
    with world.unchanged():
        response = world.post(f"/v1/meetings/{meeting_id}/minutes", world.chair, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_every_answer_showing_minutes_is_a_disclosure(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer]))
    item = minutes(world, meeting_id, case_id=world.case_id)
    whole = minutes(world, meeting_id)
    read(world, meeting_id, world.officer)
    read(world, meeting_id, world.colleague)  # shows no minutes: no disclosure
    entries = world.ok(world.get("/v1/audit/disclosures", world.auditor))["disclosures"]
    shown = [(d["person_id"], d["case_id"], d["ids"]) for d in entries
             if d.get("kind") == "minutes"]
    assert shown == [(world.officer.id, world.case_id, [item]), (world.officer.id, None, [whole])]


def test_minutes_of_an_erased_case_are_gone_and_the_rest_stay(world: World) -> None:
    meeting_id = plan(world)
    world.ok(attend(world, meeting_id, [world.officer]))
    minutes(world, meeting_id, case_id=world.case_id, text="about the subject")
    whole = minutes(world, meeting_id, text="about the table")
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "asked"}))
    for who in (world.chair, world.officer):
        assert [m["id"] for m in read(world, meeting_id, who)["minutes"]] == [whole]
    with world.unchanged():
        late = world.post(f"/v1/meetings/{meeting_id}/minutes", world.chair,
                          {"case_id": world.case_id, "text": "x"})
    assert late.status_code == 409


def test_minutes_and_decisions_are_sealed_at_rest(world: World) -> None:
    text, decision, whole = secret("minutes"), secret("decision"), secret("whole")
    meeting_id = plan(world)
    minutes(world, meeting_id, case_id=world.case_id, text=text, decisions=[decision])
    minutes(world, meeting_id, text=whole)
    assert_sealed(world, [text, decision, whole])


# --- what is stored


def test_a_meeting_stored_before_v1_1_still_reads_and_changes(world: World) -> None:
    plan(world, "2026-10-01", case_ids=[world.case_id])
    meeting_id = uuid.uuid4()
    meeting = Meeting(id=meeting_id, held_on="2026-11-05", case_ids=[UUID(world.case_id)],
                      actor=None)
    meeting.record_attendance([UUID(world.officer.id)], None)
    store_as_v1(world, meeting)
    found = read(world, str(meeting_id), world.chair)
    assert (found["kind"], found["status"], found["place"], found["excused"]) == (
        "case", "held", None, [])
    assert [a["item"] for a in found["agenda"]] == ["ongoing"]  # derived, as v1's case_ids
    assert [p["id"] for p in found["present"]] == [world.officer.id]
    world.ok(attend(world, str(meeting_id), [world.teacher], [world.officer]))
    whole = minutes(world, str(meeting_id), text="sealed with a key made for it now")
    assert read(world, str(meeting_id), world.teacher)["minutes"][0]["id"] == whole


def store_as_v1(world: World, meeting: Meeting) -> None:
    """Write the meeting's events as v1 wrote them: without the fields v1.1 added."""
    app = world.table.built.services.ctx.app
    transcoder = app.mapper.transcoder
    stored = []
    for event in meeting.collect_events():
        new = app.mapper.to_stored_event(event)
        state = transcoder.decode(new.state)
        assert state.pop("class_version") == 2
        for added in ("kind", "starts_at", "place", "items", "excused"):
            state.pop(added, None)
        stored.append(StoredEvent(new.originator_id, new.originator_version, new.topic,
                                  transcoder.encode(state)))
    app.recorder.insert_events(stored)
    world.table.built.services.ctx.catchup.catch_up()


def assert_sealed(world: World, texts: list[str]) -> None:
    """No form of the texts in any stored event or any row of any read model (nor, on SQLite,
    in any file of the data directory)."""
    stored = bytearray()
    recorder = world.table.built.services.ctx.app.recorder
    for notification in recorder.select_notifications(start=1, limit=1_000_000):
        stored += notification.state
    db = world.table.built.services.ctx.queries.db
    if world.table.paths.database is None:
        tables = "SELECT name FROM sqlite_master WHERE type='table'"
        stored += b"".join(p.read_bytes() for p in world.table.paths.data.rglob("*")
                           if p.is_file())
    else:
        tables = ("SELECT table_name FROM information_schema.tables "
                  "WHERE table_schema='public'")
    for (name,) in [tuple(r) for r in db.execute(tables).fetchall()]:
        for row in db.execute(f'SELECT * FROM "{name}"').fetchall():
            stored += repr(tuple(row)).encode()
    assert [t for t in texts if any(v in stored for v in variants(t))] == []
