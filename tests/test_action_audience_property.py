"""For random histories, who may read an action and its notes through the API equals the case
viewers (`may_read_action`), and the `based_on` each reader is shown equals the grounds `decide`
lets it see, an anonymous one only with its owner (`grounds_shown`).

Histories are driven through the real commands, refusals included, on a real store, with the
contribution steps of the permitted-view property test plus every action command. The
expectation folds the notification log from scratch (`domain.replay.History` for the facts, the
action events for each action's case, grounds and notes): no code shared with the read models.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.main import create_app
from domain import model
from domain.actions_rules import OUTCOMES, grounds_shown, may_read_action
from domain.errors import DomainError
from domain.ids import CaseId, ContributionId, PersonId
from domain.replay import History
from domain.rules import Role
from roundtable.bootstrap import Paths
from roundtable.context import Caller
from roundtable.setup import Founding, initialise
from tests.conftest import Clock, postgres_database
from tests.test_permitted_view_property import START, World, _caller, _play, idx, rules

ROLES = [Role.CHAIR, Role.MEMBER, Role.MEMBER, Role.MEMBER, Role.AUDITOR]
ACTION_KINDS = ["act"] * 5 + ["agree", "agree", "note", "note", "complete", "complete",
                               "cancel", "reassign", "reassign", "close", "erase"]
KINDS = ["contribute"] * 5 + ["share", "withdraw", "join", "leave", "deactivate", "wait",
                              *ACTION_KINDS]
steps = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "a": idx,
    "b": idx,
    "ids": st.lists(idx, max_size=2),
    "rule": rules,
})
worlds = st.fixed_dictionaries({
    "secrecy": st.lists(st.booleans(), min_size=3, max_size=3),
    "people": st.lists(st.tuples(idx, st.sampled_from(ROLES)), min_size=2, max_size=6),
    "tables": st.lists(st.lists(idx, max_size=3), min_size=2, max_size=2),
    "steps": st.lists(steps, min_size=10, max_size=40),
})


@dataclass
class ActionWorld(World):
    actions: list[UUID] = field(default_factory=list)
    gone: set[UUID] = field(default_factory=set)  # deactivated people: they write nothing

    def someone(self, i: int) -> Caller | None:
        who: Caller = self.pick(self.people, i)
        return None if who.id in self.gone else who


def _act(w: ActionWorld, step: dict[str, Any]) -> None:
    c, kind, a, b = w.commands, step["kind"], step["a"], step["b"]
    who, action = w.someone(a), w.pick(w.actions, b)
    if kind == "act" and who is not None:
        # Grounds of one case, assigned to their owner or the proposer's organisation, so
        # that many proposals pass; the rest are refused like any other command.
        picked = [w.pick(w.contributions, i) for i in step["ids"] if w.contributions]
        if picked and a % 2 and picked[0][1].id not in w.gone:
            who = picked[0][1]  # its contributor, who saw the case
        facts = [c.ctx.queries.contribution_facts(cid) for cid, _ in picked]
        case = facts[0].case_id if facts else w.pick(w.cases, a + b)
        grounds = [f.id for f in facts if f.case_id == case]
        table = c.ctx.queries.case_organisations(case)
        owner = str(facts[0].owner_id) if facts else None
        assignee = UUID(owner if owner in table and b % 2 else w.pick(table, b)
                        or str(who.organisation_id))
        due = START.date() + timedelta(days=b)
        w.actions.append(c.agree_action(who, case, "do", assignee, due, grounds).id)
    elif kind == "close" and a % 3 == 0:
        c.close_case(w.chair, w.pick(w.cases, a), "why", bool(b % 2))
    elif kind == "erase" and a % 4 == 0:
        c.erase_case(w.chair, w.pick(w.cases, b))
    elif action is None or who is None:
        return
    elif kind == "agree":
        c.agree_proposed_action(who, action)
    elif kind == "note":
        c.note_action(who, action, "progress")
    elif kind == "complete":
        outcome = OUTCOMES[b % 3]
        c.complete_action(who, action, outcome, None if outcome == "done" else "why")
    elif kind == "cancel":
        c.cancel_action(who, action, "why")
    elif kind == "reassign":
        c.change_action(who, action, w.pick(w.organisations, a), bool(b % 2),
                        date(2026, 12, 1))


def _step(w: ActionWorld, step: dict[str, Any]) -> None:
    if step["kind"] == "deactivate":
        person = w.pick(w.people, step["a"])
        w.commands.deactivate_person(w.chair, person.id)
        w.gone.add(person.id)
    elif step["kind"] in ACTION_KINDS or step["kind"] == "erase":
        _act(w, step)
    else:
        _play(w, step)


@dataclass
class Expected:
    """The facts folded from the log, and each action's case, grounds and notes."""

    history: History = field(default_factory=History)
    actions: dict[str, tuple[CaseId, list[ContributionId]]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def fold(self, app: Any) -> Expected:
        for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
            event = app.mapper.to_domain_event(notification)
            self.history.apply(event, notification.id)
            self._action(event)
        return self

    def _action(self, e: Any) -> None:
        if isinstance(e, model.Case.ActionAgreed | model.Case.ActionProposed):
            grounds = [ContributionId(c) for c in e.based_on]
            self.actions[str(e.action_id)] = (CaseId(e.originator_id), grounds)
            self.notes[str(e.action_id)] = []
        elif isinstance(e, model.Case.ActionNoted):
            self.notes[str(e.action_id)].append(str(e.note_id))
        elif isinstance(e, model.Case.ActionOutcomeRecorded | model.Case.ActionCancelled):
            if e.note_id is not None:
                self.notes[str(e.action_id)].append(str(e.note_id))

    def readers(self, person_id: UUID, action_id: str) -> bool:
        person = self.history.people[PersonId(person_id)]
        return may_read_action(person, self.history.cases[self.actions[action_id][0]])

    def grounds(self, person_id: UUID, action_id: str, now: Any) -> list[str]:
        based_on = self.actions[action_id][1]
        decisions = {c: self.history.decide(PersonId(person_id), c, now) for c in based_on}
        return [str(c) for c in grounds_shown(based_on, decisions)]


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=80, deadline=None, suppress_health_check=SLOW)
@given(world=worlds)
def test_action_readers_and_grounds_equal_the_rules_replayed_from_scratch(
    world: dict[str, Any],
) -> None:
    _run(world, None)


