"""The log signs itself: a checkpoint at most a second after any write and on shutdown, so that
the newest events cannot be edited unnoticed, whether or not the read models exist."""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
import pytest

from roundtable.audit.trail import DISCLOSURE_TREE
from roundtable.bootstrap import Paths
from tests.audit_trail.support import (
    Scene,
    audit_query,
    closing,
    drop_views,
    first_bad_positions,
    head,
    reopened,
    roundtable,
    set_state,
    state_of,
    verify_cli,
)
from tests.audit_trail.test_independent_auditor import parse_checkpoint, verify_note
from tests.conftest import Table, make_table, postgres_database
from tests.processes import Server, found

SIGNING_DEADLINE = 1.5  # the contract says 1 s; the rest is slack for a loaded machine


def newest_signed_size(paths: Paths, log: str = "events") -> int:
    """The size of the newest checkpoint of `log` kept in the audit file, read as an outsider."""
    ((size,),) = audit_query(paths, "SELECT MAX(size) FROM checkpoints WHERE log=?", log)
    return int(size or 0)


def wait_until_signed(paths: Paths, size: int) -> float:
    """Poll until a checkpoint covers `size` events; returns the seconds it took."""
    started = time.monotonic()
    while newest_signed_size(paths) < size:
        assert time.monotonic() - started < SIGNING_DEADLINE, (
            f"no checkpoint of size {size} after {SIGNING_DEADLINE} s")
        time.sleep(0.02)
    return time.monotonic() - started


def widen(paths: Paths, position: int) -> None:
    """A meaningful rewrite of a contribution: AMBER made GREEN after the fact."""
    state = state_of(paths, position)
    assert state.count(b'"AMBER"') == 1
    set_state(paths, position, state.replace(b'"AMBER"', b'"GREEN"'))


def write_some(table: Table) -> None:
    other = table.organisation("Police")
    case_id = table.case("Subject Name", other)
    for n in range(3):
        table.contribute(case_id, text=f"note {n}", tlp="AMBER")


def test_editing_the_newest_event_with_the_read_models_deleted_is_caught_at_its_position(
    table: Table,
) -> None:
    write_some(table)
    paths = table.paths
    last = head(paths)
    wait_until_signed(paths, last)  # nobody asked for a checkpoint: the service signed it
    widen(paths, last)
    table.built.close()
    drop_views(paths)
    code, out = verify_cli(paths)
    assert code == 1, out
    assert first_bad_positions(out) == [f"first bad position: {last}"], out
    # The service started again rebuilds its read models from the edited log; its own verify
    # names the same position.
    chair = {"Authorization": f"Bearer {table.chair_token}"}
    with reopened(paths) as client:
        report = client.get("/v1/audit/verify", headers=chair).json()
    assert (report["ok"], report["first_bad_position"]) == (False, last), report


def test_every_write_is_signed_within_a_second_without_being_asked(table: Table) -> None:
    write_some(table)
    first = head(table.paths)
    wait_until_signed(table.paths, first)
    table.contribute(table.case("Another Subject"))
    assert head(table.paths) > first
    assert wait_until_signed(table.paths, head(table.paths)) <= SIGNING_DEADLINE


def test_closing_the_service_signs_a_checkpoint_covering_every_event(table: Table) -> None:
    write_some(table)
    table.built.close()  # at once: the signer's thread had no time to sign the last writes
    paths = table.paths
    assert newest_signed_size(paths) == head(paths)
    code, note = roundtable("checkpoint", "--data", str(paths.data), "--keys", str(paths.keys))
    vkey = table.client.get("/v1/audit/key").json()["vkey"]
    assert code == 0
    assert parse_checkpoint(verify_note(note, vkey)).size == head(paths)
    assert verify_cli(paths)[0] == 0


@pytest.mark.slow
def test_a_served_log_stopped_by_sigterm_is_signed_to_its_last_event(tmp_path: Path) -> None:
    paths, created = found(tmp_path)
    server = Server(paths)
    server.start()
    try:
        with server.client(created["token"]) as client:
            case = client.post("/v1/cases", json={"subject": {"name": "S"}})
            assert case.status_code == 201, case.text
            for n in range(3):
                client.post(f"/v1/cases/{case.json()['id']}/contributions",
                            json={"text": f"note {n}", "tlp": "AMBER"}).raise_for_status()
    finally:
        server.stop()
    assert newest_signed_size(paths) == head(paths)
    widen(paths, head(paths))
    drop_views(paths)
    code, out = verify_cli(paths)
    assert (code, first_bad_positions(out)) == (1, [f"first bad position: {head(paths)}"]), out


