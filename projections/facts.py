"""Load the facts `decide` reads from the read-model tables (inside the caller's transaction)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from domain.ids import CaseId, ContributionId, MeetingId, OrganisationId, PersonId, Position
from domain.rules import (
    CaseFacts,
    ContributionFacts,
    MeetingFacts,
    OrganisationFacts,
    PersonFacts,
    Role,
    SharingRule,
)
from projections.db import Db


def _pos(value: Any) -> Position | None:
    return Position(int(value)) if value is not None else None


def person_from_row(row: Mapping[str, Any]) -> PersonFacts:
    return PersonFacts(
        id=PersonId(UUID(row["id"])),
        organisation_id=OrganisationId(UUID(row["organisation_id"])),
        role=Role(row["role"]),
        since=Position(row["since"]),
        deactivated_at=_pos(row["deactivated_at"]),
        confirmed=bool(row["confirmed"]),
    )


def people(db: Db, where: str = "TRUE", params: Sequence[Any] = ()) -> list[
    PersonFacts
]:
    rows = db.execute(f"SELECT * FROM people WHERE {where}", params).fetchall()
    return [person_from_row(r) for r in rows]


def organisations(db: Db) -> dict[OrganisationId, OrganisationFacts]:
    rows = db.execute("SELECT id, professional_secrecy, since FROM organisations").fetchall()
    return {
        OrganisationId(UUID(r["id"])): OrganisationFacts(
            OrganisationId(UUID(r["id"])), bool(r["professional_secrecy"]), Position(r["since"])
        )
        for r in rows
    }


def case(db: Db, case_id: str) -> CaseFacts:
    row = db.execute("SELECT erased_at FROM cases WHERE id=?", (case_id,)).fetchone()
    table = db.execute(
        "SELECT organisation_id, since FROM case_organisations WHERE case_id=?", (case_id,)
    ).fetchall()
    return CaseFacts(
        id=CaseId(UUID(case_id)),
        table={OrganisationId(UUID(r[0])): Position(r[1]) for r in table},
        erased_at=_pos(row["erased_at"]) if row else None,
    )


def meeting(db: Db, meeting_id: str | None) -> MeetingFacts | None:
    if meeting_id is None:
        return None
    row = db.execute("SELECT attendance_at FROM meetings WHERE id=?", (meeting_id,)).fetchone()
    if row is None:
        return None
    agenda = db.execute("SELECT case_id FROM meeting_cases WHERE meeting_id=?", (meeting_id,))
    present = db.execute(
        "SELECT person_id FROM meeting_present WHERE meeting_id=?", (meeting_id,)
    )
    return MeetingFacts(
        id=MeetingId(UUID(meeting_id)),
        agenda=frozenset(CaseId(UUID(r[0])) for r in agenda),
        present=frozenset(PersonId(UUID(r[0])) for r in present),
        attendance_at=_pos(row["attendance_at"]),
    )


def contribution_from_row(
    row: Any, red_audience: frozenset[PersonId] | None = None
) -> ContributionFacts:
    return ContributionFacts(
        id=ContributionId(UUID(row["id"])),
        case_id=CaseId(UUID(row["case_id"])),
        contributor_id=PersonId(UUID(row["contributor_id"])),
        owner_id=OrganisationId(UUID(row["owner_id"])),
        rule=SharingRule.from_json(json.loads(row["rule"])),
        added_at=Position(row["added_at"]),
        rule_at=Position(row["rule_at"]),
        withdrawn_at=_pos(row["withdrawn_at"]),
        red_audience=red_audience,
    )


def contributions(
    db: Db, where: str = "TRUE", params: Sequence[Any] = ()
) -> list[ContributionFacts]:
    rows = db.execute(
        "SELECT id, case_id, contributor_id, owner_id, rule, added_at, rule_at, withdrawn_at, "
        f"meeting_id FROM contributions WHERE {where} ORDER BY added_at",
        params,
    ).fetchall()
    return [contribution_from_row(r, _red_audience(db, r)) for r in rows]


def _red_audience(db: Db, row: Any) -> frozenset[PersonId] | None:
    """The attendance fixed when a RED rule citing a meeting was set (None for other rules)."""
    if row["meeting_id"] is None or json.loads(row["rule"])["tlp"] != "RED":
        return None
    return frozenset(PersonId(UUID(r[0])) for r in db.execute(
        "SELECT person_id FROM red_audience WHERE contribution_id=?", (row["id"],)))


def ids(values: Iterable[UUID]) -> list[str]:
    return [str(v) for v in values]
