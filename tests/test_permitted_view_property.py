"""For random histories, the permitted view equals the pure rule replayed from scratch.

Histories are driven through the real commands (so they are the histories the service can
produce, refusals included) on a real SQLite store; the expected answer is computed by folding
the notification log into facts with `domain.replay.History` and calling `decide` for every
(person, contribution) pair: an evaluation that shares no code with the incremental projection.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.ids import ContributionId, PersonId
from domain.replay import History
from domain.rules import Role, SharingRule, Tlp
from roundtable.bootstrap import Paths
from roundtable.context import Caller, caller_from_row
from roundtable.setup import Founding, initialise
from tests.conftest import Clock, postgres_database

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROLES = [Role.CHAIR, Role.MEMBER, Role.MEMBER, Role.MEMBER, Role.AUDITOR, Role.POLICY]

idx = st.integers(min_value=0, max_value=50)
rules = st.fixed_dictionaries({
    "tlp": st.sampled_from([Tlp.RED, *Tlp]),
    "red_by_meeting": st.booleans(),
    "recipients": st.lists(idx, max_size=3),
    "organisations": st.none() | st.lists(idx, min_size=1, max_size=2),
    "secrecy_bound_only": st.booleans(),
    "actionable_by": st.none() | st.lists(idx, min_size=1, max_size=2),
    "anonymous": st.booleans(),
    "expires_in_hours": st.none() | st.integers(min_value=1, max_value=48),
    "meeting": idx,
})
KINDS = ["contribute"] * 5 + ["share", "share", "join", "join", "attend", "attend", "withdraw",
                              "leave", "open", "meeting", "deactivate", "wait", "confirm"]
steps = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "a": idx,
    "b": idx,
    "ids": st.lists(idx, min_size=1, max_size=5),
    "rule": rules,
})
worlds = st.fixed_dictionaries({
    "secrecy": st.lists(st.booleans(), min_size=3, max_size=3),
    "people": st.lists(st.tuples(idx, st.sampled_from(ROLES)), min_size=2, max_size=7),
    "tables": st.lists(st.lists(idx, max_size=3), min_size=2, max_size=2),
    "steps": st.lists(steps, min_size=8, max_size=40),
})


@dataclass
class World:
    """The ids a random history picks from, by index."""

    commands: Any
    clock: Clock
    chair: Caller
    organisations: list[UUID]
    people: list[Caller]
    cases: list[UUID]
    meetings: list[UUID]
    contributions: list[tuple[UUID, Caller]]

    def pick(self, items: list[Any], i: int) -> Any:
        return items[i % len(items)] if items else None

    def rule(self, data: dict[str, Any]) -> SharingRule:
        tlp = Tlp(data["tlp"])
        red_meeting = tlp is Tlp.RED and data["red_by_meeting"] and self.meetings
        expires = data["expires_in_hours"]
        return SharingRule(
            tlp=tlp,
            meeting_id=self.pick(self.meetings, data["meeting"]) if red_meeting else None,
            recipients=frozenset(self.pick(self.people, i).id for i in data["recipients"])
            if tlp is Tlp.RED and not red_meeting else None,
            organisations=_orgs(self, data["organisations"]),
            secrecy_bound_only=data["secrecy_bound_only"],
            actionable_by=_orgs(self, data["actionable_by"]),
            anonymous=data["anonymous"],
            expires_at=self.clock.now + timedelta(hours=expires) if expires else None,
        )


def _orgs(world: World, picks: list[int] | None) -> Any:
    return frozenset(world.pick(world.organisations, i) for i in picks) if picks else None


def _caller(built: Any, person_id: UUID) -> Caller:
    row = built.services.ctx.queries.person(person_id)
    return caller_from_row(row)


def _play(world: World, step: dict[str, Any]) -> None:
    c, w, kind, a, b = world.commands, world, step["kind"], step["a"], step["b"]
    if kind == "open":
        w.cases.append(c.open_case(w.chair, f"Subject {a}", None, None)[0].id)
    elif kind in ("join", "leave"):
        case, org = w.pick(w.cases, a), w.pick(w.organisations, b)
        (c.join_case if kind == "join" else c.leave_case)(w.chair, case, org)
    elif kind == "meeting":
        agenda = [w.pick(w.cases, i) for i in step["ids"]]
        w.meetings.append(c.schedule_meeting(w.chair, START.date(), agenda).id)
    elif kind == "attend":
        present = [w.pick(w.people, i).id for i in step["ids"]]
        c.record_attendance(w.chair, w.pick(w.meetings, a), present)
    elif kind == "contribute":
        who = w.pick(w.people, a)
        created = c.contribute(who, w.pick(w.cases, b), "text", w.rule(step["rule"]))
        w.contributions.append((created.id, who))
    elif kind == "share" and w.contributions:
        cid, who = w.pick(w.contributions, a)
        c.change_sharing(who, cid, w.rule(step["rule"]))
    elif kind == "withdraw" and w.contributions:
        cid, who = w.pick(w.contributions, a)
        c.withdraw(who, cid)
    elif kind == "deactivate":
        c.deactivate_person(w.chair, w.pick(w.people, a).id)
    elif kind == "wait":
        w.clock.advance(hours=a)
    elif kind == "confirm":
        _confirm(w, a, b)


def _confirm(w: World, a: int, b: int) -> None:
    """A person of the organisation (maybe pending itself: then refused) confirms another."""
    pending = w.pick(w.people, a)
    colleagues = [p for p in w.people if p.organisation_id == pending.organisation_id]
    w.commands.confirm_person(w.pick(colleagues, b), pending.id)
    built_queries = w.commands.ctx.queries
    w.people = [_fresh(built_queries, p) for p in w.people]


def _fresh(queries: Any, caller: Caller) -> Caller:
    return caller_from_row(queries.person(caller.id))


def _replay(built: Any) -> History:
    app = built.services.ctx.app
    history = History(unseal=built.services.ctx.sealer.open)
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        history.apply(app.mapper.to_domain_event(notification), notification.id)
    return history


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=300, deadline=None, suppress_health_check=SLOW)
@given(world=worlds)
def test_permitted_view_equals_the_rule_replayed_from_scratch(world: dict[str, Any]) -> None:
    _run(world, None)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW)
@given(world=worlds)
def test_permitted_view_on_postgres_equals_the_rule_replayed_from_scratch(
    world: dict[str, Any],
) -> None:
    with postgres_database() as url:
        _run(world, url)


def _run(world: dict[str, Any], database: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock(START)
        paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", database)
        built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"), clock)
        try:
            _check(built, created, clock, world)
        finally:
            built.close()


def _check(built: Any, created: dict[str, Any], clock: Clock, spec: dict[str, Any]) -> None:
    commands = built.services.commands
    chair = _caller(built, UUID(created["person_id"]))
    orgs = [UUID(created["organisation_id"])] + [
        commands.register_organisation(chair, f"Org {i}", "s", "formal", secret).id
        for i, secret in enumerate(spec["secrecy"])
    ]
    people = [chair] + [
        _caller(built, commands.register_person(chair, "P", orgs[o % len(orgs)], role)[0].id)
        for o, role in spec["people"]
    ]
    world = World(commands, clock, chair, orgs, people, [], [], [])
    for table in spec["tables"]:  # two cases and a meeting on both, so most steps apply
        world.cases.append(commands.open_case(chair, "Subject", None, None)[0].id)
        for org in dict.fromkeys(orgs[i % len(orgs)] for i in table):
            commands.join_case(chair, world.cases[-1], org)
    world.meetings.append(commands.schedule_meeting(chair, START.date(), world.cases).id)
    for step in spec["steps"]:
        try:
            _play(world, step)
        except DomainError:
            pass  # a refused command changes nothing; the comparison below still holds
    history = _replay(built)
    queries = built.services.ctx.queries
    built.services.ctx.catchup.catch_up()
    for now in (clock.now, clock.now + timedelta(hours=100), START):
        for person in people:
            facts = history.people[PersonId(person.id)]
            for cid in history.contributions:
                expected = history.decide(facts.id, ContributionId(cid), now)
                row = queries.contribution_for(facts, cid, now)
                assert (row is not None) == expected.see, (person.role, cid, now)
                if row is not None:
                    assert bool(row["may_act"]) == expected.act
                    assert bool(row["sees_owner"]) == expected.sees_owner
