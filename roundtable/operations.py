"""The operator's commands: `rebuild`, `backup`, `restore` (registered by `roundtable.cli`)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from roundtable.backup import PG_DUMP_HINT, BackupError, backup, restore
from roundtable.paths import Paths, resolve_paths
from roundtable.progress import add_flag, progress
from roundtable.rebuild import Rebuilt, ViewsInUse, rebuild
from roundtable.sealing import load_key_encryption_key
from roundtable.stores import backend_of

Command = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]
ERRORS = (BackupError, ViewsInUse)


def _paths(args: argparse.Namespace) -> Paths:
    return resolve_paths(args.data, args.keys, args.database)


def _require_log(paths: Paths) -> None:
    if not paths.initialised:
        raise BackupError(f"{paths.database or paths.data} holds no round table")


def _rebuild(args: argparse.Namespace, paths: Paths) -> Rebuilt:
    head = _head(paths)
    with progress(args, "rebuilding the read models", head) as advance:
        done = rebuild(paths, advance)
    print(f"rebuilt the read models from {done.events} events in {done.seconds:.1f} s "
          f"({done.rate:,.0f} events/s)", flush=True)
    return done


def _head(paths: Paths) -> int:
    from roundtable.context import RoundTableApplication
    from roundtable.paths import event_store_env

    app = RoundTableApplication(env=event_store_env(paths))
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def cmd_rebuild(args: argparse.Namespace) -> int:
    paths = _paths(args)
    _require_log(paths)
    _rebuild(args, paths)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    paths = _paths(args)
    _require_log(paths)
    made = backup(paths, Path(args.to), with_keys=args.with_keys)
    print(f"wrote {made.path} ({len(made.files)} files"
          f"{', keys included: keep it as safe as the keys' if made.with_keys else ''})")
    if paths.database is not None:
        print(PG_DUMP_HINT)
    return 0


def _check_keys(paths: Paths) -> None:
    """The key-encryption key must open the restored case-key store (KeyFileError if not)."""
    stores = backend_of(paths)
    if stores.has_case_keys():
        stores.case_keys(load_key_encryption_key(paths.keys)).close()


def cmd_restore(args: argparse.Namespace) -> int:
    paths = _paths(args)
    done = restore(Path(args.from_file), paths, _check_keys)
    print(f"restored {len(done.files)} files into {paths.data}"
          f"{' and the keys into ' + str(paths.keys) if done.keys_restored else ''}")
    if paths.database is not None and not paths.initialised:
        print(f"{PG_DUMP_HINT}; then run `roundtable rebuild --database ...`")
        return 0
    _rebuild(args, paths)
    return 0


def add_commands(command: Command) -> None:
    rebuilding = command("rebuild", cmd_rebuild, "drop every read model and rebuild it from "
                         "the log, with `serve` stopped (on PostgreSQL: the projection "
                         "workers too)")
    add_flag(rebuilding)
    backing = command("backup", cmd_backup, "write a consistent copy of the stores to one "
                      "archive (0600), safe while `serve` runs")
    backing.add_argument("--to", required=True, help="the archive to write (a .tar.gz)")
    backing.add_argument("--with-keys", action="store_true", help="include the key-encryption "
                         "and signing keys (then the archive opens everything: keep it apart)")
    restoring = command("restore", cmd_restore, "restore a backup into a new data directory "
                        "and rebuild the read models")
    restoring.add_argument("--from", dest="from_file", required=True, metavar="FILE",
                           help="an archive written by `roundtable backup`")
    add_flag(restoring)


__all__ = ["ERRORS", "add_commands"]
