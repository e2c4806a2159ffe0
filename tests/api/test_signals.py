"""Signals: partners raise concerns, only their organisation and the chairs read them, the chair
accepts (a case), declines or refers them, and the raiser reads the decision and the reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.api.support import Person, World, body_without, head, owner_ids, random_id

CONCERN = "Y. shows the pupils beheading videos and says the march was only the start."


def _raise(world: World, who: Person, **body: Any) -> dict[str, Any]:
    payload = {"subject": {"name": "Yassin T.", "birth_year": 2009}, "concern": CONCERN, **body}
    created: dict[str, Any] = world.ok(world.post("/v1/signals", who, payload), 201)
    return created


def _triage(world: World, signal_id: str, status: int = 200, who: Person | None = None,
            **body: Any) -> dict[str, Any]:
    response = world.post(f"/v1/signals/{signal_id}/triage", who or world.chair, body)
    found: dict[str, Any] = world.ok(response, status)
    return found


def _signal(world: World, signal_id: str, who: Person) -> dict[str, Any]:
    found: dict[str, Any] = world.ok(world.get(f"/v1/signals/{signal_id}", who))
    return found


def _listed(world: World, who: Person, query: str = "") -> list[str]:
    return [s["id"] for s in world.ok(world.get(f"/v1/signals{query}", who))]


def test_a_member_raises_a_signal_that_its_organisation_and_the_chairs_read(
    world: World,
) -> None:
    before = head(world.table)
    created = _raise(world, world.officer, title="Videos in class")
    assert created["status"] == "new"
    assert before < created["position"] == head(world.table)
    for reader in (world.officer, world.colleague, world.chair, world.second_chair):
        assert _listed(world, reader) == [created["id"]]
        shown = _signal(world, created["id"], reader)
        assert shown["subject"] == {"name": "Yassin T.", "birth_year": 2009}
        assert shown["title"] == "Videos in class"
        assert shown["concern"] == CONCERN
        assert shown["status"] == "new"
        assert shown["organisation"] == {"id": world.police, "name": "Police"}
        assert shown["organisation_id"] == world.police
        assert shown["raised_by"]["id"] == world.officer.id
        assert shown["reason"] is None
        assert shown["case_id"] is None


@pytest.mark.parametrize("who", ["teacher", "youth_worker"])
def test_other_organisations_do_not_see_a_signal_and_get_the_answer_for_a_missing_one(
    world: World, who: str
) -> None:
    created = _raise(world, world.officer)
    reader = world.people()[who]
    assert _listed(world, reader) == []
    hidden = world.get(f"/v1/signals/{created['id']}", reader)
    missing_id = random_id()
    missing = world.get(f"/v1/signals/{missing_id}", reader)
    assert hidden.status_code == missing.status_code == 404
    assert body_without(hidden, created["id"]) == body_without(missing, missing_id)
    assert "Yassin" not in hidden.text


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_get_403_on_every_signal_endpoint(
    world: World, who: str
) -> None:
    created = _raise(world, world.officer)
    person = world.people()[who]
    with world.unchanged():
        answers = [
            world.get("/v1/signals", person),
            world.get(f"/v1/signals/{created['id']}", person),
            world.get(f"/v1/signals/{random_id()}", person),
            world.post("/v1/signals", person, {"subject": None, "title": "t", "concern": "c"}),
            world.post(f"/v1/signals/{created['id']}/triage", person,
                       {"decision": "decline", "reason": "no"}),
        ]
    assert [a.status_code for a in answers] == [403] * 5
    assert not any("Yassin" in a.text for a in answers)


def test_a_signal_without_a_subject_needs_a_title(world: World) -> None:
    with world.unchanged():
        response = world.post("/v1/signals", world.teacher, {"subject": None, "concern": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "title"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"subject": None, "title": "t"}, ["body", "concern"]),
        ({"subject": {"birth_year": 2009}, "concern": "c"}, ["body", "subject", "name"]),
        ({"subject": None, "title": "t", "concern": "c", "tlp": "RED"}, ["body", "tlp"]),
        ({"subject": None, "title": "t", "concern": " "}, ["body", "concern"]),
        ({"subject": None, "title": "t" * 201, "concern": "c"}, ["body", "title"]),
    ],
)
def test_an_invalid_signal_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: list[str]
) -> None:
    with world.unchanged():
        response = world.post("/v1/signals", world.teacher, body)
    assert response.status_code == 422
    assert loc in [e["loc"] for e in response.json()["detail"]]


def test_accepting_opens_a_case_with_the_raising_organisation_and_its_concern(
    world: World,
) -> None:
    created = _raise(world, world.youth_worker)
    triaged = _triage(world, created["id"], decision="accept", reason="for the next table")
    case_id = triaged["case_id"]
    assert triaged["position"] == head(world.table)
    case = world.ok(world.get(f"/v1/cases/{case_id}", world.youth_worker))
    assert case["subject"] == {"name": "Yassin T.", "birth_year": 2009}
    assert case["organisations"] == [world.youth]
    for reader in (world.youth_worker, world.chair):
        (contribution,) = world.ok(world.get(f"/v1/cases/{case_id}/contributions", reader))
        assert contribution["text"] == CONCERN
        assert contribution["tlp"] == "AMBER"
        assert owner_ids(contribution["owner"]) == {"organisation_id": world.youth,
                                                    "person_id": world.youth_worker.id}
    assert world.get(f"/v1/cases/{case_id}", world.officer).status_code == 404
    shown = _signal(world, created["id"], world.youth_worker)
    assert shown["status"] == "accepted"
    assert shown["case_id"] == case_id
    assert shown["reason"] == "for the next table"
    assert shown["contribution_id"] == contribution["id"]
    assert shown["concern"] == CONCERN  # re-sealed under the case's key
    assert shown["triaged_by"]["id"] == world.chair.id


def test_accepting_into_a_case_joins_the_raising_organisation_once(world: World) -> None:
    from_police = _raise(world, world.officer)["id"]
    from_youth = _raise(world, world.youth_worker, concern="seen at the youth house")["id"]
    for signal_id in (from_police, from_youth):
        triaged = _triage(world, signal_id, decision="accept", case_id=world.case_id)
        assert triaged["case_id"] == world.case_id
    case = world.ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert case["organisations"] == [world.police, world.school, world.youth]
    texts = [c["text"] for c in world.ok(world.get(
        f"/v1/cases/{world.case_id}/contributions", world.youth_worker))]
    assert texts == [CONCERN, "seen at the youth house"]


def test_accepting_a_signal_without_a_subject_opens_a_situation_case_with_its_title(
    world: World,
) -> None:
    title = "Tension between Molenveld and Westwijk"
    created = _raise(world, world.teacher, subject=None, title=title,
                     concern="pupils of both neighbourhoods fight at the gate")
    case_id = _triage(world, created["id"], decision="accept")["case_id"]
    case = world.ok(world.get(f"/v1/cases/{case_id}", world.teacher))
    assert case["kind"] == "situation"
    assert case["title"] == title
    assert case["subject"] is None
    (contribution,) = world.ok(world.get(f"/v1/cases/{case_id}/contributions", world.teacher))
    assert contribution["text"] == "pupils of both neighbourhoods fight at the gate"
    assert _signal(world, created["id"], world.teacher)["title"] == title


def test_the_raiser_reads_a_decline_and_its_reason(world: World) -> None:
    created = _raise(world, world.teacher)
    with world.unchanged():
        response = world.post(f"/v1/signals/{created['id']}/triage", world.chair,
                              {"decision": "decline"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]
    _triage(world, created["id"], decision="decline", reason="the CLB already follows this")
    shown = _signal(world, created["id"], world.teacher)
    assert shown["status"] == "declined"
    assert shown["reason"] == "the CLB already follows this"
    assert shown["case_id"] is None
    assert world.ok(world.get("/v1/cases", world.chair))[-1]["id"] == world.case_id


def test_a_referral_names_where_it_went(world: World) -> None:
    created = _raise(world, world.teacher)
    _triage(world, created["id"], decision="refer", reason="a family matter",
            refer_to="CAW Halle-Vilvoorde")
    shown = _signal(world, created["id"], world.teacher)
    assert (shown["status"], shown["reason"], shown["refer_to"]) == (
        "referred", "a family matter", "CAW Halle-Vilvoorde")


@pytest.mark.parametrize("second", ["accept", "decline", "refer"])
def test_a_triaged_signal_cannot_be_triaged_again(world: World, second: str) -> None:
    created = _raise(world, world.teacher)
    _triage(world, created["id"], decision="decline", reason="no")
    with world.unchanged():
        response = world.post(f"/v1/signals/{created['id']}/triage", world.chair,
                              {"decision": second, "reason": "again"})
    assert response.status_code == 409


def test_an_accepted_signal_cannot_be_triaged_again(world: World) -> None:
    created = _raise(world, world.teacher)
    _triage(world, created["id"], decision="accept")
    with world.unchanged():
        response = world.post(f"/v1/signals/{created['id']}/triage", world.chair,
                              {"decision": "accept"})
    assert response.status_code == 409


def test_only_a_chair_triages(world: World) -> None:
    own = _raise(world, world.officer)["id"]
    other = _raise(world, world.teacher)["id"]
    with world.unchanged():
        forbidden = world.post(f"/v1/signals/{own}/triage", world.colleague,
                               {"decision": "accept"})
        hidden = world.post(f"/v1/signals/{other}/triage", world.colleague,
                            {"decision": "accept"})
    assert forbidden.status_code == 403
    assert hidden.status_code == 404


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"decision": "decline", "reason": "r", "case_id": "CASE"}, "case_id"),
        ({"decision": "refer", "reason": "r", "case_id": "CASE"}, "case_id"),
        ({"decision": "accept", "refer_to": "CAW"}, "refer_to"),
        ({"decision": "decline", "reason": "r", "refer_to": "CAW"}, "refer_to"),
        ({"decision": "refer"}, "reason"),
        ({"decision": "accept", "case_id": "MISSING"}, "case_id"),
        ({"decision": "maybe", "reason": "r"}, "decision"),
        ({"decision": "accept", "extra": 1}, "extra"),
    ],
)
def test_an_invalid_triage_is_a_422_naming_the_field(
    world: World, body: dict[str, Any], loc: str
) -> None:
    created = _raise(world, world.teacher)
    if body.get("case_id") == "CASE":
        body["case_id"] = world.case_id
    if body.get("case_id") == "MISSING":
        body["case_id"] = random_id()
    with world.unchanged():
        response = world.post(f"/v1/signals/{created['id']}/triage", world.chair, body)
    assert response.status_code == 422
    assert ["body", loc] in [e["loc"] for e in response.json()["detail"]]
    assert _signal(world, created["id"], world.teacher)["status"] == "new"


def test_accepting_into_a_closed_case_is_a_409_that_changes_nothing(world: World) -> None:
    created = _raise(world, world.youth_worker)
    world.ok(world.post(f"/v1/cases/{world.case_id}/close", world.chair, {"reason": "done"}))
    with world.unchanged():
        response = world.post(f"/v1/signals/{created['id']}/triage", world.chair,
                              {"decision": "accept", "case_id": world.case_id})
    assert response.status_code == 409
    assert _signal(world, created["id"], world.youth_worker)["status"] == "new"


def test_signals_are_listed_by_status_oldest_first(world: World) -> None:
    first = _raise(world, world.officer)["id"]
    second = _raise(world, world.officer)["id"]
    third = _raise(world, world.officer)["id"]
    _triage(world, second, decision="decline", reason="no")
    _triage(world, third, decision="accept")
    assert _listed(world, world.officer) == [first, second, third]
    assert _listed(world, world.chair, "?status=new") == [first]
    assert _listed(world, world.officer, "?status=declined") == [second]
    assert _listed(world, world.officer, "?status=accepted") == [third]
    assert _listed(world, world.officer, "?status=referred") == []
    response = world.get("/v1/signals?status=open", world.officer)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


def test_a_deactivated_member_no_longer_reads_and_a_new_one_does(world: World) -> None:
    created = _raise(world, world.officer)
    world.ok(world.delete(f"/v1/people/{world.colleague.id}", world.chair))
    assert world.get("/v1/signals", world.colleague).status_code == 401
    newcomer = world.person(world.police)
    new_chair = world.person(world.prevention, "chair")
    for reader in (newcomer, new_chair):
        assert _listed(world, reader) == [created["id"]]


def test_every_read_of_a_signal_is_a_disclosure(world: World) -> None:
    created = _raise(world, world.officer)
    accepted = _raise(world, world.officer)
    case_id = _triage(world, accepted["id"], decision="accept")["case_id"]
    _listed(world, world.colleague)
    _signal(world, created["id"], world.chair)
    found = world.ok(world.get("/v1/audit/disclosures", world.auditor))["disclosures"]
    signals = [d for d in found if d["kind"] == "signal"]
    assert [(d["person_id"], d["case_id"], d["ids"], d["endpoint"]) for d in signals] == [
        (world.colleague.id, None, [created["id"]], "GET /v1/signals"),
        (world.colleague.id, case_id, [accepted["id"]], "GET /v1/signals"),
        (world.chair.id, None, [created["id"]], "GET /v1/signals/{id}"),
    ]
    assert world.ok(world.get(f"/v1/audit/disclosures?case_id={case_id}", world.auditor))[
        "disclosures"][0]["ids"] == [accepted["id"]]


def test_an_accepted_signal_is_erased_with_its_case(world: World) -> None:
    created = _raise(world, world.officer, title="Videos")
    case_id = _triage(world, created["id"], decision="accept", reason="serious")["case_id"]
    world.ok(world.post(f"/v1/cases/{case_id}/erase", world.chair, {"reason": "request"}))
    for reader in (world.officer, world.chair):
        shown = _signal(world, created["id"], reader)
        assert shown["status"] == "accepted"
        assert shown["erased"] is True
        assert [shown[f] for f in ("subject", "title", "concern", "reason")] == [None] * 4


def test_the_signal_key_goes_once_accepted_and_stays_while_declined(world: World) -> None:
    keys = world.table.built.services.ctx.keys
    accepted = _raise(world, world.officer)["id"]
    declined = _raise(world, world.officer)["id"]
    assert keys.exists(UUID(accepted))
    _triage(world, accepted, decision="accept")
    _triage(world, declined, decision="decline", reason="no")
    assert not keys.exists(UUID(accepted))
    assert keys.exists(UUID(declined))
