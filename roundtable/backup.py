"""`roundtable backup` and `roundtable restore`.

A backup is one tar.gz archive (0600): a consistent copy of every SQLite store in the data
directory, each taken with SQLite's online backup API (safe while `serve` writes), and, only
with `--with-keys`, the key-encryption and signing keys. The read models are left out: a
restore rebuilds them from the log.

The stores are copied in an order that keeps them consistent with each other while writes go
on: the audit file first (its checkpoints then never cover more of the log than the copy of
the log holds), then the event log, then the case keys and any other store (a case's key is
created before the case's first event, so every case in the copied log has its key).

On PostgreSQL every store lives in the database (`roundtable.stores`: the events, the read
models, the case keys, the audit trail, the credentials, the web sessions) and `pg_dump` backs
it up; the archive then holds the one thing the database does not: the keys (`--with-keys`).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from roundtable.paths import Paths

FORMAT = "roundtable-backup/1"
MANIFEST = "manifest.json"
# Every key file a restore needs; never the rotation's lock or leftovers.
KEY_FILES = ("kek.key", "log-signing.key")
PG_DUMP_HINT = ("every store but the keys is in PostgreSQL (events, read models, case keys, "
                "audit trail, credentials, sessions): back the database up with "
                "`pg_dump --format=custom` (and restore it with `pg_restore`)")


class BackupError(Exception):
    """A backup or restore that cannot be done as asked; nothing was changed."""


@dataclass(frozen=True)
class Archived:
    path: Path
    files: list[str]
    with_keys: bool


def backup(paths: Paths, to: Path, *, with_keys: bool) -> Archived:
    stores = _stores(paths) if paths.database is None else []
    if not stores and not with_keys:
        raise BackupError(f"{PG_DUMP_HINT}; `--with-keys` archives the keys" if paths.database
                          else f"{paths.data} holds no store to back up")
    keys = _key_files(paths.keys) if with_keys else []
    to = to.resolve()
    with tempfile.TemporaryDirectory(dir=to.parent, prefix=".roundtable-backup-") as staging:
        manifest: dict[str, Any] = {"format": FORMAT, "created_at": time.time(),
                                    "database": paths.database is not None,
                                    "with_keys": with_keys, "files": {}}
        members: list[tuple[str, Path]] = []
        for store in stores:
            copy = Path(staging) / store.name
            _copy_store(store, copy)
            members.append((f"data/{store.name}", copy))
        members += [(f"keys/{key.name}", key) for key in keys]
        for name, path in members:
            manifest["files"][name] = _sha256(path)
        _write_archive(to, manifest, members, Path(staging))
    return Archived(to, [name for name, _ in members], with_keys)


def _stores(paths: Paths) -> list[Path]:
    """Every SQLite store of the data directory but the read models (rebuilt from the log) and
    the web sessions (a restored store starts with nobody signed in), audit file first, then
    the event log, then the others (case keys, credentials)."""
    skipped = {paths.views, paths.data / "sessions.sqlite"}
    found = [p for p in sorted(paths.data.glob("*.sqlite")) if p not in skipped and p.is_file()]
    first = [paths.audit, paths.events]
    return [p for p in first if p in found] + [p for p in found if p not in first]


def _key_files(keys: Path) -> list[Path]:
    if (keys / "kek.key.new").exists() or (keys / "kek.rotating").exists():
        raise BackupError("a key rotation is under way: run the backup again once it is over")
    found = [keys / name for name in KEY_FILES if (keys / name).is_file()]
    if len(found) != len(KEY_FILES):
        raise BackupError(f"{keys} does not hold the keys ({', '.join(KEY_FILES)})")
    return found


def _copy_store(source: Path, target: Path) -> None:
    """A consistent copy of a store that other processes may be writing (the backup API)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file


def _write_archive(to: Path, manifest: dict[str, Any], members: list[tuple[str, Path]],
                   staging: Path) -> None:
    partial = staging / "archive.tar.gz"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2).encode())
        for name, path in members:
            info = tar.gettarinfo(str(path), arcname=name)
            info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
            with path.open("rb") as data:
                tar.addfile(info, data)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, to)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
    tar.addfile(info, io.BytesIO(data))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- restore


@dataclass(frozen=True)
class Restored:
    files: list[str]
    keys_restored: bool
    database: bool


def restore(source: Path, paths: Paths, check_keys: Callable[[Paths], None]) -> Restored:
    """Unpack `source` into a new data directory (and its keys, if it has them, into an empty
    key directory); `check_keys` then proves the keys open the restored stores."""
    if paths.data.exists() and any(paths.data.iterdir()):
        raise BackupError(f"{paths.data} is not empty: restore into a new data directory")
    written: list[Path] = []
    try:
        with tarfile.open(source, mode="r:gz") as tar:
            manifest = _manifest(tar)
            _check_fits(manifest, paths)
            _private_dir(paths.data)
            for name, digest in manifest["files"].items():
                folder = paths.keys if name.startswith("keys/") else paths.data
                _private_dir(folder)
                _extract(tar, name, digest, folder / PurePosixPath(name).name, written)
        check_keys(paths)
    except BaseException as error:
        for path in written:  # leave the directories as they were: empty
            path.unlink(missing_ok=True)
        if isinstance(error, OSError | tarfile.TarError | ValueError | KeyError):
            raise BackupError(f"{source} is not a readable roundtable backup ({error})"
                              ) from None
        raise
    names = sorted(manifest["files"])
    return Restored(names, any(n.startswith("keys/") for n in names), bool(manifest["database"]))


def _manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    """The manifest, its member names checked against a fixed shape (`data/NAME` or
    `keys/NAME`), so that no member can point anywhere else."""
    found = tar.extractfile(MANIFEST)
    if found is None:
        raise ValueError("no manifest")
    manifest: dict[str, Any] = json.loads(found.read())
    if manifest.get("format") != FORMAT:
        raise ValueError(f"unknown format {manifest.get('format')!r}")
    for name in manifest["files"]:
        parts = PurePosixPath(name).parts
        if len(parts) != 2 or parts[0] not in ("data", "keys") or parts[1] in (".", ".."):
            raise ValueError(f"unexpected member {name!r}")
    return manifest


def _check_fits(manifest: dict[str, Any], paths: Paths) -> None:
    has_keys = any(name.startswith("keys/") for name in manifest["files"])
    if has_keys and (paths.keys / "kek.key").exists():
        raise BackupError(f"{paths.keys} already holds keys: restore into an empty key "
                          "directory, or restore a backup taken without --with-keys")
    if not has_keys and not (paths.keys / "kek.key").exists():
        raise BackupError("the backup holds no keys (taken without --with-keys): pass the "
                          "directory that holds them with --keys")
    if bool(manifest["database"]) != (paths.database is not None):
        raise BackupError("this backup comes from a PostgreSQL deployment: pass --database "
                          if manifest["database"] else
                          "this backup comes from an embedded SQLite deployment: restore it "
                          "without --database")


def _extract(tar: tarfile.TarFile, name: str, digest: str, target: Path,
             written: list[Path]) -> None:
    member = tar.extractfile(name)
    if member is None:
        raise ValueError(f"{name} is not a file")
    check = hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written.append(target)
    with os.fdopen(fd, "wb") as out:
        for block in iter(lambda: member.read(1 << 20), b""):
            check.update(block)
            out.write(block)
        out.flush()
        os.fsync(out.fileno())
    if check.hexdigest() != digest:
        raise ValueError(f"{name} does not match its checksum")


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


__all__ = ["PG_DUMP_HINT", "Archived", "BackupError", "Restored", "backup", "restore"]
