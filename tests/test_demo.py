"""The demo round table: what `roundtable demo` promises, read back through the HTTP API."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from projections.db import Db
from roundtable.bootstrap import Built, Paths, build
from roundtable.cli import main
from roundtable.demo import create_demo
from roundtable.setup import AlreadyInitialised


@dataclass
class Demo:
    paths: Paths
    made: dict[str, Any]
    built: Built
    client: TestClient

    @property
    def chair_token(self) -> str:
        return str(self.made["chair"]["token"])

    @property
    def db(self) -> Db:
        return self.built.services.ctx.queries.db

    def get(self, path: str, token: str | None = None) -> Any:
        response = self.client.get(
            path, headers={"Authorization": f"Bearer {token or self.chair_token}"})
        assert response.status_code == 200, response.text
        return response.json()

    def count(self, sql: str) -> int:
        return int(self.db.execute(sql).fetchone()[0])

    def rules(self) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT rule FROM contributions")]

    def visible(self, token: str) -> set[str]:
        """The ids of every contribution the token's holder sees, case by case."""
        return {c["id"] for case in self.get("/v1/cases", token)
                for c in self.get(f"/v1/cases/{case['id']}/contributions", token)}


def paths_in(directory: Path) -> Paths:
    return Paths(directory / "data", directory / "data" / "keys")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    paths = paths_in(tmp_path_factory.mktemp("demo"))
    made = create_demo(paths)
    built = build(paths)
    yield Demo(paths, made, built, TestClient(create_app(built.services)))
    built.close()


def file_bytes(directory: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_the_demo_has_ten_organisations_formal_and_informal(demo: Demo) -> None:
    organisations = demo.get("/v1/organisations")
    assert len(organisations) == 10
    informal = {o["name"] for o in organisations if o["kind"] == "informal"}
    assert informal == {"Al-Nour mosque council", "FC Zennebeek Sport (football club)"}
    bound = {o["sector"] for o in organisations if o["professional_secrecy"]}
    assert bound == {"pupil guidance", "mental health", "social welfare"}
    assert sum(o["sector"] == "education" for o in organisations) == 2


def test_the_demo_has_fifteen_people_one_chair_one_auditor_one_policy_person(
    demo: Demo,
) -> None:
    roles = dict(demo.db.execute("SELECT role, count(*) FROM people GROUP BY role").fetchall())
    assert roles == {"chair": 1, "member": 12, "auditor": 1, "policy": 1}


def test_the_demo_has_six_pseudonymous_cases_and_one_situation_each_with_a_table(
    demo: Demo,
) -> None:
    cases = demo.get("/v1/cases")
    people = [c for c in cases if c["kind"] == "person"]
    assert len(people) == 6  # five, and the one opened on the accepted signal
    [situation] = [c for c in cases if c["kind"] == "situation"]
    assert situation["subject"] is None
    assert "Molenveld and Westwijk" in situation["title"]
    for case in people:
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z]\.", case["subject"]["name"]), case["subject"]
        assert 2 <= len(demo.get(f"/v1/cases/{case['id']}")["organisations"]) <= 4


def test_the_two_meetings_were_held_in_the_past_month_with_agenda_and_attendance(
    demo: Demo,
) -> None:
    ids = [r[0] for r in demo.db.execute("SELECT id FROM meetings ORDER BY held_on")]
    assert len(ids) == 2
    for meeting_id in ids:
        meeting = demo.get(f"/v1/meetings/{meeting_id}")
        held_on = date.fromisoformat(meeting["held_on"])
        assert date.today() - timedelta(days=31) <= held_on < date.today()
        assert len(meeting["case_ids"]) >= 3
        assert len(meeting["present"]) >= 8
        assert len(meeting["excused"]) == 1
        assert (meeting["place"], meeting["starts_at"]) == ("Town hall, room 2", "14:00")


