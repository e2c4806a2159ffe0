"""Cases in v1.1: a case on a person or on a situation, corrected, reopened, filtered and
searched, its case table shown with names; every answer showing a subject is a disclosure."""

from __future__ import annotations

from typing import Any

import pytest
from httpx2 import Response

from tests.api.support import Person, World, body_without, head, random_id
from tests.privacy.support import secret, text_leaks

POLARISATION = "Polarisation between Noord and Zuid"


def patch(world: World, case_id: str, who: Person, body: dict[str, Any]) -> Response:
    return world.table.client.patch(f"/v1/cases/{case_id}", json=body,
                                    headers=world.table.headers(who.token))


def situation(world: World, title: str = POLARISATION, **extra: Any) -> str:
    body = {"kind": "situation", "title": title, **extra}
    return str(world.ok(world.post("/v1/cases", world.chair, body), 201)["id"])


def close(world: World, case_id: str, reason: str = "the concern is gone") -> None:
    world.ok(world.post(f"/v1/cases/{case_id}/close", world.chair, {"reason": reason}))


def search(world: World, who: Person, **params: str) -> list[str]:
    """The ids `GET /v1/cases` answers with these parameters."""
    response = world.table.client.get("/v1/cases", params=params,
                                      headers=world.table.headers(who.token))
    return [c["id"] for c in world.ok(response)]


def subject_disclosures(world: World) -> list[dict[str, Any]]:
    found = world.ok(world.get("/v1/audit/disclosures", world.auditor))["disclosures"]
    return [d for d in found if d.get("kind") == "subject"]


def stored_text(world: World) -> str:
    """Every event's stored state and every row of the case read models, on either backend."""
    ctx = world.table.built.services.ctx
    events = ctx.app.recorder.select_notifications(start=1, limit=100_000)
    rows = [str(tuple(r)) for table in ("cases", "case_details")
            for r in ctx.queries.db.execute(f"SELECT * FROM {table}")]
    text = "\n".join([*(n.state.decode("utf-8", "replace") for n in events), *rows])
    # What is not sealed is there to see: the scan reads the real store.
    assert "Youth work" in text
    assert "RT-2026-" in text
    return text


# --- a case on a person or on a situation


def test_a_chair_opens_a_situation_with_a_title_and_no_subject(world: World) -> None:
    created = world.ok(world.post("/v1/cases", world.chair, {
        "kind": "situation", "title": POLARISATION, "summary": "fights after school"}), 201)
    assert created["status"] == "open"
    assert created["reference"].startswith("RT-2026-")
    case = world.ok(world.get(f"/v1/cases/{created['id']}", world.chair))
    assert (case["kind"], case["title"], case["subject"]) == ("situation", POLARISATION, None)
    assert case["summary"] == "fights after school"
    listed = {c["id"]: c for c in world.ok(world.get("/v1/cases", world.chair))}
    assert listed[created["id"]]["title"] == POLARISATION


def test_a_case_is_on_a_person_unless_told_otherwise(world: World) -> None:
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert (case["kind"], case["title"]) == ("person", None)
    assert case["subject"] == {"name": "Subject Name", "birth_year": None}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"kind": "situation"}, ["body", "title"]),
        ({"kind": "situation", "title": "T", "subject": {"name": "A"}}, ["body", "subject"]),
        ({"kind": "person", "title": "T", "subject": {"name": "A"}}, ["body", "title"]),
        ({"title": "T"}, ["body", "subject"]),
        ({"kind": "group", "title": "T"}, ["body", "kind"]),
        ({"kind": "situation", "title": "  "}, ["body", "title"]),
        ({"kind": "situation", "title": "T" * 201}, ["body", "title"]),
    ],
)
def test_a_field_that_does_not_fit_the_kind_is_a_422_naming_it(
    world: World, body: dict[str, Any], loc: list[str]
) -> None:
    with world.unchanged():
        response = world.post("/v1/cases", world.chair, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]
    assert "Subject Name" not in response.text


def test_a_situation_title_is_sealed_like_a_subject(world: World) -> None:
    title = secret("title")
    situation(world, title)
    assert text_leaks(stored_text(world), [title]) == []


# --- the case table, with names


