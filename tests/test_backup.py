"""`roundtable backup` while `serve` takes writes, and `roundtable restore` into a new data
directory: the same cases and contributions read back, and `verify` passes."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from roundtable.paths import Paths
from tests.conftest import postgres_database
from tests.processes import Server, child_env, found

pytestmark = pytest.mark.slow


def roundtable(*args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "roundtable.cli", *args],
                          env=child_env(database), capture_output=True, text=True,
                          timeout=120, check=False)


@contextmanager
def serving(paths: Paths) -> Iterator[Server]:
    server = Server(paths)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def members(archive: Path) -> set[str]:
    with tarfile.open(archive) as tar:
        return set(tar.getnames())


class Writer(threading.Thread):
    """Adds contributions to one case until stopped; remembers what was acknowledged when."""

    def __init__(self, client: httpx.Client, case_id: str) -> None:
        super().__init__(daemon=True)
        self.client, self.case_id = client, case_id
        self.acknowledged: list[tuple[float, str, str]] = []  # (when, id, text)
        self.stopping = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            text = f"note {n} about the family"
            answer = self.client.post(f"/v1/cases/{self.case_id}/contributions",
                                      json={"text": text, "tlp": "AMBER"})
            assert answer.status_code == 201, answer.text
            self.acknowledged.append((time.monotonic(), answer.json()["id"], text))
            n += 1


def test_a_backup_taken_while_serve_writes_restores_and_verifies(tmp_path: Path) -> None:
    paths, created = found(tmp_path)
    server = Server(paths)
    server.start()
    archive = tmp_path / "backup.tar.gz"
    try:
        with server.client(created["token"]) as client:
            case = client.post("/v1/cases", json={"subject": {"name": "S"}}).json()["id"]
            writer = Writer(client, case)
            writer.start()
            time.sleep(1.0)
            started = time.monotonic()
            made = roundtable("backup", "--data", str(paths.data), "--to", str(archive),
                              "--with-keys")
            time.sleep(0.5)
            writer.stopping.set()
            writer.join(timeout=30)
    finally:
        server.stop()
    assert made.returncode == 0, made.stderr
    assert (archive.stat().st_mode & 0o777) == 0o600
    assert members(archive) == {"manifest.json", "data/events.sqlite", "data/audit.sqlite",
                                "data/case-keys.sqlite", "data/credentials.sqlite", "keys/kek.key",
                                "keys/log-signing.key"}
    before = {cid: text for when, cid, text in writer.acknowledged if when < started}
    written = {cid: text for _, cid, text in writer.acknowledged}
    assert len(before) > 5

    new = Paths(tmp_path / "restored", tmp_path / "restored" / "keys")
    restored = roundtable("restore", "--from", str(archive), "--data", str(new.data))
    assert restored.returncode == 0, restored.stderr
    assert "rebuilt the read models" in restored.stdout
    assert (new.data.stat().st_mode & 0o777) == (new.keys.stat().st_mode & 0o777) == 0o700
    for file in (*new.data.glob("*.sqlite"), *new.keys.iterdir()):
        assert (file.stat().st_mode & 0o777) == 0o600, file

    again = Server(new)
    again.start()
    try:
        with again.client(created["token"]) as client:
            shown = client.get(f"/v1/cases/{case}/contributions").json()
            assert client.get(f"/v1/cases/{case}").status_code == 200
    finally:
        again.stop()
    back = {item["id"]: item["text"] for item in shown}
    assert set(before) <= set(back)  # everything acknowledged before the backup began
    assert all(written.get(cid) == text for cid, text in back.items())  # nothing else
    verified = roundtable("verify", "--data", str(new.data))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("ok: ")


def test_without_keys_the_backup_holds_none_and_the_restore_needs_the_right_ones(
    tmp_path: Path,
) -> None:
    paths, _ = found(tmp_path / "a")
    stranger, _ = found(tmp_path / "b")
    archive = tmp_path / "nokeys.tar.gz"
    assert roundtable("backup", "--data", str(paths.data), "--to", str(archive)).returncode == 0
    assert not any(name.startswith("keys/") for name in members(archive))

    target = tmp_path / "restored"
    missing = roundtable("restore", "--from", str(archive), "--data", str(target))
    assert missing.returncode == 1
    assert missing.stderr.startswith("roundtable: the backup holds no keys")
    wrong = roundtable("restore", "--from", str(archive), "--data", str(target), "--keys",
                       str(stranger.keys))
    assert wrong.returncode == 1
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert not any(target.iterdir())  # nothing left behind
    right = roundtable("restore", "--from", str(archive), "--data", str(target), "--keys",
                       str(paths.keys))
    assert right.returncode == 0, right.stderr
    verified = roundtable("verify", "--data", str(target), "--keys", str(paths.keys))
    assert verified.returncode == 0, verified.stdout


def test_restore_refuses_a_directory_in_use_and_an_altered_archive(tmp_path: Path) -> None:
    paths, _ = found(tmp_path / "a")
    archive = tmp_path / "b.tar.gz"
    assert roundtable("backup", "--data", str(paths.data), "--to", str(archive),
                      "--with-keys").returncode == 0
    occupied = roundtable("restore", "--from", str(archive), "--data", str(paths.data))
    assert occupied.returncode == 1
    assert "is not empty" in occupied.stderr

    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member)
            assert data is not None
            content = data.read()
            if member.name == "data/audit.sqlite":
                content = content[:-1] + bytes([content[-1] ^ 1])
            target.addfile(member, fileobj=io.BytesIO(content))
    new = tmp_path / "new"
    refused = roundtable("restore", "--from", str(altered), "--data", str(new))
    assert refused.returncode == 1
    assert "does not match its checksum" in refused.stderr
    assert not [p for p in new.rglob("*") if p.is_file()]


def test_on_postgres_the_database_dump_and_the_keys_archive_restore_a_deployment(
    tmp_path: Path,
) -> None:
    """The README's restore on PostgreSQL: `pg_restore` of a `pg_dump` into a new database,
    then `roundtable restore` of the keys archive against it; the case keys and the trail are
    in the dump, so the restored deployment reads the cases and verifies."""
    with postgres_database() as url, postgres_database() as new_url:
        paths, created = found(tmp_path, url)
        with serving(paths) as server, server.client(created["token"]) as client:
            opened = client.post("/v1/cases", json={"subject": {"name": "Restored Subject"}})
            assert opened.status_code == 201, opened.text
        refused = roundtable("backup", "--data", str(paths.data), "--to",
                             str(tmp_path / "none.tar.gz"), database=url)
        assert refused.returncode == 1
        assert "pg_dump" in refused.stderr
        archive = tmp_path / "keys.tar.gz"
        made = roundtable("backup", "--data", str(paths.data), "--to", str(archive),
                          "--with-keys", database=url)
        assert made.returncode == 0, made.stderr
        assert "pg_dump" in made.stdout
        assert members(archive) == {"manifest.json", "keys/kek.key", "keys/log-signing.key"}
        dump = tmp_path / "db.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={new_url}", str(dump)],
                       check=True)
        elsewhere = roundtable("restore", "--from", str(archive), "--data",
                               str(tmp_path / "sqlite"))
        assert elsewhere.returncode == 1
        assert "pass --database" in elsewhere.stderr
        new = Paths(tmp_path / "new", tmp_path / "new" / "keys", new_url)
        restored = roundtable("restore", "--from", str(archive), "--data", str(new.data),
                              database=new_url)
        assert restored.returncode == 0, restored.stderr
        with serving(new) as server, server.client(created["token"]) as client:
            case = client.get(f"/v1/cases/{opened.json()['id']}")
            assert case.status_code == 200, case.text
            assert case.json()["subject"]["name"] == "Restored Subject"
            assert client.get("/v1/audit/verify").json()["ok"]
