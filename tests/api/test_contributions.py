"""Contributions: bringing them, reading them, changing their sharing, withdrawing them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.support import World, head, owner_ids, random_id

# --- bringing a contribution


def test_a_member_on_the_case_table_contributes_and_gets_id_and_position(world: World) -> None:
    before = head(world.table)
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                                  {"text": "known to the police", "tlp": "GREEN"}), 201)
    assert before < created["position"] == head(world.table)
    shown = world.shown(created["id"], world.officer)
    assert shown["id"] == created["id"]
    assert shown["case_id"] == world.case_id
    assert shown["text"] == "known to the police"
    assert shown["tlp"] == "GREEN"
    assert owner_ids(shown["owner"]) == {"organisation_id": world.police,
                                         "person_id": world.officer.id}
    assert shown["created_at"]
    assert shown["may_act"] is True


def test_the_owner_is_named_wherever_it_is_shown_and_nowhere_else(world: World) -> None:
    """By name as well as by id, on the page of the case and on the contribution's own; an
    anonymous contribution names no one to a reader who may not see its owner."""
    named = world.contribute(world.officer, tlp="GREEN")
    police = next(o for o in world.ok(world.get("/v1/organisations", world.chair))
                  if o["id"] == world.police)
    officer = world.ok(world.get("/v1/me", world.officer))
    owner = {"organisation_id": world.police, "person_id": world.officer.id,
             "organisation": {"id": world.police, "name": police["name"]},
             "person": {"id": world.officer.id, "name": officer["name"]}}
    assert world.shown(named, world.youth_worker)["owner"] == owner
    (listed,) = [c for c in world.ok(world.get(
        f"/v1/cases/{world.case_id}/contributions", world.teacher)) if c["id"] == named]
    assert listed["owner"] == owner
    hidden = world.contribute(world.officer, tlp="GREEN", anonymous=True)
    assert world.shown(hidden, world.youth_worker)["owner"] is None
    assert world.shown(hidden, world.colleague)["owner"] == owner


def test_a_chair_contributes_to_any_case(world: World) -> None:
    other = world.table.case("Other Subject")
    contribution_id = world.contribute(world.chair, other, tlp="AMBER")
    assert owner_ids(world.shown(contribution_id, world.chair)["owner"]) == {
        "organisation_id": world.prevention, "person_id": world.chair.id}


def test_a_member_not_on_the_case_table_cannot_contribute(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.youth_worker,
                              {"text": "seen at the club", "tlp": "GREEN"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["auditor", "policy"])
def test_auditors_and_policy_people_cannot_contribute_to_a_case_they_cannot_see(
    world: World, who: str
) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.people()[who],
                              {"text": "a note", "tlp": "GREEN"})
    assert response.status_code == 404


def _rule_problem(world: World, rule: dict[str, Any]) -> list[list[str]]:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                              {"text": "a note", **rule})
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["detail"]]


def test_an_unknown_tlp_is_a_422_naming_tlp(world: World) -> None:
    assert ["body", "tlp"] in _rule_problem(world, {"tlp": "PURPLE"})


def test_a_missing_tlp_is_a_422_naming_tlp(world: World) -> None:
    assert ["body", "tlp"] in _rule_problem(world, {})


def test_red_without_meeting_or_recipients_is_a_422_naming_meeting_id(world: World) -> None:
    assert _rule_problem(world, {"tlp": "RED"}) == [["body", "meeting_id"]]


def test_red_with_both_meeting_and_recipients_is_a_422(world: World) -> None:
    meeting_id = world.meeting(world.teacher)
    assert ["body", "meeting_id"] in _rule_problem(world, {
        "tlp": "RED", "meeting_id": meeting_id, "recipients": [world.teacher.id]})


def test_red_with_an_empty_list_of_recipients_is_a_422_naming_recipients(world: World) -> None:
    assert ["body", "recipients"] in _rule_problem(world, {"tlp": "RED", "recipients": []})


@pytest.mark.parametrize("tlp", ["AMBER+STRICT", "AMBER", "GREEN", "CLEAR"])
def test_recipients_on_a_rule_other_than_red_is_a_422_naming_recipients(
    world: World, tlp: str
) -> None:
    assert _rule_problem(world, {"tlp": tlp, "recipients": [world.teacher.id]}) == [
        ["body", "recipients"]]


def test_an_unknown_recipient_is_a_422_naming_recipients(world: World) -> None:
    locs = _rule_problem(world, {"tlp": "RED", "recipients": [random_id()]})
    assert locs[0][:2] == ["body", "recipients"]


def test_an_unknown_meeting_is_a_422_naming_meeting_id(world: World) -> None:
    assert _rule_problem(world, {"tlp": "RED", "meeting_id": random_id()}) == [
        ["body", "meeting_id"]]


@pytest.mark.parametrize("field", ["organisations", "actionable_by"])
def test_an_unknown_organisation_in_a_rule_is_a_422_naming_the_field(
    world: World, field: str
) -> None:
    locs = _rule_problem(world, {"tlp": "GREEN", field: [world.police, random_id()]})
    assert locs[0][:2] == ["body", field]


@pytest.mark.parametrize("field", ["organisations", "actionable_by"])
def test_an_empty_list_of_organisations_in_a_rule_is_a_422_naming_the_field(
    world: World, field: str
) -> None:
    assert ["body", field] in _rule_problem(world, {"tlp": "GREEN", field: []})


def test_an_expiry_without_a_time_zone_is_a_422_naming_expires_at(world: World) -> None:
    assert _rule_problem(world, {"tlp": "GREEN", "expires_at": "2027-01-01T00:00:00"}) == [
        ["body", "expires_at"]]


def test_an_unknown_extra_field_is_a_422_naming_it(world: World) -> None:
    assert ["body", "share_with_everyone"] in _rule_problem(
        world, {"tlp": "AMBER", "share_with_everyone": True})


def test_a_malformed_organisation_id_in_a_rule_is_a_422_naming_the_field(world: World) -> None:
    locs = _rule_problem(world, {"tlp": "GREEN", "organisations": ["police"]})
    assert locs[0][:2] == ["body", "organisations"]


def test_an_empty_text_is_a_422_naming_text(world: World) -> None:
    assert ["body", "text"] in _rule_problem(world, {"text": "   ", "tlp": "GREEN"})


def test_an_over_long_contribution_text_is_a_422_that_does_not_echo_the_text(
    world: World,
) -> None:
    text = "Jan Janssens told his teacher about the plan. " * 500
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                              {"text": text, "tlp": "GREEN"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "text"]
    assert "Janssens" not in response.text
    assert "teacher" not in response.text


def test_a_rejected_rule_does_not_echo_the_contribution_text(world: World) -> None:
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                              {"text": "Jan Janssens has a knife", "tlp": "PURPLE"})
    assert response.status_code == 422
    assert "knife" not in response.text


# --- reading


def test_the_list_shows_every_contribution_the_caller_may_see_in_order(world: World) -> None:
    first = world.contribute(world.officer, text="first", tlp="GREEN")
    hidden = world.contribute(world.officer, text="for the school", tlp="RED",
                              recipients=[world.teacher.id])
    third = world.contribute(world.teacher, text="third", tlp="AMBER")
    listed = world.ok(world.get(f"/v1/cases/{world.case_id}/contributions", world.colleague))
    assert [c["id"] for c in listed] == [first, third]
    assert [c["text"] for c in listed] == ["first", "third"]
    assert hidden not in world.listed(world.colleague)
    for item in listed:
        assert set(item) >= {"id", "case_id", "text", "tlp", "owner", "created_at", "may_act"}
        assert item == world.shown(item["id"], world.colleague)


def test_a_contribution_of_another_case_is_not_in_this_cases_list(world: World) -> None:
    other = world.table.case("Other Subject", world.police)
    elsewhere = world.contribute(world.officer, other)
    here = world.contribute(world.officer)
    assert world.listed(world.officer) == [here]
    assert world.listed(world.officer, other) == [elsewhere]


def test_the_list_of_a_case_without_contributions_is_empty(world: World) -> None:
    assert world.ok(world.get(f"/v1/cases/{world.case_id}/contributions", world.teacher)) == []


# --- changing the sharing rule


def test_the_contributor_changes_the_sharing_rule_and_gets_a_position(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    before = head(world.table)
    answer = world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                                {"tlp": "AMBER+STRICT"}))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    shown = world.shown(contribution_id, world.officer)
    assert shown["tlp"] == "AMBER+STRICT"
    assert shown["sharing"]["tlp"] == "AMBER+STRICT"


def test_a_colleague_of_the_owner_organisation_who_sees_it_may_change_its_sharing(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="AMBER")
    world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.colleague,
                       {"tlp": "GREEN"}))
    assert world.sees(contribution_id, world.youth_worker)


def test_a_colleague_of_the_owner_organisation_who_does_not_see_it_gets_404(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="RED",
                                       recipients=[world.teacher.id])
    with world.unchanged():
        response = world.put(f"/v1/contributions/{contribution_id}/sharing", world.colleague,
                             {"tlp": "GREEN"})
    assert response.status_code == 404


def test_a_member_of_another_organisation_who_sees_it_may_not_change_its_sharing(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    assert world.sees(contribution_id, world.teacher)
    with world.unchanged():
        response = world.put(f"/v1/contributions/{contribution_id}/sharing", world.teacher,
                             {"tlp": "CLEAR"})
    assert response.status_code == 403


def test_a_chair_who_sees_a_members_contribution_may_not_change_its_sharing(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="AMBER")
    assert world.sees(contribution_id, world.chair)
    with world.unchanged():
        response = world.put(f"/v1/contributions/{contribution_id}/sharing", world.chair,
                             {"tlp": "GREEN"})
        withdrawn = world.post(f"/v1/contributions/{contribution_id}/withdraw", world.chair)
    assert response.status_code == 403
    assert withdrawn.status_code == 403


def test_an_invalid_new_sharing_rule_is_a_422_naming_the_field_and_changes_nothing(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    wrong: list[tuple[dict[str, Any], list[str]]] = [
        ({"tlp": "RED"}, ["body", "meeting_id"]),
        ({"tlp": "AMBER", "recipients": [world.teacher.id]}, ["body", "recipients"]),
        ({"tlp": "GREEN", "expires_at": "2027-01-01T10:00:00"}, ["body", "expires_at"]),
        ({"tlp": "GREEN", "text": "rewritten"}, ["body", "text"]),
        ({"tlp": "RED", "meeting_id": world.meeting(world.teacher, case_ids=[
            world.table.case("Other Subject")])}, ["body", "meeting_id"]),
    ]
    for rule, loc in wrong:
        with world.unchanged():
            response = world.put(f"/v1/contributions/{contribution_id}/sharing",
                                 world.officer, rule)
        assert response.status_code == 422, rule
        assert loc in [e["loc"] for e in response.json()["detail"]], rule
    assert world.shown(contribution_id, world.officer)["tlp"] == "GREEN"


def test_changing_the_sharing_of_a_withdrawn_contribution_is_a_409(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw", world.officer))
    with world.unchanged():
        response = world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                             {"tlp": "CLEAR"})
    assert response.status_code == 409


# --- withdrawing


def test_the_contributor_withdraws_and_gets_a_position(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    before = head(world.table)
    answer = world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw",
                                 world.officer))
    assert list(answer) == ["position"]
    assert before < answer["position"] == head(world.table)
    assert world.shown(contribution_id, world.officer)["withdrawn"] is True


def test_a_colleague_of_the_owner_organisation_may_withdraw_it(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="AMBER")
    world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw", world.colleague))
    assert world.seen_by(contribution_id) == {"officer"}


def test_withdrawing_twice_is_a_409_and_changes_nothing(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw", world.officer))
    with world.unchanged():
        response = world.post(f"/v1/contributions/{contribution_id}/withdraw", world.officer)
    assert response.status_code == 409


def test_a_member_of_another_organisation_who_sees_it_may_not_withdraw_it(
    world: World,
) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    with world.unchanged():
        response = world.post(f"/v1/contributions/{contribution_id}/withdraw", world.teacher)
    assert response.status_code == 403
    assert world.sees(contribution_id, world.teacher)
