"""A small round table for the web page's tests, and a signed-in visitor of its pages.

- the chair (prevention service);
- the police (not bound by professional secrecy) and the school (bound) on the case table of
  one case; youth work at the round table but not on the case table;
- an officer and a colleague of the police, a teacher, a youth worker, an auditor;
- a meeting with the case on its agenda, the chair, the officer and the teacher present;
- contributions: the officer's AMBER note, the teacher's RED note for the chair alone, the
  youth worker's GREEN notice on no case (none: youth work is not on the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from fastapi.testclient import TestClient

from tests.conftest import Table

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
OFFICER_NOTE = "Officer note: seen near the station on Tuesday"
RED_NOTE = "Teacher note for the chair alone: family trouble"


@dataclass(frozen=True)
class Someone:
    id: str
    name: str
    token: str
    organisation_id: str


@dataclass(frozen=True)
class WebWorld:
    table: Table
    case_id: str
    meeting_id: str
    police: str
    school: str
    youth: str
    chair: Someone
    officer: Someone
    colleague: Someone
    teacher: Someone
    youth_worker: Someone
    auditor: Someone
    officer_note: str
    red_note: str

    def head(self) -> int:
        return int(self.table.built.services.ctx.app.recorder.max_notification_id() or 0)

    def visitor(self, who: Someone | None = None, *, https: bool = False) -> Visitor:
        """A browser of its own (its own cookies), signed in as `who` unless None."""
        client = TestClient(self.table.client.app,
                            base_url="https://testserver" if https else "http://testserver")
        visitor = Visitor(client)
        if who is not None:
            visitor.sign_in(who.token)
        return visitor


@dataclass
class Visitor:
    client: TestClient

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found is not None, "no CSRF token on the page"
        return found.group(1)

    def sign_in(self, token: str) -> None:
        response = self.client.post("/login", data={"token": token,
                                                    "csrf": self.csrf("/login")},
                                    follow_redirects=False)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/cases"


def someone(table: Table, organisation_id: str, name: str, role: str = "member") -> Someone:
    person_id, token = table.person(organisation_id, role, name)
    return Someone(person_id, name, token, organisation_id)


def build_web_world(table: Table) -> WebWorld:
    police = table.organisation("Police zone North")
    school = table.organisation("Sint-Jan school", secrecy=True)
    youth = table.organisation("Youth house")
    chair = Someone(table.chair_id, "Chair", table.chair_token, table.chair_organisation_id)
    officer = someone(table, police, "Olga Officer")
    colleague = someone(table, police, "Carl Colleague")
    teacher = someone(table, school, "Tess Teacher")
    youth_worker = someone(table, youth, "Yusuf Youthworker")
    auditor = someone(table, table.chair_organisation_id, "Ada Auditor", "auditor")
    case_id = table.case("Subject Person", police, school)
    meeting_id = str(table.post("/v1/meetings", {"held_on": date(2026, 11, 1).isoformat(),
                                                 "case_ids": [case_id]})["id"])
    table.post(f"/v1/meetings/{meeting_id}/attendance",
               {"person_ids": [chair.id, officer.id, teacher.id]})
    table.post(f"/v1/cases/{case_id}/contributions",
               {"text": OFFICER_NOTE, "tlp": "AMBER"}, officer.token)
    table.post(f"/v1/cases/{case_id}/contributions",
               {"text": RED_NOTE, "tlp": "RED", "recipients": [chair.id]}, teacher.token)
    return WebWorld(table, case_id, meeting_id, police, school, youth, chair, officer,
                    colleague, teacher, youth_worker, auditor, OFFICER_NOTE, RED_NOTE)
