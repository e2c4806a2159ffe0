"""The sharing rule as a pure function: every line of API.md's "Sharing rule" and "Always"."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.ids import CaseId, ContributionId, MeetingId, OrganisationId, PersonId, Position
from domain.rules import (
    CaseFacts,
    ContributionFacts,
    Decision,
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    Role,
    SharingRule,
    Tlp,
    decide,
)

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICE = OrganisationId(uuid4())
SCHOOL = OrganisationId(uuid4())
MOSQUE = OrganisationId(uuid4())
CASE = CaseId(uuid4())
MEETING = MeetingId(uuid4())
SECRECY = {POLICE: False, SCHOOL: True, MOSQUE: False}


def person(org: OrganisationId = POLICE, role: Role = Role.MEMBER, **kw: object) -> PersonFacts:
    return PersonFacts(PersonId(uuid4()), org, role, Position(1), **kw)  # type: ignore[arg-type]


OFFICER = person(POLICE)
COLLEAGUE = person(POLICE)
TEACHER = person(SCHOOL)
IMAM = person(MOSQUE)
CHAIR = person(MOSQUE, Role.CHAIR)
AUDITOR = person(POLICE, Role.AUDITOR)
POLICY = person(POLICE, Role.POLICY)


def contribution(rule: SharingRule, by: PersonFacts = OFFICER, **kw: object) -> ContributionFacts:
    return ContributionFacts(
        ContributionId(uuid4()), CASE, by.id, by.organisation_id, rule, Position(10),
        Position(10), **kw,  # type: ignore[arg-type]
    )


TABLE = CaseFacts(CASE, {POLICE: Position(5), SCHOOL: Position(6)})
ATTENDED = MeetingFacts(MEETING, frozenset({CASE}), frozenset({TEACHER.id}), Position(8))


def check(
    who: PersonFacts,
    c: ContributionFacts,
    case: CaseFacts = TABLE,
    meeting: MeetingFacts | None = ATTENDED,
    now: datetime | None = NOW,
) -> Decision:
    org = OrganisationFacts(who.organisation_id, SECRECY[who.organisation_id], Position(2))
    return decide(who, org, c, case, meeting, now)


def sees(who: PersonFacts, c: ContributionFacts, **kw: object) -> bool:
    return check(who, c, **kw).see  # type: ignore[arg-type]


def test_red_by_meeting_is_seen_by_the_people_present_and_not_their_colleagues() -> None:
    c = contribution(SharingRule(Tlp.RED, meeting_id=MEETING))
    assert sees(TEACHER, c)
    assert not sees(person(SCHOOL), c)
    assert not sees(CHAIR, c)


def test_red_by_meeting_needs_the_case_on_the_agenda() -> None:
    c = contribution(SharingRule(Tlp.RED, meeting_id=MEETING))
    elsewhere = replace(ATTENDED, agenda=frozenset({CaseId(uuid4())}))
    assert not sees(TEACHER, c, meeting=elsewhere)


def test_red_to_recipients_is_seen_by_the_named_individuals_only() -> None:
    c = contribution(SharingRule(Tlp.RED, recipients=frozenset({IMAM.id})))
    assert sees(IMAM, c)
    assert not sees(CHAIR, c)  # the same organisation, not named
    assert not sees(COLLEAGUE, c)


@pytest.mark.parametrize("tlp", [Tlp.AMBER, Tlp.AMBER_STRICT])
def test_amber_is_seen_by_chairs_and_members_on_the_case_table(tlp: Tlp) -> None:
    c = contribution(SharingRule(tlp))
    assert sees(CHAIR, c)
    assert sees(TEACHER, c)
    assert sees(COLLEAGUE, c)
    assert not sees(IMAM, c)


def test_an_organisation_taken_off_the_table_loses_amber_but_keeps_green() -> None:
    off = CaseFacts(CASE, {POLICE: Position(5)})
    assert not sees(TEACHER, contribution(SharingRule(Tlp.AMBER)), case=off)
    assert sees(TEACHER, contribution(SharingRule(Tlp.GREEN)), case=off)


@pytest.mark.parametrize("tlp", [Tlp.GREEN, Tlp.CLEAR])
def test_green_and_clear_are_seen_by_every_chair_and_member_but_never_auditors_or_policy(
    tlp: Tlp,
) -> None:
    c = contribution(SharingRule(tlp))
    assert all(sees(p, c) for p in (CHAIR, TEACHER, IMAM, COLLEAGUE))
    assert not sees(AUDITOR, c)
    assert not sees(POLICY, c)


def test_narrowing_to_organisations_applies_to_chairs_too() -> None:
    c = contribution(SharingRule(Tlp.GREEN, organisations=frozenset({SCHOOL})))
    assert sees(TEACHER, c)
    assert not sees(CHAIR, c)
    assert not sees(COLLEAGUE, c)


def test_secrecy_bound_only_keeps_it_from_organisations_not_bound() -> None:
    c = contribution(SharingRule(Tlp.AMBER, secrecy_bound_only=True))
    assert sees(TEACHER, c)
    assert not sees(COLLEAGUE, c)
    assert not sees(CHAIR, c)


def test_the_contributor_always_sees_their_own_even_narrowed_away_withdrawn_or_expired() -> None:
    rule = SharingRule(Tlp.GREEN, organisations=frozenset({SCHOOL}),
                       expires_at=NOW - timedelta(days=1))
    c = contribution(rule, withdrawn_at=Position(12))
    assert sees(OFFICER, c)
    assert not check(OFFICER, c).act


def test_a_withdrawn_contribution_is_seen_by_its_contributor_alone() -> None:
    c = contribution(SharingRule(Tlp.GREEN), withdrawn_at=Position(12))
    assert not sees(COLLEAGUE, c)
    assert not sees(CHAIR, c)


def test_expiry_hides_it_from_everyone_but_the_contributor_after_the_time() -> None:
    c = contribution(SharingRule(Tlp.GREEN, expires_at=NOW))
    assert sees(TEACHER, c, now=NOW)
    assert not sees(TEACHER, c, now=NOW + timedelta(seconds=1))
    assert sees(OFFICER, c, now=NOW + timedelta(days=9))


def test_a_deactivated_person_sees_nothing_not_even_their_own() -> None:
    gone = replace(OFFICER, deactivated_at=Position(20))
    assert not sees(gone, contribution(SharingRule(Tlp.GREEN), by=OFFICER))


def test_an_erased_case_shows_nothing_to_anyone() -> None:
    erased = replace(TABLE, erased_at=Position(30))
    c = contribution(SharingRule(Tlp.GREEN))
    assert not sees(OFFICER, c, case=erased)
    assert not sees(CHAIR, c, case=erased)


def test_may_act_defaults_to_the_owner_organisation() -> None:
    c = contribution(SharingRule(Tlp.GREEN))
    assert check(COLLEAGUE, c).act
    assert not check(TEACHER, c).act


def test_may_act_follows_actionable_by_but_only_for_those_who_see_it() -> None:
    c = contribution(SharingRule(Tlp.AMBER, actionable_by=frozenset({SCHOOL, MOSQUE})))
    assert check(TEACHER, c).act
    assert not check(COLLEAGUE, c).act
    assert not check(IMAM, c).act  # named, but the mosque is not on the case table


def test_an_anonymous_owner_is_shown_only_to_the_owner_organisation_and_chairs() -> None:
    c = contribution(SharingRule(Tlp.GREEN, anonymous=True))
    assert check(COLLEAGUE, c).sees_owner
    assert check(CHAIR, c).sees_owner
    assert not check(TEACHER, c).sees_owner
    assert check(TEACHER, contribution(SharingRule(Tlp.GREEN))).sees_owner


def test_reasons_cite_the_positions_that_decide() -> None:
    c = contribution(SharingRule(Tlp.AMBER))
    why = check(TEACHER, c).why
    assert why[0].positions == (Position(1), Position(6))  # registered, joined the table
    assert why[1].positions == (Position(10),)  # the rule
    present = check(TEACHER, contribution(SharingRule(Tlp.RED, meeting_id=MEETING))).why
    assert present[0].positions == (Position(8),)  # the attendance


def test_the_rule_refuses_malformed_shapes_naming_the_field() -> None:
    assert [f for f, _ in SharingRule(Tlp.RED).problems()] == ["meeting_id"]
    both = SharingRule(Tlp.RED, meeting_id=MEETING, recipients=frozenset({OFFICER.id}))
    assert [f for f, _ in both.problems()] == ["meeting_id"]
    amber = SharingRule(Tlp.AMBER, recipients=frozenset({OFFICER.id}))
    assert [f for f, _ in amber.problems()] == ["recipients"]
    assert SharingRule(Tlp.RED, recipients=frozenset({OFFICER.id})).problems() == []


def test_the_rule_survives_its_json_form() -> None:
    rule = SharingRule(Tlp.RED, recipients=frozenset({OFFICER.id}),
                       organisations=frozenset({POLICE}), secrecy_bound_only=True,
                       actionable_by=frozenset({SCHOOL}), anonymous=True, expires_at=NOW)
    assert SharingRule.from_json(rule.to_json()) == rule
