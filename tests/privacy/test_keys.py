"""The key-encryption key: never replaced by a fresh one over existing data, refused when
missing or wrong, rotated without touching the events; and no event carries a key."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from roundtable.bootstrap import Paths, build
from roundtable.sealing import KeyFileError, load_key_encryption_key
from tests.conftest import Table, make_table
from tests.privacy.support import (
    World,
    chair_of,
    cli,
    free_port,
    key_forms,
    key_store,
    ok,
    populate,
)


@pytest.fixture
def stopped(tmp_path: Path) -> Iterator[tuple[Table, World]]:
    """A round table in use, then shut down (its files at rest)."""
    table = make_table(tmp_path)
    world = populate(table.client, chair_of(table))
    table.built.close()
    yield table, world
    table.built.close()


def kek_file(paths: Paths) -> Path:
    return paths.keys / "kek.key"


def digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.exists()}


def refusals(paths: Paths) -> list[str]:
    """Every way of starting on the data directory; each must be refused. Their stderr."""
    with pytest.raises(KeyFileError) as refused:
        build(paths)
    assert "kek.key" in str(refused.value)
    errors = [str(refused.value)]
    data = str(paths.data)
    for args in (("serve", "--data", data, "--port", str(free_port())),
                 ("retention", "--data", data),
                 ("init", "--data", data, "--table", "T", "--chair", "C", "--organisation",
                  "O", "--sector", "s")):
        run = cli(*args)
        assert run.returncode == 1, (args, run.stdout, run.stderr)
        assert "Traceback" not in run.stderr
        assert len(run.stderr.strip().splitlines()) == 1, run.stderr
        assert "serving" not in run.stdout
        errors.append(run.stderr)
    return errors


def test_a_missing_key_encryption_key_is_refused_and_never_replaced_by_a_fresh_one(
    stopped: tuple[Table, World],
) -> None:
    table, _ = stopped
    paths = table.paths
    kek_file(paths).unlink()
    watched = [paths.case_keys, paths.events, paths.views]
    before = digest(watched)
    errors = refusals(paths)
    for error in errors[:3]:  # build, serve, retention name the missing file
        assert str(kek_file(paths)) in error
        assert "missing" in error
    assert "already" in errors[3]  # init refuses an initialised directory
    assert not kek_file(paths).exists()
    assert sorted(p.name for p in paths.keys.iterdir() if p.name.startswith("kek.key")) == []
    assert digest(watched) == before


def test_a_different_key_encryption_key_is_refused_and_left_as_it_is(
    stopped: tuple[Table, World],
) -> None:
    table, _ = stopped
    paths = table.paths
    kek_file(paths).unlink()
    other = base64.b64encode(os.urandom(32)) + b"\n"
    fd = os.open(kek_file(paths), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, other)
    os.close(fd)
    watched = [paths.case_keys, paths.events, paths.views]
    before = digest(watched)
    errors = refusals(paths)
    for error in errors[:3]:
        assert "kek.key" in error
        assert "does not open" in error
    assert kek_file(paths).read_bytes() == other
    assert digest(watched) == before


def test_rotate_key_rewraps_every_case_key_and_leaves_the_events_untouched(
    stopped: tuple[Table, World],
) -> None:
    table, world = stopped
    paths = table.paths
    old_kek = kek_file(paths).read_bytes()
    store = key_store(paths)
    case_ids = store.case_ids()  # the cases' keys, and the meetings' own keys
    assert {UUID(world.case_id), UUID(world.other_case_id)} < set(case_ids)
    raw = {case_id: store.get(case_id) for case_id in case_ids}
    store.close()
    events = sorted(paths.data.glob("events.sqlite*"))
    before = digest(events)

    run = cli("rotate-key", "--data", str(paths.data))
    assert run.returncode == 0, run.stderr
    assert f"re-wrapped {len(case_ids)} case keys" in run.stdout
    assert kek_file(paths).read_bytes() != old_kek
    assert kek_file(paths).stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in paths.keys.iterdir() if p.name.startswith("kek.")) == [
        "kek.key", "kek.lock"]
    assert digest(events) == before
    store = key_store(paths)
    try:
        assert {case_id: store.get(case_id) for case_id in case_ids} == raw
    finally:
        store.close()

    # The old key file no longer opens the store.
    new_kek = kek_file(paths).read_bytes()
    kek_file(paths).write_bytes(old_kek)
    with pytest.raises(KeyFileError, match="does not open"):
        build(paths)
    kek_file(paths).write_bytes(new_kek)
    assert load_key_encryption_key(paths.keys) == base64.b64decode(new_kek)

    # Restarted with the new key: everything reads as before.
    table.built = build(paths, table.clock)
    table.client = world.client = TestClient(create_app(table.built.services))
    case = ok(world.get(f"/v1/cases/{world.case_id}", world.chair))
    assert case["subject"]["name"] == world.secrets.subject
    assert case["close_reason"] == world.secrets.close_reason
    texts = [c["text"] for c in ok(world.get(f"/v1/cases/{world.case_id}/contributions",
                                             world.officer))]
    assert world.secrets.texts[1] in texts


def test_a_backup_of_the_events_carries_no_key(stopped: tuple[Table, World]) -> None:
    table, world = stopped
    paths = table.paths
    store = key_store(paths)
    try:
        raw = [store.get(UUID(world.case_id)), store.get(UUID(world.other_case_id))]
    finally:
        store.close()
    kek = load_key_encryption_key(paths.keys)
    backup = [p for p in paths.data.iterdir()
              if p.is_file() and p.name.startswith(("events.sqlite", "views.sqlite",
                                                    "audit.sqlite"))]
    assert any(p.name == "events.sqlite" for p in backup)
    stored = b"".join(p.read_bytes() for p in backup)
    for key in [*raw, kek]:
        for form in key_forms(key):
            assert form not in stored
    # The keys are in their own store, wrapped: not even there in the clear.
    key_file = paths.case_keys.read_bytes()
    for key in raw:
        for form in key_forms(key):
            assert form not in key_file
