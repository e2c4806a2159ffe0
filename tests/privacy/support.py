"""What the privacy tests share: distinctive secrets, a byte search of a data directory, and
`roundtable serve` in a child process whose log is kept."""

from __future__ import annotations

import base64
import json
import sqlite3
import subprocess
import sys
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from roundtable.bootstrap import Paths
from roundtable.sealing import CaseKeyStore, load_key_encryption_key
from tests.conftest import Table
from tests.processes import Server, child_env, free_port

__all__ = ["Server", "child_env", "free_port"]


def secret(label: str) -> str:
    """A string found nowhere by chance: a label, non-ASCII letters and a random marker."""
    return f"Zoë Ĳsbrandt-{label} {uuid.uuid4().hex[:16]}"


@dataclass
class Secrets:
    """One distinctive string per sealed field of a case."""

    subject: str = field(default_factory=lambda: secret("subject"))
    summary: str = field(default_factory=lambda: secret("summary"))
    texts: list[str] = field(default_factory=lambda: [secret(f"text{i}") for i in range(7)])
    action: str = field(default_factory=lambda: secret("action"))
    close_reason: str = field(default_factory=lambda: secret("close"))
    erase_reason: str = field(default_factory=lambda: secret("erase"))

    def all(self) -> list[str]:
        return [self.subject, self.summary, *self.texts, self.action, self.close_reason,
                self.erase_reason]


def variants(text: str) -> set[bytes]:
    """The byte forms under which `text` could have been written down in the clear."""
    forms = {text, text.lower(), text.upper(), text.casefold(), text.title(),
             unicodedata.normalize("NFD", text), json.dumps(text)[1:-1],
             json.dumps(text, ensure_ascii=False)[1:-1], text.split()[-1]}  # the random marker
    out: set[bytes] = set()
    for form in forms:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            out.add(form.encode(encoding))
        out.add(form.encode("latin-1", errors="replace"))
    return out


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


def leaks(directory: Path, texts: list[str]) -> list[tuple[str, str]]:
    """(file, text) for every file under `directory` holding any form of any of `texts`."""
    wanted = [(t, v) for t in texts for v in variants(t)]
    found = []
    for path in files_under(directory):
        data = path.read_bytes()
        for text, form in wanted:
            if form in data:
                found.append((str(path.relative_to(directory)), text))
                break
    return found


def text_leaks(output: str, texts: list[str]) -> list[str]:
    data = output.encode("utf-8", errors="replace")
    return [t for t in texts if any(v in data for v in variants(t))]


def key_forms(key: bytes) -> list[bytes]:
    """A raw key as bytes, hex and base64 (either alphabet), the ways it could be stored."""
    return [key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key),
            base64.urlsafe_b64encode(key), base64.b64encode(key).rstrip(b"=")]