def test_the_case_table_shows_each_organisation_with_its_name_in_joining_order(
    world: World,
) -> None:
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.teacher))
    assert case["organisations"] == [world.police, world.school, world.youth]
    table = case["case_table"]
    assert [(t["id"], t["name"]) for t in table] == [
        (world.police, "Police"), (world.school, "School"), (world.youth, "Youth work")]
    assert table[0]["since"] < table[1]["since"] < table[2]["since"] <= head(world.table)


# --- correcting a case


def test_a_chair_corrects_the_subject_and_the_summary_of_a_person_case(world: World) -> None:
    before = head(world.table)
    answer = world.ok(patch(world, world.case_id, world.chair, {
        "subject": {"name": "Subject Renamed", "birth_year": 2009}, "summary": "corrected"}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.teacher))
    assert case["subject"] == {"name": "Subject Renamed", "birth_year": 2009}
    assert case["summary"] == "corrected"
    world.ok(patch(world, world.case_id, world.chair, {"summary": "again"}))
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert (case["subject"]["name"], case["summary"]) == ("Subject Renamed", "again")


def test_a_chair_corrects_the_title_of_a_situation(world: World) -> None:
    case_id = situation(world)
    world.ok(patch(world, case_id, world.chair, {"title": "Tension around the square"}))
    case = world.ok(world.get(f"/v1/cases/{case_id}", world.chair))
    assert (case["title"], case["subject"]) == ("Tension around the square", None)


def test_a_corrected_subject_is_sealed(world: World) -> None:
    name = secret("renamed")
    world.ok(patch(world, world.case_id, world.chair, {"subject": {"name": name}}))
    assert text_leaks(stored_text(world), [name]) == []


@pytest.mark.parametrize(
    ("kind", "body", "loc"),
    [
        ("situation", {"subject": {"name": "A"}}, ["body", "subject"]),
        ("person", {"title": "T"}, ["body", "title"]),
        ("person", {"summary": None}, ["body", "summary"]),
        ("person", {"subject": None}, ["body", "subject"]),
        ("person", {}, ["body"]),
        ("person", {"reference": "RT-1"}, ["body", "reference"]),
        ("person", {"subject": {"name": ""}}, ["body", "subject", "name"]),
    ],
)
def test_an_invalid_correction_is_a_422_naming_the_field(
    world: World, kind: str, body: dict[str, Any], loc: list[str]
) -> None:
    case_id = world.case_id if kind == "person" else situation(world)
    with world.unchanged():
        response = patch(world, case_id, world.chair, body)
    assert response.status_code == 422, response.text
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_a_closed_case_is_reopened_before_it_is_corrected_and_an_erased_one_never(
    world: World,
) -> None:
    close(world, world.case_id)
    with world.unchanged():
        assert patch(world, world.case_id, world.chair, {"summary": "x"}).status_code == 409
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "r"}))
    with world.unchanged():
        assert patch(world, world.case_id, world.chair, {"summary": "x"}).status_code == 409


@pytest.mark.parametrize("who", ["officer", "teacher", "auditor"])
def test_only_a_chair_corrects_a_case(world: World, who: str) -> None:
    person = world.people()[who]
    with world.unchanged():
        response = patch(world, world.case_id, person, {"summary": "mine"})
    assert response.status_code == (404 if who == "auditor" else 403)


def test_correcting_a_case_one_may_not_see_answers_like_a_missing_case(world: World) -> None:
    hidden = world.table.case("Hidden Subject", world.police)
    missing = random_id()
    with world.unchanged():
        refused = patch(world, hidden, world.teacher, {"summary": "x"})
        absent = patch(world, missing, world.teacher, {"summary": "x"})
    assert refused.status_code == absent.status_code == 404
    assert body_without(refused, hidden) == body_without(absent, missing)


# --- reopening


def test_a_chair_reopens_a_closed_case_with_a_reason_and_the_table_works_on_it_again(
    world: World,
) -> None:
    close(world, world.case_id)
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/cases/{world.case_id}/reopen", world.chair,
                                 {"reason": "new worries at school"}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.teacher))
    assert (case["status"], case["closed_on"], case["close_reason"]) == ("open", None, None)
    assert case["reopened_on"] == "2026-11-02"
    assert case["reopen_reason"] == "new worries at school"
    world.contribute(world.teacher)
    world.ok(patch(world, world.case_id, world.chair, {"summary": "after reopening"}))
    close(world, world.case_id, "settled again")
    assert world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))["close_reason"] == (
        "settled again")


