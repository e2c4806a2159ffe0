"""Reads of the read models: indexed look-ups scoped to what the caller may see.

Read authorization is a query here, never an `if` in a route: each function takes the caller and
returns only what the permitted view grants (None or nothing for the rest).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

from domain.ids import ContributionId
from domain.rules import Decision, PersonFacts, decide
from projections import facts
from projections.actions_queries import ActionQueries
from projections.case_queries import CaseQueries
from projections.feedback_queries import FeedbackQueries
from projections.figures_queries import FiguresQueries
from projections.meetings_queries import MeetingQueries
from projections.query_base import (
    _CASE_VISIBLE,
    _CONTRIBUTION_COLUMNS,
    _CONTRIBUTION_NAMES,
    _NOT_EXPIRED,
    QueryBase,
    Row,
    _dicts,
    _one,
    _scope,
    _us,
)
from projections.reciprocity_queries import ReciprocityQueries
from projections.report_queries import ReportQueries
from projections.signals_queries import SignalQueries


class CoreQueries(QueryBase):

    # --- people and organisations

    def people(self) -> list[Row]:
        """Every person of the table with the name of their organisation."""
        return _dicts(self.db.execute(
            "SELECT p.*, o.name AS organisation_name FROM people p "
            "JOIN organisations o ON o.id=p.organisation_id ORDER BY o.since, p.since"))

    def names(self, table: str, ids: Iterable[str]) -> dict[str, str]:
        """Names of people or organisations by id (names of professionals are not personal
        data): for answers that show who, not only an id."""
        assert table in ("people", "organisations")
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        marks = ",".join("?" * len(wanted))
        return {r[0]: r[1] for r in self.db.execute(
            f"SELECT id, name FROM {table} WHERE id IN ({marks})", wanted)}

    def confirmed_people_of(self, organisation_id: UUID) -> list[Row]:
        """The active, confirmed people of an organisation."""
        return _dicts(self.db.execute(
            "SELECT * FROM people WHERE organisation_id=? AND confirmed=1 "
            "AND deactivated_at IS NULL", (str(organisation_id),)))

    def person(self, person_id: UUID) -> Row | None:
        return _one(self.db.execute(
            "SELECT * FROM people WHERE id=?", (str(person_id),)).fetchone())

    def active_chairs(self) -> list[Row]:
        return _dicts(self.db.execute(
            "SELECT * FROM people WHERE role='chair' AND deactivated_at IS NULL"))

    def organisations(self) -> list[Row]:
        return _dicts(self.db.execute("SELECT * FROM organisations ORDER BY since"))

    def organisation(self, organisation_id: UUID) -> Row | None:
        return _one(self.db.execute(
            "SELECT * FROM organisations WHERE id=?", (str(organisation_id),)).fetchone())

    def missing(self, table: str, wanted: Iterable[UUID]) -> list[UUID]:
        """The ids among `wanted` with no row in `table` (people, organisations, cases)."""
        assert table in ("people", "organisations", "cases", "meetings")
        return [w for w in wanted if self.db.execute(
            f"SELECT 1 FROM {table} WHERE id=?", (str(w),)).fetchone() is None]

    def round_table(self) -> Row | None:
        return _one(self.db.execute("SELECT * FROM round_table").fetchone())

    # --- cases

    def cases_for(self, person: PersonFacts) -> list[Row]:
        return _dicts(self.db.execute(
            f"SELECT c.* FROM cases c WHERE {_CASE_VISIBLE} ORDER BY c.opened_at",
            _scope(person)))

    def case_for(self, person: PersonFacts, case_id: UUID) -> Row | None:
        return _one(self.db.execute(
            f"SELECT c.* FROM cases c WHERE c.id=:case AND {_CASE_VISIBLE}",
            {**_scope(person), "case": str(case_id)}).fetchone())

    def erased_cases(self) -> list[Row]:
        return _dicts(self.db.execute("SELECT id FROM cases WHERE status='erased'"))

    def closed_before(self, day: str) -> list[Row]:
        """Closed (not erased) cases closed on or before `day`, oldest first."""
        return _dicts(self.db.execute(
            "SELECT * FROM cases WHERE status='closed' AND closed_on<=? ORDER BY closed_at",
            (day,)))

    def open_cases_last_reviewed(self, today: str) -> list[Row]:
        """Open cases with the later of their opening and the last meeting (not cancelled) held
        on them."""
        # Two-argument MAX is SQLite's alone; the CASE reads the same on PostgreSQL.
        return _dicts(self.db.execute(
            "SELECT r.*, CASE WHEN r.held_on > r.opened_on THEN r.held_on ELSE r.opened_on "
            "END AS last_reviewed_on FROM (SELECT c.*, (SELECT MAX(m.held_on) FROM meetings m "
            "JOIN meeting_cases mc ON mc.meeting_id=m.id WHERE mc.case_id=c.id "
            "AND m.held_on<=? AND NOT EXISTS (SELECT 1 FROM meeting_details d "
            "WHERE d.meeting_id=m.id AND d.status='cancelled')) AS held_on "
            "FROM cases c WHERE c.status='open') r ORDER BY last_reviewed_on, r.opened_at",
            (today,)))

    def case_contributions(self, case_id: UUID) -> list[Row]:
        """Every contribution of a case, as metadata (for the subject-access export)."""
        rows = self.db.execute(
            "SELECT id, owner_id, rule, created_at, withdrawn_at FROM contributions "
            "WHERE case_id=? ORDER BY added_at", (str(case_id),))
        return [{**dict(r), "rule": json.loads(r["rule"])} for r in rows]

    def case_organisations(self, case_id: UUID) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT organisation_id FROM case_organisations WHERE case_id=? ORDER BY since",
            (str(case_id),))]

    # --- contributions (the permitted view)

    def contributions_for(self, person: PersonFacts, case_id: UUID, now: datetime) -> list[Row]:
        rows = self.db.execute(
            f"SELECT {_CONTRIBUTION_COLUMNS} FROM permitted p JOIN contributions c "
            f"ON c.id=p.contribution_id {_CONTRIBUTION_NAMES} "
            f"WHERE p.person_id=? AND p.case_id=? AND {_NOT_EXPIRED} "
            "ORDER BY p.added_at",
            (_us(now), str(person.id), str(case_id), _us(now)))
        return [_contribution(r) for r in rows]

    def contribution_for(
        self, person: PersonFacts, contribution_id: UUID, now: datetime
    ) -> Row | None:
        row = self.db.execute(
            f"SELECT {_CONTRIBUTION_COLUMNS} FROM permitted p JOIN contributions c "
            f"ON c.id=p.contribution_id {_CONTRIBUTION_NAMES} "
            f"WHERE p.person_id=? AND p.contribution_id=? "
            f"AND {_NOT_EXPIRED}",
            (_us(now), str(person.id), str(contribution_id), _us(now))).fetchone()
        return _contribution(row) if row is not None else None

    def audience(self, contribution_id: UUID, now: datetime) -> list[tuple[UUID, Decision]]:
        """Everyone who may see the contribution now, each with `decide`'s reasons."""
        db = self.db
        person_ids = [r[0] for r in db.execute(
            f"SELECT person_id FROM permitted p WHERE contribution_id=? AND {_NOT_EXPIRED}",
            (str(contribution_id), _us(now)))]
        (contribution,) = facts.contributions(db, "id=?", (str(contribution_id),))
        case = facts.case(db, str(contribution.case_id))
        meeting = facts.meeting(db, _str(contribution.rule.meeting_id))
        orgs = facts.organisations(db)
        out = []
        for person in facts.people(db, f"id IN ({','.join('?' * len(person_ids))})",
                                   person_ids):
            decision = decide(person, orgs[person.organisation_id], contribution, case,
                              meeting, now)
            out.append((person.id, decision))
        return sorted(out, key=lambda pair: str(pair[0]))

    def organisation_may_act(
        self, organisation_id: UUID, contribution_id: UUID, now: datetime
    ) -> bool:
        """Someone of the organisation may act on the contribution now (sees it, may act)."""
        return self.db.execute(
            "SELECT 1 FROM permitted p JOIN people u ON u.id=p.person_id "
            "WHERE p.contribution_id=? AND u.organisation_id=? AND p.may_act=1 AND "
            "(p.expires_us IS NULL OR p.expires_us >= ?) LIMIT 1",
            (str(contribution_id), str(organisation_id), _us(now))).fetchone() is not None

    def contribution_facts(self, contribution_id: ContributionId) -> Any:
        found = facts.contributions(self.db, "id=?", (str(contribution_id),))
        return found[0] if found else None

    # --- actions

    def attendance_recorded(self, meeting_id: UUID) -> bool:
        row = self.db.execute("SELECT attendance_at FROM meetings WHERE id=?",
                              (str(meeting_id),)).fetchone()
        return row is not None and row[0] is not None



def _contribution(row: Any) -> Row:
    out = dict(row)
    out["rule"] = orjson.loads(row["rule"])  # once per row of a page: the fast parser
    # Expiry hides a contribution from everyone but its contributor, who also may no
    # longer act on it.
    out["may_act"] = bool(row["may_act"]) and not row["expired"]
    return out


def _str(value: object | None) -> str | None:
    return str(value) if value is not None else None


class Queries(CoreQueries, CaseQueries, MeetingQueries, ActionQueries, SignalQueries,
              FeedbackQueries, ReportQueries, FiguresQueries,
              ReciprocityQueries):
    """Every query of the read models; a capability's queries are a module and one line here."""