def snapshot(paths: Paths, into: Path) -> None:
    """A consistent copy of the event store, the views and the credentials (online backup)."""
    into.mkdir(parents=True, exist_ok=True)
    for source in (paths.events, paths.views, paths.credentials):
        src = sqlite3.connect(source)
        dst = sqlite3.connect(into / source.name)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`roundtable ARGS` in a child process, as an operator (or cron) runs it."""
    return subprocess.run(
        [sys.executable, "-m", "roundtable.cli", *args], capture_output=True, text=True,
        timeout=60, env=child_env(),
    )


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@dataclass(frozen=True)
class Party:
    id: str
    token: str
    organisation_id: str


@dataclass
class World:
    """A case with every sealed field written, as in normal use, and a second case beside it.

    The prevention service chairs; the police and the school are on the case table, youth work
    is at the round table only. Contributions, by index of `secrets.texts`:

    0. the chair's, GREEN;
    1. the officer's, AMBER, actionable by the police (the action is based on it);
    2. the officer's, RED for the teacher alone (not the chair);
    3. the officer's, AMBER narrowed to the school (not the chair's organisation);
    4. the teacher's, AMBER, then withdrawn;
    5. the officer's, GREEN, then changed to AMBER+STRICT;
    6. the officer's, RED for those present at the meeting (the chair and the officer).
    """

    client: Any
    secrets: Secrets
    other: Secrets
    prevention: str
    police: str
    school: str
    youth: str
    chair: Party
    officer: Party
    teacher: Party
    youth_worker: Party
    auditor: Party
    case_id: str
    other_case_id: str
    contributions: list[str]
    other_contribution: str
    action_id: str
    meeting_id: str

    def request(self, method: str, path: str, who: Party, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {who.token}"}
        if body is None:
            return self.client.request(method, path, headers=headers)
        return self.client.request(method, path, json=body, headers=headers)

    def get(self, path: str, who: Party) -> Any:
        return self.request("GET", path, who)

    def post(self, path: str, who: Party, body: Any, status: int = 201) -> Any:
        return ok(self.request("POST", path, who, body), status)

    def people(self) -> list[Party]:
        return [self.chair, self.officer, self.teacher, self.youth_worker, self.auditor]


def populate(client: Any, chair: Party, *, close: bool = True, held_on: str = "2026-11-02",
             secrets: Secrets | None = None) -> World:
    """Write every sealed field of a case through the API (`client`: TestClient or httpx)."""
    secrets = secrets or Secrets()
    other = Secrets()

    def post(path: str, who: Party, body: Any, status: int = 201) -> Any:
        response = client.post(path, json=body, headers={"Authorization": f"Bearer {who.token}"})
        return ok(response, status)

    def organisation(name: str, secrecy: bool = False) -> str:
        body = {"name": name, "sector": "social", "kind": "formal",
                "professional_secrecy": secrecy}
        return str(post("/v1/organisations", chair, body)["id"])

    def person(organisation_id: str, role: str, name: str) -> Party:
        body = {"name": name, "organisation_id": organisation_id, "role": role}
        created = post("/v1/people", chair, body)
        party = Party(str(created["id"]), str(created["token"]), organisation_id)
        if created["confirmed"]:
            confirmers.setdefault(organisation_id, party)
        else:
            post(f"/v1/people/{party.id}/confirm", confirmers[organisation_id], {}, 200)
        return party

    confirmers: dict[str, Party] = {}

    police, school, youth = organisation("Police"), organisation("School", True), organisation(
        "Youth work")
    officer = person(police, "member", "Officer")
    teacher = person(school, "member", "Teacher")
    youth_worker = person(youth, "member", "Youth worker")
    auditor = person(police, "auditor", "Auditor")

    def case(s: Secrets) -> str:
        body = {"subject": {"name": s.subject, "birth_year": 2009}, "summary": s.summary}
        case_id = str(post("/v1/cases", chair, body)["id"])
        for org in (police, school):
            post(f"/v1/cases/{case_id}/organisations", chair, {"organisation_id": org})
        return case_id

    case_id, other_case_id = case(secrets), case(other)
    meeting_id = str(post("/v1/meetings", chair, {"held_on": held_on,
                                                  "case_ids": [case_id]})["id"])
    post(f"/v1/meetings/{meeting_id}/attendance", chair,
         {"person_ids": [chair.id, officer.id]}, 200)

    def contribute(who: Party, text: str, **rule: Any) -> str:
        body = {"text": text, "tlp": "AMBER", **rule}
        return str(post(f"/v1/cases/{case_id}/contributions", who, body)["id"])

    t = secrets.texts
    contributions = [
        contribute(chair, t[0], tlp="GREEN"),
        contribute(officer, t[1], actionable_by=[police]),
        contribute(officer, t[2], tlp="RED", recipients=[teacher.id]),
        contribute(officer, t[3], organisations=[school]),
        contribute(teacher, t[4]),
        contribute(officer, t[5], tlp="GREEN"),
        contribute(officer, t[6], tlp="RED", meeting_id=meeting_id),
    ]
    post(f"/v1/contributions/{contributions[4]}/withdraw", teacher, {}, 200)
    response = client.put(f"/v1/contributions/{contributions[5]}/sharing",
                          json={"tlp": "AMBER+STRICT"},
                          headers={"Authorization": f"Bearer {officer.token}"})
    ok(response)
    action_id = str(post(f"/v1/cases/{case_id}/actions", chair, {
        "description": secrets.action, "assignee_organisation_id": police,
        "due_on": "2099-12-01", "based_on": [contributions[1]]})["id"])
    post(f"/v1/actions/{action_id}/complete", officer, {}, 200)
    other_contribution = str(post(f"/v1/cases/{other_case_id}/contributions", officer,
                                  {"text": other.texts[0], "tlp": "GREEN"})["id"])
    if close:
        post(f"/v1/cases/{case_id}/close", chair, {"reason": secrets.close_reason}, 200)
    prevention = chair.organisation_id
    return World(client, secrets, other, prevention, police, school, youth, chair, officer,
                 teacher, youth_worker, auditor, case_id, other_case_id, contributions,
                 other_contribution, action_id, meeting_id)


def read_everything(world: World) -> str:
    """Every read of the case each person may make, concatenated (for searching)."""
    out = []
    paths = [f"/v1/cases/{world.case_id}", f"/v1/cases/{world.case_id}/contributions",
             f"/v1/cases/{world.case_id}/actions", f"/v1/cases/{world.case_id}/export",
             "/v1/cases", f"/v1/meetings/{world.meeting_id}", "/v1/reviews",
             f"/v1/audit/disclosures?case_id={world.case_id}", "/v1/audit/events?limit=1000",
             *(f"/v1/contributions/{c}" for c in world.contributions),
             *(f"/v1/contributions/{c}/access" for c in world.contributions),
             *(f"/v1/audit/views/{p.id}" for p in world.people())]
    for who in world.people():
        for path in paths:
            response = world.get(path, who)
            assert response.status_code < 500, (path, response.text)
            out.append(response.text)
    return "\n".join(out)


def key_store(paths: Paths) -> CaseKeyStore:
    return CaseKeyStore(paths.case_keys, load_key_encryption_key(paths.keys))


def has_key(paths: Paths, case_id: str) -> bool:
    store = key_store(paths)
    try:
        return store.exists(UUID(case_id))
    finally:
        store.close()


def erase(world: World, status: int = 200) -> Any:
    response = world.request("POST", f"/v1/cases/{world.case_id}/erase", world.chair,
                             {"reason": world.secrets.erase_reason})
    assert response.status_code == status, response.text
    return response.json()


def assert_erased(world: World) -> None:
    """Nothing of the case reads back, for anyone, through any endpoint; the other case does."""
    case_path = f"/v1/cases/{world.case_id}"
    case = ok(world.get(case_path, world.chair))
    assert case["status"] == "erased"
    assert case["subject"] is None
    assert case["summary"] is None
    assert case["close_reason"] is None
    listed = {c["id"]: c for c in ok(world.get("/v1/cases", world.chair))}
    assert listed[world.case_id]["status"] == "erased"
    assert listed[world.case_id]["subject"] is None
    assert ok(world.get(f"{case_path}/contributions", world.chair)) == []
    assert [a["description"] for a in ok(world.get(f"{case_path}/actions", world.chair))] == [
        None]
    export = ok(world.get(f"{case_path}/export", world.chair))
    assert export["case"]["subject"] is None
    assert len(export["contributions"]) == len(world.contributions)
    assert all(c["text"] is None for c in export["contributions"])
    for who in (world.officer, world.teacher, world.youth_worker, world.auditor):
        assert world.get(case_path, who).status_code == 404
        assert world.case_id not in [c["id"] for c in ok(world.get("/v1/cases", who))]
        assert world.get(f"{case_path}/contributions", who).status_code == 404
    for who in world.people():
        for contribution_id in world.contributions:
            assert world.get(f"/v1/contributions/{contribution_id}", who).status_code == 404
    # Every endpoint, as every person: not a trace of the erased case's text.
    assert text_leaks(read_everything(world), world.secrets.all()) == []
    # The other case is untouched.
    other = ok(world.get(f"/v1/cases/{world.other_case_id}", world.officer))
    assert other["status"] == "open"
    assert other["subject"]["name"] == world.other.subject
    assert other["summary"] == world.other.summary
    shown = ok(world.get(f"/v1/contributions/{world.other_contribution}", world.teacher))
    assert shown["text"] == world.other.texts[0]


def chair_of(table: Table) -> Party:
    return Party(table.chair_id, table.chair_token, table.chair_organisation_id)


def head(table: Table) -> int:
    return int(table.built.services.ctx.app.recorder.max_notification_id() or 0)