def test_only_a_closed_case_is_reopened(world: World) -> None:
    with world.unchanged():
        open_case = world.post(f"/v1/cases/{world.case_id}/reopen", world.chair, {"reason": "r"})
    assert open_case.status_code == 409
    close(world, world.case_id)
    world.ok(world.post(f"/v1/cases/{world.case_id}/erase", world.chair, {"reason": "r"}))
    with world.unchanged():
        erased = world.post(f"/v1/cases/{world.case_id}/reopen", world.chair, {"reason": "r"})
    assert erased.status_code == 409


def test_reopening_needs_a_chair_and_a_reason(world: World) -> None:
    close(world, world.case_id)
    with world.unchanged():
        member = world.post(f"/v1/cases/{world.case_id}/reopen", world.teacher, {"reason": "r"})
        no_reason = world.post(f"/v1/cases/{world.case_id}/reopen", world.chair, {})
    assert member.status_code == 403
    assert no_reason.status_code == 422
    assert ["body", "reason"] in [e["loc"] for e in no_reason.json()["detail"]]


def test_a_reopen_reason_is_sealed(world: World) -> None:
    reason = secret("reopen")
    close(world, world.case_id)
    world.ok(world.post(f"/v1/cases/{world.case_id}/reopen", world.chair, {"reason": reason}))
    assert text_leaks(stored_text(world), [reason]) == []


def test_a_case_from_before_kinds_existed_reads_as_a_person_case_and_can_be_reopened(
    world: World,
) -> None:
    """A read model built before v1.1 has no `case_details` rows for its cases."""
    world.table.built.services.ctx.queries.db.execute("DELETE FROM case_details")
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert (case["kind"], case["title"], case["reopen_reason"]) == ("person", None, None)
    close(world, world.case_id)
    world.ok(world.post(f"/v1/cases/{world.case_id}/reopen", world.chair, {"reason": "back"}))
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert (case["kind"], case["status"], case["reopen_reason"]) == ("person", "open", "back")


# --- filtering and searching


def test_cases_are_filtered_by_status(world: World) -> None:
    closed = world.table.case("Closed Subject")
    erased = world.table.case("Erased Subject")
    close(world, closed)
    world.ok(world.post(f"/v1/cases/{erased}/erase", world.chair, {"reason": "r"}))
    assert search(world, world.chair, status="open") == [world.case_id]
    assert search(world, world.chair, status="closed") == [closed]
    assert search(world, world.chair, status="erased") == [erased]
    assert search(world, world.chair) == [world.case_id, closed, erased]


def test_search_finds_part_of_a_name_or_a_title_whatever_the_case(world: World) -> None:
    other = world.table.case("Ömer Vandenbroucke")
    place = situation(world)
    assert search(world, world.chair, q="vandenBROUCKE") == [other]
    assert search(world, world.chair, q="ömer") == [other]
    assert search(world, world.chair, q="noord and") == [place]
    assert search(world, world.chair, q="name") == [world.case_id]
    assert search(world, world.chair, q="nobody") == []


def test_search_matches_a_whole_reference_whatever_the_case(world: World) -> None:
    reference = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))["reference"]
    assert search(world, world.chair, q=reference.lower()) == [world.case_id]
    assert search(world, world.chair, q=f" {reference} ") == [world.case_id]
    assert search(world, world.chair, q=reference[:-1]) == []


def test_search_and_status_combine(world: World) -> None:
    closed = world.table.case("Subject Closed")
    close(world, closed)
    assert search(world, world.chair, q="subject") == [world.case_id, closed]
    assert search(world, world.chair, q="subject", status="closed") == [closed]


def test_a_member_searches_only_the_cases_it_may_see(world: World) -> None:
    police_only = world.table.case("Shared Surname", world.police)
    school = world.table.case("Shared Surname Too", world.school)
    assert search(world, world.teacher, q="shared surname") == [school]
    assert search(world, world.officer, q="shared surname") == [police_only]
    assert search(world, world.chair, q="shared surname") == [police_only, school]
    assert search(world, world.auditor, q="shared") == []


