"""The sharing rule of a contribution, as every reader of the API experiences it.

The world (see `support.py`): chairs of the prevention service (not on the case table); the
police (officer, colleague, auditor, policy) and the school (teacher; professional secrecy) on
the case table; youth work (youth worker) at the round table but not on the case table.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.api.support import Person, World, owner_ids

EVERY_CHAIR_AND_MEMBER = {"chair", "second_chair", "officer", "colleague", "teacher",
                          "youth_worker"}

# --- RED by meeting attendance


def test_a_person_present_at_the_meeting_sees_red(world: World) -> None:
    meeting_id = world.meeting(world.officer, world.teacher)
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    assert world.seen_by(red) == {"officer", "teacher"}
    assert world.shown(red, world.teacher)["tlp"] == "RED"


def test_a_colleague_of_someone_present_does_not_see_red(world: World) -> None:
    other_teacher = world.person(world.school)
    meeting_id = world.meeting(world.officer, world.teacher)
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    assert world.sees(red, world.teacher)
    assert not world.sees(red, other_teacher)
    assert not world.sees(red, world.colleague)
    assert red not in world.listed(other_teacher)


def test_a_chair_not_present_at_the_meeting_does_not_see_red(world: World) -> None:
    meeting_id = world.meeting(world.officer, world.teacher)
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    assert not world.sees(red, world.chair)
    assert red not in world.listed(world.chair)


def test_an_auditor_cannot_be_present_at_the_meeting_and_does_not_see_red(world: World) -> None:
    meeting_id = world.meeting(world.officer)
    for who in (world.auditor, world.policy):
        refused = world.post(f"/v1/meetings/{meeting_id}/attendance", world.chair,
                             {"person_ids": [world.officer.id, who.id]})
        assert refused.status_code == 422
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    assert not world.sees(red, world.auditor)
    assert not world.sees(red, world.policy)


def test_red_for_a_meeting_without_the_case_on_its_agenda_is_a_422(world: World) -> None:
    other_case = world.table.case("Other Subject", world.police)
    meeting_id = world.meeting(world.officer, world.teacher, case_ids=[other_case])
    with world.unchanged():
        response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                              {"text": "x", "tlp": "RED", "meeting_id": meeting_id})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "meeting_id"]


def test_red_citing_a_meeting_whose_attendance_is_not_recorded_is_refused(
    world: World,
) -> None:
    meeting_id = world.meeting()
    body = {"text": "a contribution", "tlp": "RED", "meeting_id": meeting_id}
    response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "meeting_id"]
    assert world.listed(world.officer) == []


def test_attendance_recorded_after_red_takes_people_out_and_never_adds_them(
    world: World,
) -> None:
    """The audience of RED given at a meeting is the attendance when it was given: a chair who
    records a new attendance afterwards cannot widen it."""
    meeting_id = world.meeting(world.officer, world.teacher)
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    world.attend(meeting_id, world.officer, world.youth_worker)
    assert world.seen_by(red) == {"officer"}
    world.attend(meeting_id, world.officer, world.teacher, world.youth_worker)
    assert world.seen_by(red) == {"officer", "teacher"}


# --- RED to named recipients


def test_red_to_named_recipients_is_seen_by_them_and_not_their_colleagues(
    world: World,
) -> None:
    red = world.contribute(world.officer, tlp="RED", recipients=[world.teacher.id,
                                                                 world.youth_worker.id])
    assert world.seen_by(red) == {"officer", "teacher", "youth_worker"}
    assert not world.sees(red, world.person(world.school))


def test_an_auditor_named_as_a_red_recipient_still_does_not_see_the_text(world: World) -> None:
    red = world.contribute(world.officer, tlp="RED", recipients=[world.auditor.id])
    assert not world.sees(red, world.auditor)


# --- AMBER and AMBER+STRICT


@pytest.mark.parametrize("tlp", ["AMBER", "AMBER+STRICT"])
def test_amber_is_seen_by_every_chair_and_the_members_of_the_case_table(
    world: World, tlp: str
) -> None:
    amber = world.contribute(world.teacher, tlp=tlp)
    assert world.seen_by(amber) == {"chair", "second_chair", "officer", "colleague", "teacher"}


@pytest.mark.parametrize("tlp", ["AMBER", "AMBER+STRICT"])
def test_amber_shows_its_label_to_every_reader(world: World, tlp: str) -> None:
    amber = world.contribute(world.teacher, tlp=tlp)
    for reader in (world.chair, world.officer, world.teacher):
        assert world.shown(amber, reader)["tlp"] == tlp


@pytest.mark.parametrize("tlp", ["AMBER", "AMBER+STRICT"])
def test_an_organisation_taken_off_the_table_loses_amber_but_keeps_green(
    world: World, tlp: str
) -> None:
    amber = world.contribute(world.officer, tlp=tlp)
    green = world.contribute(world.officer, tlp="GREEN")
    assert world.sees(amber, world.teacher)
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                          world.chair))
    assert not world.sees(amber, world.teacher)
    assert world.sees(green, world.teacher)
    assert world.sees(amber, world.officer)
    assert world.sees(amber, world.chair)


@pytest.mark.parametrize("tlp", ["AMBER", "AMBER+STRICT"])
def test_the_contributor_keeps_their_own_amber_when_their_organisation_leaves_the_table(
    world: World, tlp: str
) -> None:
    amber = world.contribute(world.teacher, tlp=tlp)
    world.ok(world.delete(f"/v1/cases/{world.case_id}/organisations/{world.school}",
                          world.chair))
    assert world.sees(amber, world.teacher)
    assert not world.sees(amber, world.person(world.school))


def test_an_organisation_joined_to_the_table_sees_amber_from_then_on(world: World) -> None:
    amber = world.contribute(world.officer, tlp="AMBER")
    assert not world.sees(amber, world.youth_worker)
    world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                        {"organisation_id": world.youth}), 201)
    assert world.sees(amber, world.youth_worker)
    assert amber in world.listed(world.youth_worker)


# --- GREEN and CLEAR


@pytest.mark.parametrize("tlp", ["GREEN", "CLEAR"])
def test_green_and_clear_are_seen_by_every_chair_and_member_of_the_round_table(
    world: World, tlp: str
) -> None:
    shared = world.contribute(world.officer, tlp=tlp)
    assert world.seen_by(shared) == EVERY_CHAIR_AND_MEMBER


@pytest.mark.parametrize("tlp", ["RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"])
def test_auditors_and_policy_people_never_see_contribution_text(world: World, tlp: str) -> None:
    recipients = [world.auditor.id, world.policy.id] if tlp == "RED" else None
    rule: dict[str, Any] = {"recipients": recipients} if recipients else {}
    contribution_id = world.contribute(world.officer, text="the text", tlp=tlp, **rule)
    for outsider in (world.auditor, world.policy):
        response = world.get(f"/v1/contributions/{contribution_id}", outsider)
        assert response.status_code == 404
        assert "the text" not in response.text


def test_a_new_member_sees_the_green_contributions_already_there(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    newcomer = world.person(world.youth)
    assert world.sees(green, newcomer)


# --- narrowing


@pytest.mark.parametrize("tlp", ["AMBER", "GREEN", "CLEAR"])
def test_narrowing_to_organisations_applies_to_chairs_too(world: World, tlp: str) -> None:
    narrowed = world.contribute(world.officer, tlp=tlp, organisations=[world.school])
    assert world.seen_by(narrowed) == {"officer", "teacher"}


def test_narrowing_to_organisations_applies_to_red_recipients(world: World) -> None:
    narrowed = world.contribute(world.officer, tlp="RED", organisations=[world.school],
                                recipients=[world.teacher.id, world.youth_worker.id])
    assert world.seen_by(narrowed) == {"officer", "teacher"}


@pytest.mark.parametrize("tlp", ["AMBER", "GREEN"])
def test_secrecy_bound_only_hides_it_from_chairs_and_members_not_bound(
    world: World, tlp: str
) -> None:
    bound = world.contribute(world.teacher, tlp=tlp, secrecy_bound_only=True)
    assert world.seen_by(bound) == {"teacher"}
    other_teacher = world.person(world.school)
    assert world.sees(bound, other_teacher)


def test_a_chair_of_an_organisation_bound_by_secrecy_sees_secrecy_bound_amber(
    world: World,
) -> None:
    doctor = world.table.organisation("Mental health", secrecy=True)
    doctor_chair = world.person(doctor, "chair")
    bound = world.contribute(world.teacher, tlp="AMBER", secrecy_bound_only=True)
    assert world.sees(bound, doctor_chair)
    assert not world.sees(bound, world.chair)


# --- acting


def test_by_default_only_the_owner_organisation_may_act(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    may_act = {name: world.shown(green, who)["may_act"]
               for name, who in world.people().items() if world.sees(green, who)}
    assert may_act == {"chair": False, "second_chair": False, "officer": True,
                       "colleague": True, "teacher": False, "youth_worker": False}


def test_actionable_by_names_the_organisations_that_may_act(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN",
                             actionable_by=[world.school, world.prevention])
    may_act = {name: world.shown(green, who)["may_act"]
               for name, who in world.people().items() if world.sees(green, who)}
    assert may_act == {"chair": True, "second_chair": True, "officer": False,
                       "colleague": False, "teacher": True, "youth_worker": False}


def test_an_organisation_in_actionable_by_that_cannot_see_it_may_not_act(world: World) -> None:
    narrowed = world.contribute(world.officer, tlp="GREEN", organisations=[world.school],
                                actionable_by=[world.school, world.youth])
    access = world.ok(world.get(f"/v1/contributions/{narrowed}/access", world.officer))
    assert {a["person_id"] for a in access["may_act"]} == {world.teacher.id}


# --- anonymous contributions


def test_an_anonymous_contribution_hides_its_owner_from_other_organisations(
    world: World,
) -> None:
    anonymous = world.contribute(world.officer, tlp="GREEN", anonymous=True)
    for outsider in (world.teacher, world.youth_worker):
        shown = world.shown(anonymous, outsider)
        assert shown["owner"] is None
        assert shown["sharing"] is None
        assert shown["anonymous"] is True
        assert world.police not in world.get(f"/v1/contributions/{anonymous}",
                                             outsider).text
        assert world.officer.id not in world.get(
            f"/v1/cases/{world.case_id}/contributions", outsider).text


def test_an_anonymous_contribution_shows_its_owner_to_the_owner_organisation_and_chairs(
    world: World,
) -> None:
    anonymous = world.contribute(world.officer, tlp="AMBER", anonymous=True)
    for insider in (world.officer, world.colleague, world.chair, world.second_chair):
        shown = world.shown(anonymous, insider)
        assert owner_ids(shown["owner"]) == {"organisation_id": world.police,
                                             "person_id": world.officer.id}
        assert shown["sharing"]["anonymous"] is True


def test_a_non_anonymous_contribution_shows_its_owner_and_rule_to_every_reader(
    world: World,
) -> None:
    green = world.contribute(world.officer, tlp="GREEN", actionable_by=[world.school])
    shown = world.shown(green, world.youth_worker)
    assert owner_ids(shown["owner"]) == {"organisation_id": world.police,
                                         "person_id": world.officer.id}
    assert shown["sharing"]["actionable_by"] == [world.school]


# --- expiry


def test_after_expires_at_nobody_but_the_contributor_sees_it(world: World) -> None:
    expires = world.table.clock.now + timedelta(days=7)
    green = world.contribute(world.officer, tlp="GREEN", expires_at=expires.isoformat())
    assert world.seen_by(green) == EVERY_CHAIR_AND_MEMBER
    world.table.clock.advance(days=7)
    assert world.seen_by(green) == EVERY_CHAIR_AND_MEMBER
    world.table.clock.advance(seconds=1)
    assert world.seen_by(green) == {"officer"}
    assert green not in world.listed(world.chair)
    assert world.listed(world.officer) == [green]


def test_after_expires_at_even_the_contributor_may_no_longer_act(world: World) -> None:
    expires = world.table.clock.now + timedelta(hours=1)
    green = world.contribute(world.officer, tlp="GREEN", expires_at=expires.isoformat())
    assert world.shown(green, world.officer)["may_act"] is True
    world.table.clock.advance(hours=2)
    assert world.shown(green, world.officer)["may_act"] is False


def test_expires_at_is_read_with_its_time_zone(world: World) -> None:
    # 10:00 at UTC+02:00 is 08:00 UTC, before the clock's 09:00 UTC: already past, refused.
    body = {"text": "a contribution", "tlp": "GREEN", "expires_at": "2026-11-02T10:00:00+02:00"}
    response = world.post(f"/v1/cases/{world.case_id}/contributions", world.officer, body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "expires_at"
    # 10:00 at UTC-02:00 is 12:00 UTC: still three hours to go, then expired.
    current = world.contribute(world.officer, tlp="GREEN",
                               expires_at="2026-11-02T10:00:00-02:00")
    assert world.sees(current, world.teacher)
    world.table.clock.advance(hours=3, seconds=1)
    assert not world.sees(current, world.teacher)


# --- changing the rule takes effect from then on


def test_a_change_of_sharing_takes_effect_for_every_view_from_then_on(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    assert world.seen_by(contribution_id) == EVERY_CHAIR_AND_MEMBER
    world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                       {"tlp": "RED", "recipients": [world.teacher.id]}))
    assert world.seen_by(contribution_id) == {"officer", "teacher"}
    assert contribution_id not in world.listed(world.colleague)
    world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                       {"tlp": "CLEAR"}))
    assert world.seen_by(contribution_id) == EVERY_CHAIR_AND_MEMBER
    assert world.shown(contribution_id, world.youth_worker)["tlp"] == "CLEAR"


def test_a_change_of_sharing_replaces_the_whole_rule(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN", anonymous=True,
                                       organisations=[world.school, world.police])
    world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing", world.officer,
                       {"tlp": "GREEN"}))
    assert world.seen_by(contribution_id) == EVERY_CHAIR_AND_MEMBER
    assert world.shown(contribution_id, world.youth_worker)["owner"] is not None


# --- withdrawn


def test_a_withdrawn_contribution_is_seen_by_the_contributor_alone(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="CLEAR")
    world.ok(world.post(f"/v1/contributions/{contribution_id}/withdraw", world.officer))
    assert world.seen_by(contribution_id) == {"officer"}
    assert contribution_id not in world.listed(world.colleague)
    assert contribution_id not in world.listed(world.chair)
    shown = world.shown(contribution_id, world.officer)
    assert shown["withdrawn"] is True
    assert shown["may_act"] is False


# --- deactivation


def _may_see(world: World, contribution_id: str) -> set[str]:
    access = world.ok(world.get(f"/v1/contributions/{contribution_id}/access", world.chair))
    return {entry["person_id"] for entry in access["may_see"]}


def test_a_deactivated_person_loses_everything_they_saw(world: World) -> None:
    own = world.contribute(world.teacher, tlp="GREEN")
    red = world.contribute(world.officer, tlp="RED", recipients=[world.teacher.id])
    green = world.contribute(world.officer, tlp="GREEN")
    assert world.teacher.id in _may_see(world, own)
    assert world.teacher.id in _may_see(world, green)
    world.ok(world.delete(f"/v1/people/{world.teacher.id}", world.chair))
    assert world.get(f"/v1/contributions/{own}", world.teacher).status_code == 401
    assert world.teacher.id not in _may_see(world, own)
    assert world.teacher.id not in _may_see(world, green)
    access = world.ok(world.get(f"/v1/contributions/{red}/access", world.officer))
    assert {e["person_id"] for e in access["may_see"]} == {world.officer.id}


def test_the_contributions_of_a_deactivated_person_stay_shared_by_their_rule(
    world: World,
) -> None:
    green = world.contribute(world.teacher, tlp="GREEN")
    world.ok(world.delete(f"/v1/people/{world.teacher.id}", world.chair))
    assert _may_see(world, green) == _person_ids(world, EVERY_CHAIR_AND_MEMBER - {"teacher"})
    for name in EVERY_CHAIR_AND_MEMBER - {"teacher"}:
        assert owner_ids(world.shown(green, world.people()[name])["owner"]) == {
            "organisation_id": world.school, "person_id": world.teacher.id}


def _person_ids(world: World, names: set[str]) -> set[str]:
    people: dict[str, Person] = world.people()
    return {people[name].id for name in names}


# --- who may see and act, and why


def test_access_lists_who_may_see_and_act(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    access = world.ok(world.get(f"/v1/contributions/{green}/access", world.chair))
    assert {e["person_id"] for e in access["may_see"]} == _person_ids(
        world, EVERY_CHAIR_AND_MEMBER)
    assert {e["person_id"] for e in access["may_act"]} == _person_ids(
        world, {"officer", "colleague"})


def test_access_why_cites_the_positions_that_decide_it(world: World) -> None:
    joined = world.ok(world.post(f"/v1/cases/{world.case_id}/organisations", world.chair,
                                 {"organisation_id": world.youth}), 201)["position"]
    created = world.ok(world.post(f"/v1/cases/{world.case_id}/contributions", world.officer,
                                  {"text": "x", "tlp": "AMBER"}), 201)
    access = world.ok(world.get(f"/v1/contributions/{created['id']}/access", world.chair))
    why = {e["person_id"]: e["why"] for e in access["may_see"]}
    for reasons in list(why.values()) + [e["why"] for e in access["may_act"]]:
        assert reasons
        for reason in reasons:
            assert isinstance(reason["reason"], str)
            assert reason["reason"]
            assert reason["positions"]
            assert all(type(p) is int and 0 < p <= created["position"]
                       for p in reason["positions"])
    cited = {p for reason in why[world.youth_worker.id] for p in reason["positions"]}
    assert joined in cited
    assert created["position"] in cited


def test_access_why_cites_the_latest_change_of_sharing(world: World) -> None:
    contribution_id = world.contribute(world.officer, tlp="GREEN")
    changed = world.ok(world.put(f"/v1/contributions/{contribution_id}/sharing",
                                 world.officer, {"tlp": "AMBER"}))["position"]
    access = world.ok(world.get(f"/v1/contributions/{contribution_id}/access", world.chair))
    why = {e["person_id"]: e["why"] for e in access["may_see"]}
    assert changed in {p for reason in why[world.teacher.id] for p in reason["positions"]}


def test_access_why_cites_the_attendance_for_red_by_meeting(world: World) -> None:
    meeting_id = world.meeting()
    attended = world.attend(meeting_id, world.officer, world.teacher)
    red = world.contribute(world.officer, tlp="RED", meeting_id=meeting_id)
    access = world.ok(world.get(f"/v1/contributions/{red}/access", world.officer))
    why = {e["person_id"]: e["why"] for e in access["may_see"]}
    assert set(why) == {world.officer.id, world.teacher.id}
    assert attended in {p for reason in why[world.teacher.id] for p in reason["positions"]}


def test_access_is_open_to_the_owner_organisation_and_chairs_who_see_it(world: World) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    answers = [world.ok(world.get(f"/v1/contributions/{green}/access", who))
               for who in (world.officer, world.colleague, world.chair, world.second_chair)]
    assert all(answer == answers[0] for answer in answers)


def test_access_is_403_to_a_member_who_sees_it_but_is_not_of_the_owner_organisation(
    world: World,
) -> None:
    green = world.contribute(world.officer, tlp="GREEN")
    response = world.get(f"/v1/contributions/{green}/access", world.teacher)
    assert response.status_code == 403
    assert world.teacher.id not in response.text


def test_access_is_404_to_those_who_cannot_see_it_even_chairs(world: World) -> None:
    narrowed = world.contribute(world.officer, tlp="AMBER", organisations=[world.police])
    for outsider in (world.youth_worker, world.chair, world.auditor):
        hidden = world.get(f"/v1/contributions/{narrowed}/access", outsider)
        assert hidden.status_code == 404
        assert hidden.content == world.get(
            f"/v1/contributions/{narrowed[:-4]}0000/access", outsider).content


def test_access_does_not_list_anyone_once_it_expired_but_the_contributor(world: World) -> None:
    expires = world.table.clock.now + timedelta(minutes=5)
    green = world.contribute(world.officer, tlp="GREEN", expires_at=expires.isoformat())
    world.table.clock.advance(minutes=6)
    access = world.ok(world.get(f"/v1/contributions/{green}/access", world.officer))
    assert [e["person_id"] for e in access["may_see"]] == [world.officer.id]
    assert access["may_act"] == []


def test_the_contributor_may_extend_the_sharing_of_an_expired_contribution(
    world: World,
) -> None:
    expires = world.table.clock.now + timedelta(hours=1)
    green = world.contribute(world.officer, tlp="GREEN", expires_at=expires.isoformat())
    world.table.clock.advance(hours=2)
    assert not world.sees(green, world.teacher)
    later = world.table.clock.now + timedelta(days=30)
    world.ok(world.put(f"/v1/contributions/{green}/sharing", world.officer,
                       {"tlp": "GREEN", "expires_at": later.isoformat()}))
    assert world.seen_by(green) == EVERY_CHAIR_AND_MEMBER
