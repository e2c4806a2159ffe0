"""What the audit-trail tests share: a populated round table, the plaintexts written into it,
and the hands of an operator who edits the files under the service (and of the command line).

The scene (built by `build_scene`):

- the police and the school on the case table of one open case (subject `SUBJECT`); youth work
  at the round table but not on that case table;
- a police officer, a teacher and a youth worker (members), a police auditor and a police
  policy officer;
- three contributions on the open case (police AMBER, school GREEN, chair AMBER+STRICT), an
  action agreed on the police one, and a second case closed with a reason.
"""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx2 import Response

from api.main import create_app
from roundtable.bootstrap import Paths, build
from roundtable.cli import main
from tests.conftest import Table

SUBJECT = "Quirinus Plaintext-Subjectname"
SUMMARY = "Summary-plaintext: worries voiced by the family doctor"
TEXTS = (
    "Contribution-plaintext-police: seen at the station twice",
    "Contribution-plaintext-school: absent eleven days in October",
    "Contribution-plaintext-chair: the mother asked for help",
)
ACTION = "Action-plaintext: home visit with the youth worker"
REASON = "Closereason-plaintext: the family moved to another town"
PLAINTEXTS = (SUBJECT, SUMMARY, *TEXTS, ACTION, REASON)
"""Everything personal written into the scene: none of it may ever reach an auditor or a disk."""


@dataclass(frozen=True)
class Someone:
    id: str
    token: str
    organisation_id: str


@dataclass
class Scene:
    table: Table
    police: str
    school: str
    youth: str
    chair: Someone
    officer: Someone
    teacher: Someone
    youth_worker: Someone
    auditor: Someone
    policy: Someone
    case_id: str
    contributions: list[str]
    action_id: str
    closed_case_id: str

    def get(self, path: str, who: Someone | None, **params: Any) -> Response:
        headers = self.table.headers(who.token) if who is not None else {}
        # An empty `params` would replace a query string written into `path`.
        return self.table.client.get(path, params=params or None, headers=headers)

    def ok(self, path: str, who: Someone, **params: Any) -> Any:
        response = self.get(path, who, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def person(self, organisation_id: str, role: str = "member") -> Someone:
        person_id, token = self.table.person(organisation_id, role)
        return Someone(person_id, token, organisation_id)

    def contribute(self, who: Someone, text: str, **rule: Any) -> tuple[str, int]:
        """Returns (contribution id, position)."""
        body = {"text": text, "tlp": "AMBER", **rule}
        created = self.table.post(f"/v1/cases/{self.case_id}/contributions", body, who.token)
        return str(created["id"]), int(created["position"])


def build_scene(table: Table) -> Scene:
    chair = Someone(table.chair_id, table.chair_token, table.chair_organisation_id)
    police = table.organisation("Police")
    school = table.organisation("School", secrecy=True)
    youth = table.organisation("Youth work", kind="informal")

    def someone(organisation_id: str, role: str) -> Someone:
        person_id, token = table.person(organisation_id, role, name=f"A {role}")
        return Someone(person_id, token, organisation_id)

    officer, teacher = someone(police, "member"), someone(school, "member")
    youth_worker = someone(youth, "member")
    auditor, policy = someone(police, "auditor"), someone(police, "policy")
    case_id = str(table.post("/v1/cases", {"subject": {"name": SUBJECT, "birth_year": 2010},
                                           "summary": SUMMARY})["id"])
    for organisation_id in (police, school):
        table.post(f"/v1/cases/{case_id}/organisations", {"organisation_id": organisation_id})
    contributions = [
        table.contribute(case_id, officer.token, text=TEXTS[0], tlp="AMBER"),
        table.contribute(case_id, teacher.token, text=TEXTS[1], tlp="GREEN"),
        table.contribute(case_id, chair.token, text=TEXTS[2], tlp="AMBER+STRICT"),
    ]
    action_id = str(table.post(f"/v1/cases/{case_id}/actions", {
        "description": ACTION, "assignee_organisation_id": police, "due_on": "2026-12-01",
        "based_on": [contributions[0]]})["id"])
    closed_case_id = table.case("Another Subject")
    table.post(f"/v1/cases/{closed_case_id}/close", {"reason": REASON})
    return Scene(table, police, school, youth, chair, officer, teacher, youth_worker, auditor,
                 policy, case_id, contributions, action_id, closed_case_id)


# --------------------------------------------------------------------------- the store itself


def head(paths: Paths) -> int:
    """The position of the last stored event, read from the file like any outsider would."""
    with closing(paths.events) as db:
        return int(db.execute("SELECT MAX(rowid) FROM stored_events").fetchone()[0] or 0)


@contextlib.contextmanager
def closing(path: Path) -> Iterator[sqlite3.Connection]:
    """A fresh connection to one of the files, committed and closed on the way out."""
    db = sqlite3.connect(path, timeout=30)
    try:
        with db:
            yield db
    finally:
        db.close()


def audit_query(paths: Paths, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of the audit store as an outsider reads them: `audit.sqlite` of the data directory,
    or the schema `roundtable_audit` of the database (the SQL written for SQLite)."""
    if paths.database is None:
        with closing(paths.audit) as db:
            return [tuple(r) for r in db.execute(sql, params).fetchall()]
    import psycopg

    with psycopg.connect(paths.database, options="-c search_path=roundtable_audit") as pg:
        return [tuple(r) for r in pg.execute(sql.replace("?", "%s"), params).fetchall()]


def state_of(paths: Paths, position: int) -> bytes:
    with closing(paths.events) as db:
        return bytes(db.execute("SELECT state FROM stored_events WHERE rowid=?",
                                (position,)).fetchone()[0])


def set_state(paths: Paths, position: int, state: bytes) -> None:
    with closing(paths.events) as db:
        changed = db.execute("UPDATE stored_events SET state=? WHERE rowid=?",
                             (state, position)).rowcount
    assert changed == 1


def delete_event(paths: Paths, position: int) -> None:
    with closing(paths.events) as db:
        assert db.execute("DELETE FROM stored_events WHERE rowid=?", (position,)).rowcount == 1


def drop_views(paths: Paths) -> None:
    """The operator's cover-up: delete the read models (and the event tree kept in them)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.views}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def reopened(paths: Paths) -> Iterator[TestClient]:
    """The service started again on the data directory (a restart rebuilds missing views)."""
    built = build(paths)
    try:
        with TestClient(create_app(built.services)) as client:
            yield client
    finally:
        built.close()


def data_files(paths: Paths) -> list[Path]:
    return sorted(p for p in paths.data.rglob("*") if p.is_file())


# --------------------------------------------------------------------------- command line


def roundtable(*argv: str) -> tuple[int, str]:
    """Run the `roundtable` command in this process; returns (exit code, stdout)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue()


def verify_cli(paths: Paths, *extra: str) -> tuple[int, str]:
    return roundtable("verify", "--data", str(paths.data), "--keys", str(paths.keys), *extra)


def first_bad_positions(stdout: str) -> list[str]:
    """The `first bad position: N` lines, as printed (prefix included)."""
    return [line for line in stdout.splitlines() if "first bad position: " in line]


def environment_without_data() -> dict[str, str]:
    """The environment for a subprocess, without any data directory set by the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ROUNDTABLE_")}