def test_an_erased_case_is_found_by_its_reference_only(world: World) -> None:
    erased = world.table.case("Gone Subject")
    reference = world.ok(world.get(f"/v1/cases/{erased}", world.chair))["reference"]
    world.ok(world.post(f"/v1/cases/{erased}/erase", world.chair, {"reason": "r"}))
    assert search(world, world.chair, q="gone") == []
    assert search(world, world.chair, q=reference) == [erased]


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"status": "pending"}, ["query", "status"]),
        ({"q": ""}, ["query", "q"]),
        ({"q": "   "}, ["query", "q"]),
        ({"q": "x" * 201}, ["query", "q"]),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(
    world: World, params: dict[str, str], loc: list[str]
) -> None:
    response = world.table.client.get("/v1/cases", params=params,
                                      headers=world.table.headers(world.chair.token))
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


# --- every answer that shows a subject is a disclosure


def test_reading_a_case_records_a_subject_disclosure_naming_it(world: World) -> None:
    world.ok(world.get(f"/v1/cases/{world.case_id}", world.teacher))
    (record,) = subject_disclosures(world)
    assert record["person_id"] == world.teacher.id
    assert record["case_id"] == world.case_id
    assert record["ids"] == [world.case_id]
    assert record["endpoint"] == "GET /v1/cases/{id}"
    assert record["contribution_ids"] == []


def test_listing_cases_records_the_ids_of_the_cases_shown(world: World) -> None:
    place = situation(world)
    world.ok(world.get("/v1/cases", world.chair))
    world.ok(world.get("/v1/cases", world.teacher))
    chair_list, teacher_list = subject_disclosures(world)
    assert (chair_list["person_id"], chair_list["ids"]) == (world.chair.id,
                                                            [world.case_id, place])
    assert chair_list["case_id"] is None
    assert chair_list["endpoint"] == "GET /v1/cases"
    # One case shown: the record names it, so that `?case_id=` finds it.
    assert (teacher_list["ids"], teacher_list["case_id"]) == ([world.case_id], world.case_id)
    by_case = world.ok(world.get(f"/v1/audit/disclosures?case_id={world.case_id}",
                                 world.auditor))["disclosures"]
    assert teacher_list in by_case


def test_a_search_records_only_the_cases_it_found_and_nothing_when_none(world: World) -> None:
    place = situation(world)
    search(world, world.chair, q="noord")
    search(world, world.chair, q="nobody at all")
    (record,) = subject_disclosures(world)
    assert record["ids"] == [place]


def test_an_erased_case_shows_no_subject_and_is_no_disclosure(world: World) -> None:
    erased = world.table.case("Gone Subject")
    world.ok(world.post(f"/v1/cases/{erased}/erase", world.chair, {"reason": "r"}))
    world.ok(world.get(f"/v1/cases/{erased}", world.chair))
    search(world, world.chair, status="erased")
    assert subject_disclosures(world) == []


def test_a_refused_read_is_no_disclosure(world: World) -> None:
    assert world.get(f"/v1/cases/{world.case_id}", world.youth_worker).status_code == 404
    assert world.get(f"/v1/cases/{world.case_id}", world.auditor).status_code == 404
    assert subject_disclosures(world) == []


def test_the_reviews_due_record_the_subjects_they_show(world: World) -> None:
    world.ok(world.put("/v1/settings", world.chair,
                       {"retention_days_after_close": 30, "review_interval_days": 1}))
    world.table.clock.advance(days=2)
    due = world.ok(world.get("/v1/reviews", world.chair))
    assert [c["id"] for c in due] == [world.case_id]
    assert due[0]["kind"] == "person"
    (record,) = subject_disclosures(world)
    assert (record["endpoint"], record["ids"]) == ("GET /v1/reviews", [world.case_id])


def test_an_export_without_contribution_text_still_records_the_subject(world: World) -> None:
    export = world.ok(world.get(f"/v1/cases/{world.case_id}/export", world.chair))
    assert export["case"]["subject"]["name"] == "Subject Name"
    (record,) = subject_disclosures(world)
    assert (record["endpoint"], record["ids"]) == ("GET /v1/cases/{id}/export",
                                                   [world.case_id])
