"""The auditor's report: the process in figures for a period, with no person, subject or text,
counted from event metadata so that the counts outlive erasure.

Events are stamped with the time they are recorded, so the periods asked for here are around
the real today; closing dates come from the service's clock, which the tests set.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.api.support import World
from tests.api.test_feedback import answer, draft

TODAY = datetime.now(UTC).date()


def report(world: World, query: str = "") -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/audit/report{query}", world.auditor))
    return found


def period(start: date, end: date) -> str:
    return f"?from={start.isoformat()}&to={end.isoformat()}"


def test_auditors_and_chairs_read_the_report_and_nobody_else(world: World) -> None:
    assert world.get("/v1/audit/report", world.chair).status_code == 200
    for who in (world.officer, world.teacher, world.policy):
        assert world.get("/v1/audit/report", who).status_code == 403
    assert world.table.client.get("/v1/audit/report").status_code == 401


def test_an_empty_period_counts_nothing_and_names_every_organisation(world: World) -> None:
    found = report(world)
    assert (found["from"], found["to"]) == (None, None)
    assert (found["red_contributions"], found["withdrawals"], found["erasures"],
            found["feedback_released"], found["feedback_refused"]) == (
        0, 0, {"on_time": 0, "late": 0}, 0, 0)
    organisations = {o["id"]: o["name"]
                     for o in world.ok(world.get("/v1/organisations", world.chair))}
    assert set(found["disclosures_by_organisation"]) == set(organisations)
    assert found["organisations"] == organisations  # read by name, not only by id


def test_red_withdrawals_and_feedback_are_counted_in_their_period(world: World) -> None:
    world.contribute(world.teacher, tlp="RED", recipients=[world.teacher.id])
    amber = world.contribute(world.officer, tlp="AMBER")
    world.ok(world.put(f"/v1/contributions/{amber}/sharing", world.officer,
                       {"tlp": "RED", "recipients": [world.officer.id]}))
    world.ok(world.put(f"/v1/contributions/{amber}/sharing", world.officer,
                       {"tlp": "RED", "recipients": [world.colleague.id]}))  # still RED
    world.ok(world.post(f"/v1/contributions/{amber}/withdraw", world.officer))
    released, refused = draft(world)["id"], draft(world)["id"]
    world.ok(answer(world, released, world.teacher))
    world.ok(answer(world, refused, world.teacher, "Not this one."))
    found = report(world, period(TODAY, TODAY))
    assert (found["from"], found["to"]) == (TODAY.isoformat(), TODAY.isoformat())
    assert (found["red_contributions"], found["withdrawals"], found["feedback_released"],
            found["feedback_refused"]) == (2, 1, 1, 1)
    for elsewhere in (period(TODAY + timedelta(days=1), TODAY + timedelta(days=9)),
                      period(TODAY - timedelta(days=9), TODAY - timedelta(days=1))):
        later = report(world, elsewhere)
        assert (later["red_contributions"], later["withdrawals"], later["feedback_released"],
                later["feedback_refused"]) == (0, 0, 0, 0)


def test_an_erasure_is_on_time_within_the_retention_after_closing(world: World) -> None:
    world.ok(world.put("/v1/settings", world.chair, {"retention_days_after_close": 1,
                                                     "review_interval_days": 365}))
    clock = world.table.clock
    late, on_time, open_case = (world.table.case(f"Subject {i}") for i in range(3))
    clock.now = datetime.now(UTC) - timedelta(days=3)
    world.ok(world.post(f"/v1/cases/{late}/close", world.chair, {"reason": "done"}))
    clock.now = datetime.now(UTC)
    world.ok(world.post(f"/v1/cases/{on_time}/close", world.chair, {"reason": "done"}))
    for case_id in (late, on_time, open_case):
        world.ok(world.post(f"/v1/cases/{case_id}/erase", world.chair, {"reason": "due"}))
    assert report(world)["erasures"] == {"on_time": 2, "late": 1}


def test_the_counts_survive_the_erasure_of_their_case(world: World) -> None:
    world.contribute(world.teacher, tlp="RED", recipients=[world.teacher.id])
    world.ok(answer(world, draft(world)["id"], world.teacher))
    before = report(world)
    assert (before["red_contributions"], before["feedback_released"]) == (1, 1)
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "asked"}))
    after = report(world)
    assert (after["red_contributions"], after["feedback_released"]) == (1, 1)
    assert after["disclosures_by_organisation"] == before["disclosures_by_organisation"]


def test_disclosures_are_counted_by_the_organisation_of_who_was_shown(world: World) -> None:
    contribution = world.contribute(world.officer, tlp="AMBER")
    before = report(world)["disclosures_by_organisation"]
    world.shown(contribution, world.teacher)
    world.shown(contribution, world.teacher)
    world.ok(world.get("/v1/audit/disclosures", world.auditor))  # shows no personal data
    after = report(world)["disclosures_by_organisation"]
    assert after[world.school] == before[world.school] + 2
    assert after[world.police] == before[world.police]
    today = world.table.clock.now.date()  # disclosures are dated by the service's clock
    assert report(world, period(today, today))["disclosures_by_organisation"] == after
    tomorrow = report(world, period(today + timedelta(days=1), today + timedelta(days=1)))
    assert set(tomorrow["disclosures_by_organisation"].values()) == {0}


def test_reviews_overdue_say_by_how_many_days(world: World) -> None:
    world.ok(world.put("/v1/settings", world.chair, {"retention_days_after_close": 365,
                                                     "review_interval_days": 30}))
    opened = date.fromisoformat(world.ok(world.get(
        f"/v1/cases/{world.case_id}", world.chair))["opened_on"])
    world.table.clock.now = datetime.combine(opened + timedelta(days=39), datetime.min.time(),
                                             UTC)
    assert report(world)["reviews_overdue"] == [{"days_overdue": 9}]
    world.table.clock.now -= timedelta(days=10)
    assert report(world)["reviews_overdue"] == []


def test_the_report_names_no_person_case_or_text(world: World) -> None:
    world.contribute(world.teacher, text="Something only the table knows", tlp="RED",
                     recipients=[world.teacher.id])
    world.ok(answer(world, draft(world)["id"], world.teacher))
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    body = world.get("/v1/audit/report", world.auditor).text
    for hidden in (world.case_id, case["reference"], "Subject Name", "Something only",
                   world.teacher.id, world.chair.id):
        assert hidden not in body


def test_a_period_must_run_forwards(world: World) -> None:
    response = world.get("/v1/audit/report?from=2026-11-05&to=2026-11-01", world.auditor)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "from"]
    malformed = world.get("/v1/audit/report?to=yesterday", world.auditor)
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["query", "to"]
