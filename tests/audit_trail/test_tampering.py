"""Rewriting the event store under the service is caught, at the first position it touched, by
`GET /v1/audit/verify` and by `roundtable verify`; and a rewrite covered up by rebuilding the
read models is still caught against the signed checkpoints (kept by the service in audit.sqlite,
or kept by an auditor and passed with `--checkpoint`)."""

from __future__ import annotations

import base64
import gc
import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.audit.trail import SIGNED_EVENT_TREE
from roundtable.bootstrap import Paths
from tests.audit_trail.support import (
    Scene,
    closing,
    delete_event,
    drop_views,
    environment_without_data,
    first_bad_positions,
    head,
    reopened,
    roundtable,
    set_state,
    state_of,
    verify_cli,
)
from tests.audit_trail.test_independent_auditor import (
    parse_checkpoint,
    verify_consistency,
    verify_note,
)


def verified(client: TestClient, token: str) -> dict[str, Any]:
    response = client.get("/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


def assert_caught_at(paths: Paths, client: TestClient, token: str, position: int) -> None:
    report = verified(client, token)
    assert report["ok"] is False
    assert report["first_bad_position"] == position, report
    code, out = verify_cli(paths)
    assert code == 1, out
    assert first_bad_positions(out) == [f"first bad position: {position}"], out


def widen_rule(paths: Paths, position: int) -> None:
    """A meaningful rewrite: an AMBER contribution made GREEN after the fact."""
    state = state_of(paths, position)
    assert state.count(b'"AMBER"') == 1
    set_state(paths, position, state.replace(b'"AMBER"', b'"GREEN"'))


def flip_one_bit(paths: Paths, position: int) -> None:
    state = state_of(paths, position)
    middle = len(state) // 2
    set_state(paths, position, state[:middle] + bytes([state[middle] ^ 0x01]) +
              state[middle + 1 :])


def rewrite_as_text(paths: Paths, position: int) -> None:
    """What sqlite's replace() does: the state comes back as TEXT, not as a BLOB."""
    with closing(paths.events) as db:
        db.execute("UPDATE stored_events SET state=replace(state, '\"AMBER\"', '\"GREEN\"') "
                   "WHERE rowid=?", (position,))
        assert db.execute("SELECT typeof(state) FROM stored_events WHERE rowid=?",
                          (position,)).fetchone()[0] == "text"


def test_an_intact_store_verifies_ok_through_the_api_and_the_command_line(
    scene: Scene,
) -> None:
    paths = scene.table.paths
    scene.ok("/v1/audit/checkpoint", scene.auditor)
    report = verified(scene.table.client, scene.auditor.token)
    assert report["ok"] is True
    assert report["first_bad_position"] is None
    assert report["length"] == head(paths)
    code, out = verify_cli(paths)
    assert code == 0, out
    assert out.startswith(f"ok: {head(paths)} events, root {report['head']};"), out
    assert first_bad_positions(out) == []


@pytest.mark.parametrize("alter", [widen_rule, flip_one_bit, rewrite_as_text],
                         ids=["rule-widened", "one-bit-flipped", "rewritten-as-text"])
def test_altering_the_state_of_one_event_is_caught_at_its_position(
    scene: Scene, alter: Callable[[Paths, int], None]
) -> None:
    _, target = scene.contribute(scene.officer, "Contribution-plaintext: to be rewritten")
    scene.contribute(scene.teacher, "Contribution-plaintext: written after it", tlp="GREEN")
    paths = scene.table.paths
    alter(paths, target)
    assert_caught_at(paths, scene.table.client, scene.auditor.token, target)
    # A restart does not heal it: the event tree kept in the views still holds the old leaf.
    scene.table.built.close()
    with reopened(paths) as client:
        assert verified(client, scene.auditor.token)["first_bad_position"] == target


@pytest.mark.parametrize("which", ["middle", "last"])
def test_deleting_one_stored_event_is_caught_at_its_position(scene: Scene, which: str) -> None:
    _, target = scene.contribute(scene.officer, "Contribution-plaintext: to be deleted")
    if which == "middle":
        scene.contribute(scene.teacher, "Contribution-plaintext: written after it")
    delete_event(scene.table.paths, target)
    assert_caught_at(scene.table.paths, scene.table.client, scene.auditor.token, target)


def test_swapping_the_states_of_two_events_is_caught_at_the_earlier_one(scene: Scene) -> None:
    _, first = scene.contribute(scene.officer, "Contribution-plaintext: first")
    scene.contribute(scene.chair, "Contribution-plaintext: between")
    _, second = scene.contribute(scene.teacher, "Contribution-plaintext: second")
    paths = scene.table.paths
    one, other = state_of(paths, first), state_of(paths, second)
    set_state(paths, first, other)
    set_state(paths, second, one)
    assert_caught_at(paths, scene.table.client, scene.auditor.token, first)
    # The console command itself, in a process of its own: exit 1, the line on stdout.
    done = subprocess.run(
        [sys.executable, "-m", "roundtable.cli", "verify", "--data", str(paths.data),
         "--keys", str(paths.keys)],
        capture_output=True, text=True, timeout=60, env=environment_without_data(), check=False)
    assert done.returncode == 1, done.stderr
    assert first_bad_positions(done.stdout) == [f"first bad position: {first}"], done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("which", ["middle", "last"])
def test_a_leaf_whose_event_was_deleted_is_never_served_with_another_events_bytes(
    scene: Scene, which: str
) -> None:
    _, target = scene.contribute(scene.officer, "Contribution-plaintext: to be deleted")
    if which == "middle":
        scene.contribute(scene.teacher, "Contribution-plaintext: written after it")
    with closing(scene.table.paths.views) as views:
        (index,) = views.execute("SELECT idx FROM event_tree_leaves WHERE position=?",
                                 (target,)).fetchone()
    delete_event(scene.table.paths, target)
    client = TestClient(create_app(scene.table.built.services), raise_server_exceptions=False)
    response = client.get(f"/v1/audit/leaves/{index}",
                          headers=scene.table.headers(scene.auditor.token))
    assert response.status_code == 200
    answer = response.json()
    assert answer["position"] == target
    assert answer["data"] is None  # the event recorded there is gone: no other event's bytes


# --------------------------------------------------------------------------- covered up


class CoverUp:
    """A rewrite (or deletion) of position `target` between two signed checkpoints, then the
    views deleted, so that the next start rebuilds them (and the event tree) from the log."""

    def __init__(self, scene: Scene, tmp_path: Path, delete: bool = False) -> None:
        self.scene = scene
        self.paths = scene.table.paths
        self.before = scene.ok("/v1/audit/checkpoint", scene.auditor)
        self.contribution_id, self.target = scene.contribute(
            scene.officer, "Contribution-plaintext: kept from the youth worker", tlp="AMBER")
        scene.contribute(scene.teacher, "Contribution-plaintext: later", tlp="GREEN")
        self.kept = scene.ok("/v1/audit/checkpoint", scene.auditor)
        assert self.before["size"] == self.target - 1
        assert self.kept["size"] == head(self.paths)
        self.kept_note = tmp_path / "kept.note"
        self.kept_note.write_text(self.kept["note"])
        self.kept_json = tmp_path / "kept.json"
        self.kept_json.write_text(json.dumps(self.kept))
        scene.table.built.close()
        if delete:
            delete_event(self.paths, self.target)
        else:
            widen_rule(self.paths, self.target)
        drop_views(self.paths)

    def youth_worker_sees_it(self, client: TestClient) -> bool:
        response = client.get(f"/v1/contributions/{self.contribution_id}",
                              headers={"Authorization": f"Bearer {self.scene.youth_worker.token}"})
        return response.status_code == 200


def test_a_rewrite_covered_up_by_rebuilding_the_views_is_caught_against_the_kept_checkpoints(
    scene: Scene, tmp_path: Path
) -> None:
    cover = CoverUp(scene, tmp_path)
    with reopened(cover.paths) as client:
        assert cover.youth_worker_sees_it(client)  # the rewrite took effect: GREEN now
        assert_caught_at(cover.paths, client, scene.auditor.token, cover.target)
        report = verified(client, scene.auditor.token)
        assert report["head"] != cover.kept["root"]


def test_a_deletion_covered_up_by_rebuilding_the_views_is_caught_at_the_deleted_position(
    scene: Scene, tmp_path: Path
) -> None:
    cover = CoverUp(scene, tmp_path, delete=True)
    with reopened(cover.paths) as client:
        gone = client.get(f"/v1/contributions/{cover.contribution_id}",
                          headers=scene.table.headers())
        assert gone.status_code == 404  # the rebuilt views never heard of it
        assert_caught_at(cover.paths, client, scene.auditor.token, cover.target)


def test_a_cover_up_that_also_drops_the_stored_checkpoints_is_caught_by_the_auditors_copy(
    scene: Scene, tmp_path: Path
) -> None:
    cover = CoverUp(scene, tmp_path)
    with closing(cover.paths.audit) as db:
        assert db.execute("DELETE FROM checkpoints WHERE log='events'").rowcount >= 2
        # ...and the leaves they signed, so that the service signs the rewritten log afresh.
        db.execute(f"DELETE FROM {SIGNED_EVENT_TREE.leaves}")
        db.execute(f"DELETE FROM {SIGNED_EVENT_TREE.nodes}")
    with reopened(cover.paths) as client:
        assert cover.youth_worker_sees_it(client)
        # The operator signs a fresh checkpoint over the rewritten log...
        headers = {"Authorization": f"Bearer {scene.auditor.token}"}
        fresh = client.get("/v1/audit/checkpoint", headers=headers).json()
        vkey = client.get("/v1/audit/key").json()["vkey"]
        tree_head = parse_checkpoint(verify_note(fresh["note"], vkey))
        assert tree_head.size == cover.kept["size"]
        # ...which an auditor cannot reconcile with the one they kept.
        assert tree_head.root != base64.b64decode(cover.kept["root"])
        assert not verify_consistency(cover.kept["size"], tree_head.size, [],
                                      base64.b64decode(cover.kept["root"]), tree_head.root)
    for kept in (cover.kept_note, cover.kept_json):
        code, out = verify_cli(cover.paths, "--checkpoint", str(kept))
        assert code == 1, out
        (line,) = first_bad_positions(out)
        # One root cannot say which leaf changed; nothing after the rewrite may be blamed.
        assert 1 <= int(line.removeprefix("first bad position: ")) <= cover.target


def test_a_kept_checkpoint_stays_consistent_while_the_log_only_grows(
    scene: Scene, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text(json.dumps(scene.ok("/v1/audit/checkpoint", scene.auditor)))
    scene.contribute(scene.officer, "Contribution-plaintext: after the auditor's visit")
    code, out = verify_cli(scene.table.paths, "--checkpoint", str(kept))
    assert code == 0, out


def test_a_kept_checkpoint_not_signed_by_the_log_is_refused(
    scene: Scene, tmp_path: Path
) -> None:
    note: str = scene.ok("/v1/audit/checkpoint", scene.auditor)["note"]
    forged = tmp_path / "forged.note"
    size = str(head(scene.table.paths))
    forged.write_text(note.replace(f"\n{size}\n", f"\n{int(size) + 1}\n", 1))
    code, out = verify_cli(scene.table.paths, "--checkpoint", str(forged))
    assert code == 1
    assert not out.startswith("ok")


def test_the_verify_command_closes_the_checkpoint_file_it_reads(
    scene: Scene, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.note"
    kept.write_text(scene.ok("/v1/audit/checkpoint", scene.auditor)["note"])
    paths = scene.table.paths
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        code, _ = roundtable("verify", "--data", str(paths.data), "--keys", str(paths.keys),
                             "--checkpoint", str(kept))
        gc.collect()
    assert code == 0
    assert [str(w.message) for w in caught if w.category is ResourceWarning] == []
