"""Files at rest are readable by their owner only: every file the service creates under the data
and keys directories is 0600 and every directory 0700, whatever the umask it was started with
(the databases and their -wal/-shm/-journal files, the keys, the checkpoints, the demo tokens)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from roundtable.bootstrap import Paths
from tests.conftest import make_table
from tests.processes import Server, child_env

PERMISSIVE = 0o022  # the usual login umask: files 0644, directories 0755 unless told otherwise


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Start with the usual umask (an earlier test may have left a strict one behind), so that
    modes must come from the service."""
    old = os.umask(PERMISSIVE)
    try:
        yield
    finally:
        os.umask(old)


def not_private(root: Path) -> dict[str, str]:
    """Every path under `root` (itself included) that others could read, with its mode."""
    wrong = {}
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong[str(path.relative_to(root.parent))] = oct(mode)
    return wrong


def kinds(root: Path) -> set[str]:
    """The names of the files found, without the random part of a name."""
    return {p.name for p in root.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("permissive_umask")
def test_every_file_of_an_in_process_service_is_private(tmp_path: Path) -> None:
    table = make_table(tmp_path)
    try:
        with table.client:
            police = table.organisation("Police")
            member_id, token = table.person(police)
            case_id = table.case("Subject Name", police)
            contribution = table.contribute(case_id, text="seen twice", tlp="AMBER")
            assert table.visible(contribution, token)  # a disclosure record in audit.sqlite
            checkpoint = table.client.get("/v1/audit/checkpoint", headers=table.headers())
            assert checkpoint.status_code == 200, checkpoint.text
            assert member_id
            found = kinds(table.paths.data)
            assert {"events.sqlite-wal", "views.sqlite-wal", "audit.sqlite-wal"} <= found
            assert not_private(table.paths.data) == {}  # while it runs: journals included
    finally:
        table.built.close()
    assert {"events.sqlite", "views.sqlite", "audit.sqlite", "case-keys.sqlite", "kek.key",
            "log-signing.key"} <= kinds(table.paths.data)
    assert not_private(table.paths.data) == {}


@pytest.mark.slow
@pytest.mark.usefixtures("permissive_umask")
def test_every_file_the_command_line_creates_is_private(tmp_path: Path) -> None:
    """`roundtable demo` then `roundtable serve` as an operator runs them from a login shell."""
    data = tmp_path / "fresh" / "data"
    done = subprocess.run([sys.executable, "-m", "roundtable.cli", "demo", "--data", str(data)],
                          capture_output=True, text=True, env=child_env(), timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert (data / "demo-tokens.json").exists()
    assert not_private(tmp_path / "fresh") == {}
    token = json.loads(done.stdout)["chair"]["token"]
    server = Server(Paths(data, data / "keys"), log_path=tmp_path / "serve.log")
    server.start()
    try:
        with server.client(token) as client:
            created = client.post("/v1/cases", json={"subject": {"name": "S"}})
            assert created.status_code == 201, created.text
            assert client.get(f"/v1/cases/{created.json()['id']}").status_code == 200
        assert "events.sqlite-wal" in kinds(data)
        assert not_private(tmp_path / "fresh") == {}
    finally:
        server.stop()
    assert not_private(tmp_path / "fresh") == {}