@settings(max_examples=10, deadline=None, suppress_health_check=SLOW)
@given(world=worlds)
def test_action_readers_and_grounds_on_postgres_equal_the_rules_replayed(
    world: dict[str, Any],
) -> None:
    with postgres_database() as url:
        _run(world, url)


def _run(spec: dict[str, Any], database: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        clock = Clock(START)
        paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", database)
        built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"), clock)
        try:
            with TestClient(create_app(built.services)) as client:
                tokens = {UUID(created["person_id"]): created["token"]}
                world = _build(built, created, clock, spec, tokens)
                for step in spec["steps"]:
                    try:
                        _step(world, step)
                    except DomainError:
                        pass  # a refused command changes nothing
                folded = History(unseal=built.services.ctx.sealer.open)
                _compare(client, tokens, world, Expected(folded).fold(built.services.ctx.app))
        finally:
            built.close()


def _build(built: Any, created: dict[str, Any], clock: Clock, spec: dict[str, Any],
           tokens: dict[UUID, str]) -> ActionWorld:
    commands = built.services.commands
    chair = _caller(built, UUID(created["person_id"]))
    orgs = [UUID(created["organisation_id"])] + [
        commands.register_organisation(chair, f"Org {i}", "s", "formal", secret).id
        for i, secret in enumerate(spec["secrecy"])
    ]
    people = [chair]
    for o, role in spec["people"]:
        person, tokens[UUID(int=0)] = commands.register_person(chair, "P", orgs[o % len(orgs)],
                                                               role)
        tokens[person.id] = tokens.pop(UUID(int=0))
        people.append(_caller(built, person.id))
    world = ActionWorld(commands, clock, chair, orgs, people, [], [], [])
    for table in spec["tables"]:
        world.cases.append(commands.open_case(chair, "Subject", None, None)[0].id)
        for org in dict.fromkeys(orgs[i % len(orgs)] for i in table):
            commands.join_case(chair, world.cases[-1], org)
    world.meetings.append(commands.schedule_meeting(chair, START.date(), world.cases).id)
    return world


def _compare(client: TestClient, tokens: dict[UUID, str], world: ActionWorld,
             expected: Expected) -> None:
    event(f"{sum(bool(g) for _, g in expected.actions.values())} actions with grounds")
    for person in world.people:
        headers = {"Authorization": f"Bearer {tokens[person.id]}"}
        listed = client.get("/v1/actions", headers=headers)
        lister = person.role in (Role.CHAIR, Role.MEMBER) and person.id not in world.gone
        assert listed.status_code == (200 if lister else 403 if person.id not in world.gone
                                      else 401)
        in_list = {a["id"]: a for a in listed.json()} if lister else {}
        for action_id in expected.actions:
            may_read = expected.readers(person.id, action_id)
            answer = client.get(f"/v1/actions/{action_id}", headers=headers)
            assert (answer.status_code == 200) == may_read, (person.role, answer.text)
            assert (action_id in in_list) == may_read
            if not may_read:
                continue
            shown = answer.json()
            grounds = expected.grounds(person.id, action_id, world.clock.now)
            assert shown["based_on"] == in_list[action_id]["based_on"] == grounds
            assert [n["id"] for n in shown["notes"]] == expected.notes[action_id]
            hidden = len(expected.actions[action_id][1]) - len(grounds)
            event("a reader is shown some grounds" if grounds else "no ground shown")
            event("a reader is not shown some grounds" if hidden else "every ground shown")
            event(f"status {shown['status']}")
            event("with notes" if shown["notes"] else "no notes")
