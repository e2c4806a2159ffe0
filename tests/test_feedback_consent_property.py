"""For random case tables and random sequences of consents, refusals, joins and departures,
the feedback sheet ends as the LIVC-R rule says, evaluated here independently.

The histories run through the real commands on a real SQLite store; the expectation is a fold
written for this test alone: released when every organisation on the case table, as it is at
that moment, other than the addressee has consented; refused at the first refusal; nothing
accepted after either. Each step's refusal (404, 403, 409) is compared too, and so is what the
read model shows at the end.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.errors import ConflictError, DomainError, NotFoundError, NotPermittedError
from domain.rules import Role
from roundtable.bootstrap import Paths
from roundtable.context import Caller, caller_from_row
from roundtable.setup import Founding, initialise
from tests.conftest import Clock

ORGANISATIONS = 5  # 0: the chair's own; 1: the police, the addressee; 2-4: partners
ADDRESSEE = 1

# Refusals are rarer than consents, and most steps pick an organisation on the case table, so
# that many histories get as far as a release; the rest pick any organisation.
KINDS = ["consent"] * 4 + ["refuse", "join", "join", "leave", "leave"]
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(min_value=0, max_value=20),
                           st.sampled_from([True, True, True, False])), max_size=14)
tables = st.sets(st.sampled_from([0, 2, 3, 4]), min_size=1)


@dataclass
class Expected:
    """The rule, folded step by step: what each step answers, and where the sheet ends."""

    table: set[int]
    status: str = "awaiting_consent"
    consents: list[int] = field(default_factory=list)
    refused_by: int | None = None

    def complete(self) -> bool:
        required = self.table - {ADDRESSEE}
        return bool(required) and required <= set(self.consents)

    def pick(self, index: int, on_table: bool) -> int:
        table = sorted(self.table)
        return table[index % len(table)] if on_table and table else index % ORGANISATIONS

    def join(self, org: int) -> type[DomainError] | None:
        if org in self.table:
            return ConflictError
        self.table.add(org)
        return None

    def leave(self, org: int) -> type[DomainError] | None:
        if org not in self.table:
            return NotFoundError
        self.table.remove(org)
        if self.status == "awaiting_consent" and self.complete():
            self.status = "released"
        return None

    def answer(self, org: int, consent: bool) -> type[DomainError] | None:
        if org == ADDRESSEE:
            return NotPermittedError
        if org not in self.table:  # the chair still sees the sheet; a member does not
            return NotPermittedError if org == 0 else NotFoundError
        if self.status != "awaiting_consent" or org in self.consents:
            return ConflictError
        if not consent:
            self.status, self.refused_by = "refused", org
            return None
        self.consents.append(org)
        if self.complete():
            self.status = "released"
        return None


SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]


@settings(max_examples=80, deadline=None, suppress_health_check=SLOW)
@given(table=tables, history=steps)
# Histories random ones rarely reach (each step names its organisation directly):
# the last missing organisation leaves the table, which completes the consents;
@example(table={0, 2}, history=[("consent", 2, False), ("leave", 0, False)])
# an organisation joins while consents come in, and must consent too;
@example(table={2}, history=[("join", 3, False), ("consent", 2, False), ("consent", 3, False)])
# the addressee leaves the table, and the sheet can still be released to it;
@example(table={2, 3}, history=[("leave", 1, False), ("consent", 2, False),
                                ("consent", 3, False), ("consent", 1, False)])
# nobody is left to consent: the sheet waits, never released by default.
@example(table={2}, history=[("leave", 2, False), ("join", 4, False), ("refuse", 4, False)])
def test_the_sheet_ends_as_the_consent_rule_says(table: set[int],
                                                 history: list[tuple[str, int, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths = Paths(Path(tmp) / "d", Path(tmp) / "d" / "keys", None)
        clock = Clock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
        built, created = initialise(paths, Founding("T", "Chair", "Prevention", "p"), clock)
        try:
            _check(built.services, created, table, history)
        finally:
            built.close()


def _check(services: Any, created: dict[str, Any], table: set[int],
           history: list[tuple[str, int, bool]]) -> None:
    commands, queries = services.commands, services.ctx.queries
    chair = caller_from_row(queries.person(UUID(created["person_id"])))
    orgs = [UUID(created["organisation_id"])] + [
        commands.register_organisation(chair, f"Org {i}", "s", "formal", False).id
        for i in range(1, ORGANISATIONS)]
    people: list[Caller] = [chair] + [
        caller_from_row(queries.person(commands.register_person(chair, "P", o, Role.MEMBER)[0].id))
        for o in orgs[1:]]
    case_id = commands.open_case(chair, "Subject", None, None)[0].id
    for i in sorted(table | {ADDRESSEE}):
        commands.join_case(chair, case_id, orgs[i])
    sheet = commands.draft_feedback(chair, case_id, orgs[ADDRESSEE], "Feedback.").id
    expected = Expected(table | {ADDRESSEE})
    for kind, index, on_table in history:
        org = expected.pick(index, on_table)
        if kind == "join":
            want = expected.join(org)
            got = _outcome(commands.join_case, chair, case_id, orgs[org])
        elif kind == "leave":
            want = expected.leave(org)
            got = _outcome(commands.leave_case, chair, case_id, orgs[org])
        else:
            want = expected.answer(org, kind == "consent")
            reason = None if kind == "consent" else "No."
            got = _outcome(commands.answer_feedback, people[org], sheet, reason is None, reason)
        assert got is want, (kind, org, got, want)
    shown = services.reads.feedback(chair, sheet)
    assert shown["status"] == expected.status
    answers = [(c["organisation_id"], c["consent"]) for c in shown["consents"]]
    refusal = [] if expected.refused_by is None else [(str(orgs[expected.refused_by]), False)]
    assert answers == [(str(orgs[o]), True) for o in expected.consents] + refusal


def _outcome(command: Any, *args: Any) -> type[DomainError] | None:
    try:
        command(*args)
    except DomainError as error:
        return type(error)
    return None