def test_a_cover_up_that_drops_the_checkpoints_gets_the_log_signed_as_it_was_written(
    scene: Scene,
) -> None:
    """The service re-signs the leaves it signed before, never the rewritten events."""
    paths = scene.table.paths
    _, target = scene.contribute(scene.officer, "Contribution-plaintext: to be rewritten")
    scene.contribute(scene.teacher, "Contribution-plaintext: written after it")
    wait_until_signed(paths, head(paths))
    signed_before = scene.ok("/v1/audit/checkpoint", scene.auditor)
    widen(paths, target)
    with closing(paths.audit) as db:
        db.execute("DELETE FROM checkpoints WHERE log='events'")
    again = scene.ok("/v1/audit/checkpoint", scene.auditor)
    assert (again["size"], again["root"]) == (signed_before["size"], signed_before["root"])
    scene.table.built.close()
    drop_views(paths)
    code, out = verify_cli(paths)
    assert (code, first_bad_positions(out)) == (1, [f"first bad position: {target}"]), out


def test_a_rewritten_disclosure_tree_is_never_signed_over(scene: Scene) -> None:
    paths = scene.table.paths
    scene.ok(f"/v1/cases/{scene.case_id}/contributions", scene.officer)
    scene.ok("/v1/audit/checkpoint", scene.auditor)
    signed = newest_signed_size(paths, "disclosures")
    assert signed >= 1
    with closing(paths.audit) as db:
        db.execute(f"DELETE FROM {DISCLOSURE_TREE.leaves}")
        db.execute(f"DELETE FROM {DISCLOSURE_TREE.nodes}")
    response = scene.get("/v1/audit/checkpoint", scene.auditor)
    assert response.status_code == 409, response.text
    assert "disclosures log no longer matches" in response.json()["detail"]
    time.sleep(0.8)  # the background signer's turn: it must not sign over it either
    assert newest_signed_size(paths, "disclosures") == signed
    code, out = roundtable("checkpoint", "--data", str(paths.data), "--keys", str(paths.keys))
    assert code == 1


def test_on_postgresql_editing_the_newest_event_with_the_views_dropped_is_caught(
    tmp_path: Path,
) -> None:
    with postgres_database() as url:
        table = make_table(tmp_path, database=url)
        try:
            write_some(table)
            with psycopg.connect(url) as db:
                row = db.execute("SELECT MAX(notification_id) FROM roundtable_events").fetchone()
            assert row is not None
            last = int(row[0])
            wait_until_signed(table.paths, last)
        finally:
            table.built.close()
        with psycopg.connect(url, autocommit=True) as db:
            db.execute("UPDATE roundtable_events SET state=convert_to(replace(convert_from("
                       "state, 'UTF8'), '\"AMBER\"', '\"GREEN\"'), 'UTF8') "
                       "WHERE notification_id=%s", (last,))
            for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname="
                                      "'public' AND tablename NOT LIKE 'roundtable%'").fetchall():
                db.execute(f'DROP TABLE "{name}"')
        code, out = roundtable("verify", "--data", str(table.paths.data), "--database", url)
    assert code == 1, out
    assert first_bad_positions(out) == [f"first bad position: {last}"], out



@pytest.mark.parametrize(("column", "value"), [("originator_version", "five"),
                                               ("originator_id", "not-a-uuid"),
                                               ("topic", None)])
def test_a_column_rewritten_with_another_type_is_named_not_a_crash(
    scene: Scene, column: str, value: str | None
) -> None:
    paths = scene.table.paths
    _, target = scene.contribute(scene.officer, "Contribution-plaintext: to be rewritten")
    scene.contribute(scene.teacher, "Contribution-plaintext: written after it")
    wait_until_signed(paths, head(paths))
    scene.table.built.close()
    with closing(paths.events) as db:
        db.execute(f"UPDATE stored_events SET {column}=? WHERE rowid=?", (value, target))
    drop_views(paths)
    code, out = verify_cli(paths)
    assert (code, first_bad_positions(out)) == (1, [f"first bad position: {target}"]), out