def meetings(demo: Demo) -> list[dict[str, Any]]:
    """The demo's meetings as the chair reads them, oldest first."""
    return [demo.get(f"/v1/meetings/{m['id']}") for m in demo.get("/v1/meetings")]


def test_the_last_meeting_proposes_one_case_for_closing_and_has_new_and_ongoing_items(
    demo: Demo,
) -> None:
    last = meetings(demo)[-1]
    items = sorted(i["item"] for i in last["agenda"])
    assert items.count("to_close") == 1
    assert {"new", "ongoing"} <= set(items)
    [closing] = [i for i in last["agenda"] if i["item"] == "to_close"]
    minutes = next(m for m in last["minutes"] if m["case_id"] == closing["case_id"])
    assert any("closing" in d for d in minutes["decisions"])


def test_minutes_are_read_by_those_present_and_not_by_the_excused(demo: Demo) -> None:
    police, mosque = demo.made["partners"]
    first = meetings(demo)[0]
    assert first["minutes"], "the chair reads the minutes"
    assert police["person_id"] in {p["id"] for p in first["present"]}
    assert demo.get(f"/v1/meetings/{first['id']}", police["token"])["minutes"] == \
        first["minutes"]
    assert [p["id"] for p in first["excused"]] == [mosque["person_id"]]
    assert demo.get(f"/v1/meetings/{first['id']}", mosque["token"])["minutes"] == []


def test_red_cited_at_a_meeting_comes_from_people_present_there(demo: Demo) -> None:
    present = {m["id"]: {p["id"] for p in m["present"]} for m in meetings(demo)}
    cited = demo.db.execute("SELECT contributor_id, rule FROM contributions").fetchall()
    at_meetings = [(str(owner), json.loads(rule)["meeting_id"]) for owner, rule in cited
                   if json.loads(rule)["meeting_id"]]
    assert len(at_meetings) >= 4
    for owner, meeting_id in at_meetings:
        assert owner in present[meeting_id]


def test_one_action_was_not_possible_and_says_why(demo: Demo) -> None:
    actions = demo.get("/v1/actions")
    [failed] = [a for a in actions if a["outcome"] == "not_possible"]
    notes = demo.get(f"/v1/actions/{failed['id']}")["notes"]
    assert [n["kind"] for n in notes] == ["outcome"]
    assert "refused the invitation" in notes[0]["text"]
    assert sum(a["outcome"] == "done" for a in actions) >= 3
    assert any(a["outcome"] is None for a in actions)


def test_one_signal_was_accepted_into_a_case_and_one_declined_with_a_reason(
    demo: Demo,
) -> None:
    signals = demo.get("/v1/signals")
    assert sorted(s["status"] for s in signals) == ["accepted", "declined"]
    accepted = next(s for s in signals if s["status"] == "accepted")
    assert demo.get(f"/v1/cases/{accepted['case_id']}")["subject"]["name"] == "Bram V."
    declined = next(s for s in signals if s["status"] == "declined")
    assert "not a sign of radicalisation" in declined["reason"]


def test_there_are_64_contributions_and_every_tlp_level_occurs(demo: Demo) -> None:
    rules = demo.rules()
    assert len(rules) == 64  # 63 in the demo's tables, one from the accepted signal
    assert {r["tlp"] for r in rules} == {"RED", "AMBER+STRICT", "AMBER", "GREEN", "CLEAR"}
    red = [r for r in rules if r["tlp"] == "RED"]
    assert any(r["meeting_id"] for r in red)
    assert any(r["recipients"] for r in red)


def test_contributions_use_narrowing_acting_anonymity_and_expiry(demo: Demo) -> None:
    rules = demo.rules()
    for field in ("organisations", "actionable_by", "expires_at"):
        assert any(r[field] for r in rules), field
    assert any(r["secrecy_bound_only"] for r in rules)
    assert sum(r["anonymous"] for r in rules) >= 3


