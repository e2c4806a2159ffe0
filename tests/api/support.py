"""What the API tests share: a populated round table, people by role, and small probes.

The world every sharing test starts from (built by the `world` fixture in `conftest.py`):

- the chair (of the prevention service) and a second chair of the same service;
- the police and the school on the case table of one case; the school is bound by
  professional secrecy, the police is not;
- youth work at the round table but not on the case table;
- two police officers (colleagues), a teacher, a youth worker; a police auditor and a police
  policy officer.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from httpx2 import Response

from tests.conftest import Table


@dataclass(frozen=True)
class Person:
    id: str
    token: str
    organisation_id: str


def random_id() -> str:
    return str(uuid.uuid4())


def register(table: Table, organisation_id: str, role: str = "member") -> Person:
    person_id, token = table.person(organisation_id, role)
    return Person(person_id, token, organisation_id)


def owner_ids(owner: dict[str, Any] | None) -> dict[str, str] | None:
    """A contribution's `owner` without the names beside the ids (None stays None)."""
    return None if owner is None else {k: owner[k] for k in ("organisation_id", "person_id")}


def head(table: Table) -> int:
    """The position of the last event in the store."""
    return int(table.built.services.ctx.app.recorder.max_notification_id() or 0)


@dataclass
class World:
    table: Table
    prevention: str
    police: str
    school: str
    youth: str
    chair: Person
    second_chair: Person
    officer: Person
    colleague: Person
    teacher: Person
    youth_worker: Person
    auditor: Person
    policy: Person
    case_id: str

    def person(self, organisation_id: str, role: str = "member") -> Person:
        return register(self.table, organisation_id, role)

    def get(self, path: str, who: Person, **headers: str) -> Response:
        return self.table.client.get(path, headers={**self.table.headers(who.token), **headers})

    def post(self, path: str, who: Person, body: dict[str, Any] | None = None) -> Response:
        return self.table.client.post(path, json=body or {}, headers=self.table.headers(who.token))

    def put(self, path: str, who: Person, body: dict[str, Any]) -> Response:
        return self.table.client.put(path, json=body, headers=self.table.headers(who.token))

    def delete(self, path: str, who: Person) -> Response:
        return self.table.client.delete(path, headers=self.table.headers(who.token))

    def ok(self, response: Response, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json()

    def contribute(self, who: Person, case_id: str | None = None, **rule: Any) -> str:
        return self.table.contribute(case_id or self.case_id, who.token, **rule)

    def sees(self, contribution_id: str, who: Person) -> bool:
        return self.table.visible(contribution_id, who.token)

    def seen_by(self, contribution_id: str) -> set[str]:
        """The names of the world's people who may see the contribution."""
        return {name for name, who in self.people().items() if self.sees(contribution_id, who)}

    def people(self) -> dict[str, Person]:
        return {
            "chair": self.chair, "second_chair": self.second_chair, "officer": self.officer,
            "colleague": self.colleague, "teacher": self.teacher,
            "youth_worker": self.youth_worker, "auditor": self.auditor, "policy": self.policy,
        }

    def shown(self, contribution_id: str, who: Person) -> dict[str, Any]:
        found: dict[str, Any] = self.ok(self.get(f"/v1/contributions/{contribution_id}", who))
        return found

    def listed(self, who: Person, case_id: str | None = None) -> list[str]:
        """The ids of the contributions in the case's list, as `who` gets it."""
        found = self.ok(self.get(f"/v1/cases/{case_id or self.case_id}/contributions", who))
        return [c["id"] for c in found]

    def meeting(self, *present: Person, case_ids: list[str] | None = None) -> str:
        created = self.ok(self.post("/v1/meetings", self.chair, {
            "held_on": "2026-11-02", "case_ids": case_ids or [self.case_id]}), 201)
        meeting_id = str(created["id"])
        if present:
            self.attend(meeting_id, *present)
        return meeting_id

    def attend(self, meeting_id: str, *present: Person) -> int:
        body = {"person_ids": [p.id for p in present]}
        return int(self.ok(self.post(f"/v1/meetings/{meeting_id}/attendance", self.chair,
                                     body))["position"])

    def snapshot(self) -> dict[str, Any]:
        """Everything the chair can read, to compare before and after a failed request."""
        cases = self.ok(self.get("/v1/cases", self.chair))
        return {
            "organisations": self.ok(self.get("/v1/organisations", self.chair)),
            "cases": [
                {
                    "case": self.ok(self.get(f"/v1/cases/{c['id']}", self.chair)),
                    "contributions": self.ok(self.get(f"/v1/cases/{c['id']}/contributions",
                                                      self.chair)),
                    "actions": self.ok(self.get(f"/v1/cases/{c['id']}/actions", self.chair)),
                }
                for c in cases
            ],
        }

    @contextmanager
    def unchanged(self) -> Iterator[None]:
        """Asserts that whatever runs inside writes no event and changes no chair's view."""
        before = self.snapshot()
        position = head(self.table)
        yield
        assert head(self.table) == position, "a failed request wrote an event"
        assert self.snapshot() == before


def build_world(table: Table) -> World:
    prevention = table.chair_organisation_id
    police = table.organisation("Police")
    school = table.organisation("School", secrecy=True)
    youth = table.organisation("Youth work", kind="informal")

    def person(organisation_id: str, role: str = "member") -> Person:
        return register(table, organisation_id, role)

    return World(
        table=table,
        prevention=prevention,
        police=police,
        school=school,
        youth=youth,
        chair=Person(table.chair_id, table.chair_token, prevention),
        second_chair=person(prevention, "chair"),
        officer=person(police),
        colleague=person(police),
        teacher=person(school),
        youth_worker=person(youth),
        auditor=person(police, "auditor"),
        policy=person(police, "policy"),
        case_id=table.case("Subject Name", police, school),
    )


def body_without(response: Response, *ids: str) -> bytes:
    """The response body with the given ids blanked, to compare answers that differ only there."""
    content = response.content
    for one in ids:
        content = content.replace(one.encode(), b"<id>")
    return content
