"""The `roundtable` command. User mistakes end with a one-line message and exit 1, never a
traceback."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from eventsourcing.persistence import OperationalError

from roundtable import heap, operations
from roundtable.bootstrap import Paths, build, resolve_paths
from roundtable.paths import keep_files_private
from roundtable.progress import add_flag, progress
from roundtable.sealing import KeyFileError
from roundtable.setup import AlreadyInitialised, Founding, initialise


class UserError(Exception):
    """A mistake the user can fix; printed as one line."""


def _paths(args: argparse.Namespace) -> Paths:
    return resolve_paths(args.data, args.keys, args.database)


def _existing(args: argparse.Namespace) -> Paths:
    paths = _paths(args)
    if not paths.initialised:
        where = f"the database {_shown(paths.database)}" if paths.database else str(paths.data)
        raise UserError(
            f"{where} holds no round table: pass --data DIR of an initialised store, or "
            "--database postgresql://... (with its --data DIR of keys); create one with "
            "`roundtable init --data DIR --table NAME --chair NAME --organisation NAME "
            "--sector SECTOR` (or try `roundtable demo`)"
        )
    return paths


def _shown(url: str) -> str:
    """A database URL without its password, to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username or ''}:***@{host}").geturl()


# A PostgreSQL that is down, or refuses the connection (the library wraps psycopg's error).
DATABASE_DOWN = (psycopg.OperationalError, OperationalError)


def cmd_init(args: argparse.Namespace) -> int:
    founding = Founding(args.table, args.chair, args.organisation, args.sector,
                        args.professional_secrecy)
    built, created = initialise(_paths(args), founding)
    built.close()
    print(json.dumps(created))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    paths = _existing(args)
    _check_port_free(args.host, args.port)
    serve(paths, args.host, args.port, metrics=args.metrics)
    return 0


def cmd_project(args: argparse.Namespace) -> int:
    from roundtable.worker import run_worker

    paths = _paths(args)
    if paths.database is None:
        raise UserError("`project` runs the projection workers of a PostgreSQL deployment: "
                        "pass --database postgresql://... (the embedded store projects in "
                        "`serve`)")
    run_worker(_existing(args))
    return 0


def serve(paths: Paths, host: str, port: int, *, metrics: bool = False) -> None:
    import uvicorn

    from api.main import create_app
    from roundtable.logs import log_config

    # On PostgreSQL the projection workers (`roundtable project`) feed the views.
    built = build(paths, project=paths.database is None)
    # uvicorn shuts down on SIGTERM, then raises it again: exit through `finally` instead of
    # being killed by it, so that the stores are closed and a last checkpoint is signed.
    signal.signal(signal.SIGTERM, _exit)
    try:
        print(f"serving {paths.data} on http://{host}:{port} (web page at /, API docs at "
              "/docs)", flush=True)
        app = create_app(built.services, metrics=metrics)
        heap.settle()  # what was built lives as long as the process: out of the collector's way
        uvicorn.run(app, host=host, port=port, log_config=log_config(), access_log=False)
    finally:
        built.close()


