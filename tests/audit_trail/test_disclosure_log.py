"""The disclosure log (LED art. 25): every answer that shows contribution text is recorded, durably,
before it leaves; answers that show nothing record nothing; reading the log is itself recorded;
and the log is tamper-evident."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.audit.disclosure_writer import DisclosureWriter
from roundtable.audit.disclosures import Disclosure, DisclosureLog, disclosure_leaf
from roundtable.audit.trail import DISCLOSURE_TREE
from tests.audit_trail.support import (
    TEXTS,
    Scene,
    closing,
    first_bad_positions,
    verify_cli,
)

LIST = "GET /v1/cases/{id}/contributions"
SINGLE = "GET /v1/contributions/{id}"
READ_LOG = "GET /v1/audit/disclosures"


def on_disk(scene: Scene) -> list[dict[str, Any]]:
    """The disclosure records as committed to audit.sqlite, seen from a connection of our own."""
    with closing(scene.table.paths.audit) as db:
        rows = db.execute("SELECT seq, person_id, case_id, contribution_ids, endpoint "
                          "FROM disclosures ORDER BY seq").fetchall()
    return [{"seq": r[0], "person_id": r[1], "case_id": r[2],
             "contribution_ids": json.loads(r[3]), "endpoint": r[4]} for r in rows]


def listed(scene: Scene, case_id: str | None = None) -> list[dict[str, Any]]:
    params = {"case_id": case_id} if case_id else {}
    found: list[dict[str, Any]] = scene.ok("/v1/audit/disclosures", scene.auditor,
                                           **params)["disclosures"]
    return found


def test_listing_contributions_records_who_saw_which_ids_before_the_answer_arrives(
    scene: Scene,
) -> None:
    before = len(on_disk(scene))
    shown = scene.ok(f"/v1/cases/{scene.case_id}/contributions", scene.officer)
    assert sorted(c["text"] for c in shown) == sorted(TEXTS)
    # Committed by the time the answer is here: another connection already sees it.
    (record,) = on_disk(scene)[before:]
    assert record["person_id"] == scene.officer.id
    assert record["case_id"] == scene.case_id
    assert sorted(record["contribution_ids"]) == sorted(c["id"] for c in shown)
    assert record["endpoint"] == LIST


def test_reading_one_contribution_records_that_id_and_that_endpoint(scene: Scene) -> None:
    before = len(on_disk(scene))
    contribution_id = scene.contributions[1]
    assert scene.ok(f"/v1/contributions/{contribution_id}", scene.teacher)["text"] == TEXTS[1]
    (record,) = on_disk(scene)[before:]
    assert (record["person_id"], record["case_id"], record["contribution_ids"],
            record["endpoint"]) == (scene.teacher.id, scene.case_id, [contribution_id], SINGLE)


def test_only_the_contributions_shown_are_recorded(scene: Scene) -> None:
    """The teacher (school: on the case table) sees AMBER and GREEN but not a RED for others."""
    hidden, _ = scene.contribute(scene.officer, "Contribution-plaintext: red",
                                 tlp="RED", recipients=[scene.chair.id])
    before = len(on_disk(scene))
    shown = [c["id"] for c in scene.ok(f"/v1/cases/{scene.case_id}/contributions",
                                       scene.teacher)]
    assert hidden not in shown
    (record,) = on_disk(scene)[before:]
    assert sorted(record["contribution_ids"]) == sorted(shown)


def test_reads_that_show_no_contribution_text_record_nothing(scene: Scene) -> None:
    empty_case = scene.table.case("An Empty Case", scene.police)
    red, _ = scene.contribute(scene.officer, "Contribution-plaintext: for the chair only",
                              tlp="RED", recipients=[scene.chair.id])
    before = on_disk(scene)
    assert scene.ok(f"/v1/cases/{empty_case}/contributions", scene.officer) == []
    reads = [
        (f"/v1/cases/{scene.case_id}/contributions", scene.youth_worker),  # not on the table
        (f"/v1/contributions/{red}", scene.teacher),  # RED for someone else
        (f"/v1/contributions/{uuid.uuid4()}", scene.officer),  # no such contribution
        (f"/v1/cases/{scene.case_id}/contributions", scene.auditor),  # metadata only
        (f"/v1/contributions/{scene.contributions[0]}", scene.policy),  # aggregates only
    ]
    for path, who in reads:
        response = scene.get(path, who)
        assert response.status_code in (403, 404), (path, response.text)
        assert not any(text in response.text for text in TEXTS)
    assert on_disk(scene) == before


def test_an_answer_whose_disclosure_cannot_be_recorded_does_not_leave(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: DisclosureLog, entries: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(DisclosureLog, "_write_batch", broken)
    client = TestClient(create_app(scene.table.built.services), raise_server_exceptions=False)
    headers = scene.table.headers(scene.officer.token)
    for path in (f"/v1/cases/{scene.case_id}/contributions",
                 f"/v1/contributions/{scene.contributions[0]}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 500
        assert not any(text in response.text for text in TEXTS), path
    monkeypatch.undo()
    assert on_disk(scene) == []


def test_the_disclosure_log_filters_by_case_and_records_its_own_readers(scene: Scene) -> None:
    other_case = scene.table.case("Other Subject", scene.police)
    other, _ = scene.contribute(scene.officer, "Contribution-plaintext: other case")
    scene.table.post(f"/v1/cases/{other_case}/contributions",
                     {"text": "Contribution-plaintext: elsewhere", "tlp": "GREEN"},
                     scene.officer.token)
    scene.ok(f"/v1/cases/{scene.case_id}/contributions", scene.officer)
    scene.ok(f"/v1/cases/{other_case}/contributions", scene.chair)
    scene.ok(f"/v1/contributions/{other}", scene.teacher)

    first = listed(scene, scene.case_id)
    assert [(d["person_id"], d["endpoint"]) for d in first] == [
        (scene.officer.id, LIST), (scene.teacher.id, SINGLE)]
    assert {frozenset(d) for d in first} == {frozenset(
        {"person_id", "case_id", "contribution_ids", "endpoint", "at", "kind", "ids"})}
    assert all(d["case_id"] == scene.case_id for d in first)

    second = listed(scene, scene.case_id)
    assert second[: len(first)] == first
    (reading,) = second[len(first):]
    assert (reading["person_id"], reading["contribution_ids"], reading["endpoint"]) == (
        scene.auditor.id, [], READ_LOG)

    elsewhere = listed(scene, other_case)
    assert [(d["person_id"], d["endpoint"]) for d in elsewhere] == [(scene.chair.id, LIST)]
    # The chair reads it too (and is recorded); the unfiltered log has every record.
    assert scene.ok("/v1/audit/disclosures", scene.chair)["disclosures"][-1]["endpoint"] == (
        READ_LOG)
    assert len(listed(scene)) == len(on_disk(scene)) - 1


def disclosure_report(scene: Scene) -> dict[str, Any]:
    report: dict[str, Any] = scene.ok("/v1/audit/verify", scene.auditor)
    return report


def some_disclosures(scene: Scene) -> None:
    """Three records (officer, teacher, chair), with checkpoints of sizes 1 and 3."""
    for who in (scene.officer, scene.teacher, scene.chair):
        scene.ok(f"/v1/cases/{scene.case_id}/contributions", who)
        if who is scene.officer:
            scene.ok("/v1/audit/checkpoint", scene.auditor)
    scene.ok("/v1/audit/checkpoint", scene.auditor)


def test_intact_disclosures_verify(scene: Scene) -> None:
    some_disclosures(scene)
    report = disclosure_report(scene)
    assert report["ok"] is True
    assert report["disclosures"]["ok"] is True
    assert report["disclosures"]["length"] == len(on_disk(scene))


@pytest.mark.parametrize("edit", [
    "UPDATE disclosures SET person_id=(SELECT person_id FROM disclosures WHERE seq=1) "
    "WHERE seq=2",
    "UPDATE disclosures SET contribution_ids='[]' WHERE seq=2",
    "DELETE FROM disclosures WHERE seq=2",
], ids=["reader-replaced", "ids-removed", "record-deleted"])
def test_tampering_with_a_disclosure_record_fails_verification(scene: Scene, edit: str) -> None:
    some_disclosures(scene)
    assert on_disk(scene)[1]["person_id"] == scene.teacher.id
    with closing(scene.table.paths.audit) as db:
        assert db.execute(edit).rowcount == 1
    report = disclosure_report(scene)
    assert report["ok"] is False
    assert report["disclosures"]["ok"] is False
    assert report["disclosures"]["first_bad_position"] == 2
    assert report["first_bad_position"] is None  # the event log itself is intact
    code, out = verify_cli(scene.table.paths)
    assert code == 1
    assert first_bad_positions(out) == ["disclosure log: first bad position: 2"], out


def test_a_disclosure_record_removed_with_its_tree_rebuilt_is_caught_by_the_checkpoint(
    scene: Scene,
) -> None:
    """The tree lives beside the records; only the signed checkpoints can tell."""
    some_disclosures(scene)
    with closing(scene.table.paths.audit) as db:
        db.execute("DELETE FROM disclosures WHERE seq=2")
        db.execute(f"DELETE FROM {DISCLOSURE_TREE.leaves}")
        db.execute(f"DELETE FROM {DISCLOSURE_TREE.nodes}")
        for seq, person, case, ids, endpoint, at, kind, shown in db.execute(
            "SELECT seq, person_id, case_id, contribution_ids, endpoint, at, kind, ids "
            "FROM disclosures ORDER BY seq"
        ).fetchall():
            entry = Disclosure(person, case, tuple(json.loads(ids)), endpoint, at, kind,
                               tuple(json.loads(shown)))
            DISCLOSURE_TREE.append(db, seq, disclosure_leaf(seq, entry))
    report = disclosure_report(scene)
    assert report["disclosures"]["ok"] is False
    assert report["disclosures"]["first_bad_position"] == 2
    code, out = verify_cli(scene.table.paths)
    assert code == 1
    assert first_bad_positions(out) == ["disclosure log: first bad position: 2"], out


@pytest.mark.parametrize("recorder", ["log", "writer"])
def test_concurrent_disclosures_are_each_recorded_once_and_verify(
    scene: Scene, recorder: str
) -> None:
    """Through the log's own group commit, and through the writer thread the reads use."""
    services = scene.table.built.services
    log: DisclosureLog | DisclosureWriter = (
        services.audit.disclosure_log if recorder == "log" else services.disclosure_writer)
    readers = [uuid.uuid4() for _ in range(24)]
    start = threading.Barrier(len(readers))

    def read(person: uuid.UUID) -> None:
        start.wait()
        log.record(person, [scene.contributions[0]], LIST, uuid.UUID(scene.case_id))

    threads = [threading.Thread(target=read, args=(p,)) for p in readers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r["person_id"] for r in on_disk(scene)) == sorted(map(str, readers))
    report = disclosure_report(scene)
    assert report["disclosures"]["ok"] is True
    assert report["disclosures"]["length"] == len(readers)
