"""Erasure is crypto-shredding: once a chair erases a case, nothing of it can be read again,
through any endpoint, after a rebuild, after a crash, or from a copy taken before."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from domain.model import Case
from roundtable.bootstrap import Paths, build
from roundtable.sealing import CaseKeyMissing
from tests.conftest import Table
from tests.privacy.support import (
    Party,
    Server,
    World,
    assert_erased,
    chair_of,
    cli,
    erase,
    has_key,
    head,
    key_forms,
    key_store,
    leaks,
    ok,
    populate,
    read_everything,
    snapshot,
    text_leaks,
)
from tests.processes import found


def wrapped_key(paths: Paths, case_id: str) -> bytes:
    db = sqlite3.connect(paths.case_keys)
    try:
        row = db.execute("SELECT wrapped FROM case_keys WHERE case_id=?", (case_id,)).fetchone()
    finally:
        db.close()
    assert row is not None
    return bytes(row[0])


def assert_views_never_show_text(world: World, at: int) -> None:
    for position in range(1, at + 1):
        for who in (world.chair, world.officer, world.teacher):
            response = world.get(f"/v1/audit/views/{who.id}?at={position}", world.auditor)
            body = ok(response)
            assert all(set(c) == {"id", "case_id", "tlp"} for c in body["contributions"])
            assert text_leaks(response.text, world.secrets.all()) == []


def test_only_a_chair_who_sees_the_case_may_erase_it_and_only_once(table: Table) -> None:
    world = populate(table.client, chair_of(table), close=False)
    before = head(table)
    path = f"/v1/cases/{world.case_id}/erase"
    body = {"reason": world.secrets.erase_reason}
    for who in (world.officer, world.teacher):  # on the case table: they see it
        assert world.request("POST", path, who, body).status_code == 403
    for who in (world.youth_worker, world.auditor):  # they do not see it
        response = world.request("POST", path, who, body)
        assert response.status_code == 404
        assert response.json() == {"detail": "Not Found"}
    assert world.request("POST", path, world.chair, {}).status_code == 422  # no reason
    assert head(table) == before  # nothing was changed by the refused requests
    assert has_key(table.paths, world.case_id)
    assert erase(world)["position"] == before + 1
    assert erase(world, 409)["detail"]
    assert_writes_refused(world)
    assert head(table) == before + 1


def assert_writes_refused(world: World) -> None:
    """Writing personal data to a case whose key is gone is a conflict, never a crash."""
    path = f"/v1/cases/{world.case_id}"
    for suffix, body in (
        ("/contributions", {"text": world.secrets.texts[0], "tlp": "GREEN"}),
        ("/close", {"reason": world.secrets.close_reason}),
        ("/actions", {"description": world.secrets.action,
                      "assignee_organisation_id": world.police, "based_on": []}),
    ):
        response = world.request("POST", path + suffix, world.chair, body)
        assert response.status_code == 409, (suffix, response.text)
        assert text_leaks(response.text, world.secrets.all()) == []


def test_an_erased_case_is_unreadable_everywhere_yet_the_trail_verifies(
    table: Table, tmp_path: Path,
) -> None:
    world = populate(table.client, chair_of(table))
    paths = table.paths
    ctx = table.built.services.ctx
    raw_key = ctx.keys.get(UUID(world.case_id))
    wrapped = wrapped_key(paths, world.case_id)
    before = tmp_path / "before-erasure"
    snapshot(paths, before)

    erase(world)
    assert_erased(world)
    assert_views_never_show_text(world, head(table))
    verified = ok(world.get("/v1/audit/verify", world.chair))
    assert verified["ok"] is True
    run = cli("verify", "--data", str(paths.data))
    assert run.returncode == 0, run.stdout + run.stderr

    assert not ctx.keys.exists(UUID(world.case_id))
    store = key_store(paths)
    try:
        with pytest.raises(CaseKeyMissing):
            store.get(UUID(world.case_id))
        assert store.exists(UUID(world.other_case_id))
    finally:
        store.close()
    table.built.close()  # the journals and write-ahead logs settle into the files
    stored = b"".join(p.read_bytes() for p in paths.data.rglob("*") if p.is_file())
    assert not any(form in stored for form in [*key_forms(raw_key), wrapped])
    assert leaks(paths.data, world.secrets.all()) == []

    # The views deleted and rebuilt from the log: the same erased state.
    for view_file in paths.data.glob("views.sqlite*"):
        view_file.unlink()
    table.built = build(paths, table.clock)
    table.client = world.client = TestClient(create_app(table.built.services))
    assert_erased(world)
    assert ok(world.get("/v1/audit/verify", world.chair))["ok"] is True

    # A copy taken before the erasure, opened with today's keys: the case cannot be read.
    restored = Paths(tmp_path / "restored", tmp_path / "restored" / "keys")
    shutil.copytree(paths.keys, restored.keys)
    for name in ("events.sqlite", "views.sqlite", "credentials.sqlite"):
        shutil.copy(before / name, restored.data / name)
    shutil.copy(paths.case_keys, restored.case_keys)
    old = build(restored, table.clock)
    try:
        world.client = TestClient(create_app(old.services))
        case = ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
        assert case["subject"] is None
        assert case["summary"] is None
        assert case["close_reason"] is None
        contributions = ok(world.get(f"/v1/cases/{world.case_id}/contributions",
                                     world.officer))
        assert contributions
        assert all(c["text"] is None for c in contributions)
        assert all(a["description"] is None for a in ok(
            world.get(f"/v1/cases/{world.case_id}/actions", world.chair)))
        export = ok(world.get(f"/v1/cases/{world.case_id}/export", world.chair))
        assert all(c["text"] is None for c in export["contributions"])
        assert text_leaks(read_everything(world), world.secrets.all()) == []
        other = ok(world.get(f"/v1/cases/{world.other_case_id}", world.chair))
        assert other["subject"]["name"] == world.other.subject
        at = int(old.services.ctx.app.recorder.max_notification_id() or 0)
        assert_writes_refused(world)
        assert old.services.ctx.app.recorder.max_notification_id() == at
        assert not old.services.ctx.keys.exists(UUID(world.case_id))  # no fresh key either
    finally:
        old.close()


@pytest.mark.slow
def test_an_erasure_acknowledged_before_a_sigkill_holds_after_the_restart(
    tmp_path: Path,
) -> None:
    paths, created = found(tmp_path)
    server = Server(paths, tmp_path / "serve.log")
    server.start()
    chair = Party(created["person_id"], created["token"], created["organisation_id"])
    client = server.client(chair.token)
    try:
        world = populate(client, chair, close=False)
        erase(world)
        server.kill()
        assert not has_key(paths, world.case_id)
        server.start()
        assert_erased(world)
    finally:
        client.close()
        server.stop()
    assert leaks(paths.data, world.secrets.all()) == []
    assert text_leaks(server.log(), world.secrets.all()) == []  # the erase reason included


def test_a_crash_between_the_erased_event_and_the_key_destruction_is_finished_at_start(
    table: Table,
) -> None:
    world = populate(table.client, chair_of(table))
    ctx = table.built.services.ctx
    case: Case = ctx.get(UUID(world.case_id), Case)
    case.erase(UUID(table.chair_id))
    ctx.save(case)  # ... and the process dies before `keys.destroy`
    table.built.close()
    assert has_key(table.paths, world.case_id)

    table.built = build(table.paths, table.clock)  # `finish_erasures` runs at start
    table.client = world.client = TestClient(create_app(table.built.services))
    assert not has_key(table.paths, world.case_id)
    assert has_key(table.paths, world.other_case_id)
    assert_erased(world)
    # The erasure is recorded once: a second erase is a conflict, not a second event.
    erase(world, 409)