def _exit(*_: object) -> None:
    raise SystemExit(0)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As uvicorn does: connections of a server that just died (TIME_WAIT) do not count.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is already in use; "
                                "pass another with --port") from None
            raise UserError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def cmd_demo(args: argparse.Namespace) -> int:
    from roundtable.demo import DEMO_STEPS, create_demo

    paths = _paths(args)
    saved = paths.data / "demo-tokens.json"
    if paths.initialised and args.serve and saved.exists():
        tokens = json.loads(saved.read_text())  # run again: serve the same demo
    else:
        with progress(args, "creating the demo", DEMO_STEPS, unit="step") as advance:
            tokens = create_demo(paths, advance=advance)
        fd = os.open(saved, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(tokens, out, indent=2)
    print(json.dumps(tokens, indent=2), flush=True)
    if args.serve:
        _check_port_free(args.host, args.port)
        serve(paths, args.host, args.port, metrics=args.metrics)
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from roundtable.audit.note import NoteError
    from roundtable.audit.verify import kept_checkpoint
    from roundtable.auditing import open_trail

    paths = _existing(args)
    with open_trail(paths) as trail:
        kept = None
        if args.checkpoint:
            try:
                kept = kept_checkpoint(_read_note(args.checkpoint), trail.vkey,
                                       trail.signer.name)
            except (OSError, NoteError) as error:
                raise UserError(f"the checkpoint in {args.checkpoint} cannot be used: {error}"
                                ) from None
        head = trail.app.recorder.max_notification_id() or 0
        with progress(args, "verifying the log", head) as advance:
            events, disclosures = trail.verify(kept, advance)
    if events.ok and disclosures.ok:
        print(f"ok: {events.length} events, root {events.head}; "
              f"{disclosures.length} disclosures, root {disclosures.head}")
        return 0
    for name, report in (("", events), ("disclosure log: ", disclosures)):
        if not report.ok:
            print(f"{name}first bad position: {report.first_bad_position}")
            print(f"  ({report.problem})", file=sys.stderr)
    return 1


def _read_note(path: str) -> str:
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return str(json.loads(text)["note"])
    return text


def cmd_checkpoint(args: argparse.Namespace) -> int:
    from roundtable.audit.signer import TrailBroken
    from roundtable.auditing import open_trail

    with open_trail(_existing(args)) as trail:
        try:
            print(trail.checkpoint().note, end="")
        except TrailBroken as error:
            raise UserError(str(error)) from None
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    from roundtable.retention import run_retention

    built = build(_existing(args))
    try:
        with progress(args, "erasing" if not args.dry_run else "listing", None,
                      unit="case") as advance:
            lines = run_retention(built.services.ctx, built.services.commands,
                                  dry_run=args.dry_run, advance=advance)
    finally:
        built.close()
    for line in lines:
        print(line)
    if not lines:
        print("nothing past retention")
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from roundtable.sealing import rotate_key_encryption_key
    from roundtable.stores import backend_of

    paths = _existing(args)
    count = rotate_key_encryption_key(paths.keys, backend_of(paths).key_store)
    print(f"re-wrapped {count} case keys under a new key-encryption key in {paths.keys}; "
          "a running `serve` picks it up by itself", end="")
    print("; copy the new kek.key into the keys directory of every other host now (they refuse "
          "to open case keys until they have it)" if paths.database else "")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="roundtable", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int], text: str) -> (
        argparse.ArgumentParser
    ):
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument("--data", help="data directory (default $ROUNDTABLE_DATA, else "
                         "./roundtable-data)")
        sub.add_argument("--keys", help="key directory (default $ROUNDTABLE_KEYS, else "
                         "DATA/keys)")
        sub.add_argument("--database", help="a postgresql:// URL holding every store (events, "
                         "views, case keys, audit trail, credentials, web sessions) "
                         "(default $ROUNDTABLE_DATABASE_URL, else the embedded SQLite store)")
        sub.set_defaults(run=run)
        return sub

    init = command("init", cmd_init, "create an empty store with a round table and its chair")
    init.add_argument("--table", required=True)
    init.add_argument("--chair", required=True)
    init.add_argument("--organisation", required=True)
    init.add_argument("--sector", required=True)
    init.add_argument("--professional-secrecy", action="store_true")

    verify = command("verify", cmd_verify, "check the audit trail against the signed "
                     "checkpoints (exit 1 and `first bad position: N` when it was altered)")
    add_flag(verify)
    verify.add_argument("--checkpoint", help="a checkpoint an auditor kept (the note, or the "
                        "JSON of GET /v1/audit/checkpoint)")
    command("checkpoint", cmd_checkpoint, "sign and print a checkpoint of the log as it is now")
    command("project", cmd_project, "run the projection worker of a PostgreSQL deployment")
    retention = command("retention", cmd_retention, "erase the closed cases whose retention has "
                        "passed; safe to run from cron while `serve` runs")
    retention.add_argument("--dry-run", action="store_true", help="print what would be erased")
    add_flag(retention)
    command("rotate-key", cmd_rotate_key, "re-wrap every case key under a new key-encryption "
            "key (events untouched); safe while `serve` runs")
    operations.add_commands(command)

    for name, run, text in (("serve", cmd_serve, "serve the HTTP API"),
                            ("demo", cmd_demo, "create a demo round table (and --serve it)")):
        sub = command(name, run, text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--metrics", action="store_true", help="serve Prometheus metrics at "
                         "/metrics (no token: bind to a private address)")
        if name == "demo":
            sub.add_argument("--serve", action="store_true",
                             help="serve the demo round table once created")
            add_flag(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    keep_files_private()  # files 0600, directories 0700, whatever the shell's umask
    try:
        code: int = args.run(args)
    except (UserError, AlreadyInitialised, KeyFileError, *operations.ERRORS) as error:
        print(f"roundtable: {error}", file=sys.stderr)
        return 1
    except DATABASE_DOWN as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        print(f"roundtable: cannot reach the PostgreSQL database: {reason}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