def test_one_contribution_had_its_sharing_changed_and_one_was_withdrawn(demo: Demo) -> None:
    assert demo.count("SELECT count(*) FROM contributions WHERE rule_at > added_at") == 1
    assert demo.count("SELECT count(*) FROM contributions WHERE withdrawn_at IS NOT NULL") == 1


def test_actions_are_based_on_contributions_and_some_are_completed(demo: Demo) -> None:
    actions = [a for case in demo.get("/v1/cases")
               for a in demo.get(f"/v1/cases/{case['id']}/actions")]
    assert all(date.fromisoformat(a["due_on"]) > date.today() for a in actions)
    assert len(actions) >= 5
    assert all(a["based_on"] and a["description"] for a in actions)
    assert 0 < sum(a["completed"] for a in actions) < len(actions)


def test_the_police_got_one_feedback_sheet_and_one_was_refused(demo: Demo) -> None:
    sheets = [s for case in demo.get("/v1/cases")
              for s in demo.get(f"/v1/cases/{case['id']}/feedback")]
    assert sorted(s["status"] for s in sheets) == ["refused", "released"]
    police = next(p for p in demo.made["partners"] if "police" in p["organisation"])
    released = next(s for s in sheets if s["status"] == "released")
    assert demo.get(f"/v1/feedback/{released['id']}", police["token"])["text"]


def test_every_livcr_sector_sits_at_the_demo_table_and_sport_beside_them(demo: Demo) -> None:
    network = demo.get("/v1/network")
    assert network["missing"] == []
    assert [o["sector"] for o in network["other"]] == ["sport"]


def test_the_handed_out_tokens_belong_to_the_chair_and_two_partners(demo: Demo) -> None:
    assert demo.get("/v1/me")["role"] == "chair"
    partners = demo.made["partners"]
    assert len(partners) == 2
    for partner in partners:
        me = demo.get("/v1/me", partner["token"])
        assert (me["id"], me["name"], me["role"]) == (
            partner["person_id"], partner["name"], "member")
    assert demo.chair_token in demo.made["hint"]


def test_the_auditor_and_the_policy_officer_get_tokens_that_see_no_case(demo: Demo) -> None:
    for key, role in (("auditor", "auditor"), ("policy", "policy")):
        printed = demo.made[key]
        me = demo.get("/v1/me", printed["token"])
        assert (me["id"], me["name"], me["role"]) == (printed["person_id"], printed["name"], role)
        assert demo.get("/v1/cases", printed["token"]) == []
    figures = demo.get("/v1/policy/figures", demo.made["policy"]["token"])
    assert figures["figures"]["cases_opened"] == 7  # the demo opens 7 cases: no suppression


def test_the_two_partners_see_different_sets_and_neither_all_the_chair_sees(
    demo: Demo,
) -> None:
    chair = demo.visible(demo.chair_token)
    police, mosque = (demo.visible(p["token"]) for p in demo.made["partners"])
    assert police - mosque, "the police see nothing the mosque council does not"
    assert mosque - police, "the mosque council sees nothing the police do not"
    assert chair - police, "the police see all the chair sees"
    assert chair - mosque, "the mosque council sees all the chair sees"


def test_a_second_demo_in_the_same_directory_raises_and_changes_nothing(
    tmp_path: Path,
) -> None:
    paths = paths_in(tmp_path)
    create_demo(paths)
    before = file_bytes(tmp_path)
    with pytest.raises(AlreadyInitialised):
        create_demo(paths)
    assert file_bytes(tmp_path) == before


def test_the_demo_command_prints_the_tokens_and_refuses_a_second_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(tmp_path / "data")
    assert main(["demo", "--data", data]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["data"] == data
    assert printed["chair"]["token"]
    assert [p["organisation"] for p in printed["partners"]] == [
        "Local police zone Zennebeek", "Al-Nour mosque council"]
    assert main(["demo", "--data", data]) == 1
    assert "already holds a round table" in capsys.readouterr().err
