"""For random histories, who may read each minutes item is the active chairs and the active
people present at its meeting, as recorded last (nobody for minutes of an erased case).

Histories are driven through the real commands (refusals included: an auditor named present,
a person both present and excused, minutes of a case not on the agenda...) on a real store.
The expected readers are folded from the notification log here, in a few lines that share no
code with the projection or with `may_read_minutes`; the answer compared is the permitted view
of minutes, through the same queries the read path uses.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import model
from domain.errors import DomainError
from domain.meetings_rules import AgendaItem, MeetingKind
from domain.rules import Role
from roundtable.bootstrap import Paths
from roundtable.context import Caller, caller_from_row
from roundtable.setup import Founding, initialise
from tests.conftest import Clock, postgres_database

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ROLES = [Role.CHAIR, Role.MEMBER, Role.MEMBER, Role.MEMBER, Role.AUDITOR, Role.POLICY]
KINDS = ["attend"] * 4 + ["minutes"] * 4 + ["deactivate"] * 2 + [
    "meeting", "meeting", "network", "register", "cancel", "erase"]

idx = st.integers(min_value=0, max_value=50)
steps = st.fixed_dictionaries({
    "kind": st.sampled_from(KINDS),
    "a": idx,
    "b": st.none() | idx,
    "present": st.lists(idx, min_size=1, max_size=5),
    "excused": st.lists(idx, max_size=3),
    "role": st.sampled_from(ROLES),
    "careful": st.sampled_from([True, True, True, False]),  # mostly attendance that is valid
})
histories = st.fixed_dictionaries({
    "people": st.lists(st.tuples(idx, st.sampled_from(ROLES)), min_size=2, max_size=7),
    "steps": st.lists(steps, min_size=5, max_size=30),
})


@dataclass
class World:
    commands: Any
    built: Any
    chair: Caller
    organisations: list[UUID]
    people: list[Caller]
    cases: list[UUID]
    meetings: list[UUID] = field(default_factory=list)
    deactivated: set[UUID] = field(default_factory=set)

    def pick(self, items: list[Any], i: int) -> Any:
        return items[i % len(items)]

    def caller(self, person_id: UUID) -> Caller:
        return caller_from_row(self.built.services.ctx.queries.person(person_id))

    def attendance(self, step: dict[str, Any]) -> tuple[list[UUID], list[UUID]]:
        present = [self.pick(self.people, i).id for i in step["present"]]
        excused = [self.pick(self.people, i).id for i in step["excused"]]
        if not step["careful"]:
            return present, excused
        may = {p.id for p in self.people if p.role in (Role.CHAIR, Role.MEMBER)
               and p.id not in self.deactivated}
        present = [p for p in present if p in may]
        return present, [p for p in excused if p in may and p not in present]


def _play(w: World, step: dict[str, Any]) -> None:
    c, kind, a, b = w.commands, step["kind"], step["a"], step["b"]
    if kind in ("meeting", "network"):
        agenda = [(w.pick(w.cases, a), AgendaItem.NEW)] if kind == "meeting" else None
        if kind == "meeting" and b is not None:
            agenda = [*(agenda or []), (w.pick(w.cases, b), AgendaItem.ONGOING)]
        w.meetings.append(c.schedule_meeting(
            w.chair, START.date(), kind=MeetingKind(kind if kind == "network" else "case"),
            agenda=agenda).id)
    elif kind == "attend":
        c.record_attendance(w.chair, w.pick(w.meetings, a), *w.attendance(step))
    elif kind == "minutes":
        case_id = w.pick(w.cases, b) if b is not None else None
        c.record_minutes(w.chair, w.pick(w.meetings, a), case_id, "text", ["decision"])
    elif kind == "deactivate":
        c.deactivate_person(w.chair, w.pick(w.people, a).id)
        w.deactivated.add(w.pick(w.people, a).id)
    elif kind == "register":
        org = w.pick(w.organisations, a)
        w.people.append(w.caller(c.register_person(w.chair, "P", org, step["role"])[0].id))
    elif kind == "cancel":
        c.cancel_meeting(w.chair, w.pick(w.meetings, a), "reason")
    elif kind == "erase" and a % 4 == 0:  # rarely: an erased case ends most histories early
        c.erase_case(w.chair, w.pick(w.cases, a))


@dataclass
class Expected:
    """The log folded into who may read what, by the plain words of the contract."""

    roles: dict[UUID, str] = field(default_factory=dict)
    active: set[UUID] = field(default_factory=set)
    present: dict[UUID, set[UUID]] = field(default_factory=dict)
    minutes: dict[UUID, tuple[UUID, UUID | None]] = field(default_factory=dict)
    erased: set[UUID] = field(default_factory=set)

    def apply(self, e: Any) -> None:
        if isinstance(e, model.Person.Registered):
            self.roles[e.originator_id] = e.role
            self.active.add(e.originator_id)
        elif isinstance(e, model.Person.Deactivated):
            self.active.discard(e.originator_id)
        elif isinstance(e, model.Meeting.AttendanceRecorded):
            self.present[e.originator_id] = set(e.person_ids)
        elif isinstance(e, model.Meeting.MinutesRecorded):
            self.minutes[e.minutes_id] = (e.originator_id, e.case_id)
        elif isinstance(e, model.Case.Erased):
            self.erased.add(e.originator_id)

    def readers(self, minutes_id: UUID) -> set[UUID]:
        meeting_id, case_id = self.minutes[minutes_id]
        if case_id in self.erased:
            return set()
        chairs = {p for p in self.active if self.roles[p] == "chair"}
        return chairs | (self.present.get(meeting_id, set()) & self.active)


def _expected(built: Any) -> Expected:
    app = built.services.ctx.app
    expected = Expected()
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        expected.apply(app.mapper.to_domain_event(notification))
    return expected


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=150, deadline=None, suppress_health_check=SLOW)
@given(history=histories)
def test_minutes_are_read_by_the_active_chairs_and_the_people_present(
    history: dict[str, Any],
) -> None:
    _run(history, None)


@settings(max_examples=20, deadline=None, suppress_health_check=SLOW)
@given(history=histories)
def test_minutes_on_postgres_are_read_by_the_active_chairs_and_the_people_present(
    history: dict[str, Any],
) -> None:
    with postgres_database() as url:
        _run(history, url)


def _run(history: dict[str, Any], database: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", database)
        built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"),
                                    Clock(START))
        try:
            _check(built, created, history)
        finally:
            built.close()


def _world(built: Any, created: dict[str, Any], history: dict[str, Any]) -> World:
    commands = built.services.commands
    chair = caller_from_row(built.services.ctx.queries.person(UUID(created["person_id"])))
    orgs = [UUID(created["organisation_id"])] + [
        commands.register_organisation(chair, f"Org {i}", "s", "formal", False).id
        for i in range(2)]
    world = World(commands, built, chair, orgs, [chair], [])
    for o, role in history["people"]:
        world.people.append(world.caller(
            commands.register_person(chair, "P", orgs[o % len(orgs)], role)[0].id))
    for _ in range(2):
        world.cases.append(commands.open_case(chair, "Subject", None, None)[0].id)
    world.meetings.append(commands.schedule_meeting(chair, date(2026, 11, 5), world.cases).id)
    return world


def _check(built: Any, created: dict[str, Any], history: dict[str, Any]) -> None:
    world = _world(built, created, history)
    for step in history["steps"]:
        try:
            _play(world, step)
        except DomainError:
            pass  # a refused command changes nothing; the comparison below still holds
    expected = _expected(built)
    queries = built.services.ctx.queries
    built.services.ctx.catchup.catch_up()
    everyone = [world.caller(p) for p in expected.roles]
    for minutes_id, (meeting_id, _) in expected.minutes.items():
        readers = expected.readers(minutes_id)
        assert queries.minutes_readers(minutes_id) == {str(p) for p in readers}
        for person in everyone:
            shown = {r["id"] for r in queries.minutes_for(person.facts, meeting_id)}
            assert (str(minutes_id) in shown) == (person.id in readers), person.role
