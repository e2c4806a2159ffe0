"""Progress bars of long commands: on stderr when it is a terminal, never otherwise nor with
`--no-progress`; stdout keeps its contract either way."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from roundtable.demo import DEMO_STEPS
from tests.processes import child_env, found

pytestmark = pytest.mark.slow


def run(*args: str, terminal: bool) -> tuple[int, str, str]:
    """Run `roundtable ARGS`; stderr on a pseudo-terminal when `terminal`, else a pipe."""
    command = [sys.executable, "-m", "roundtable.cli", *args]
    if not terminal:
        done = subprocess.run(command, env=child_env(), capture_output=True, text=True,
                              timeout=120, check=False)
        return done.returncode, done.stdout, done.stderr
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    try:
        process = subprocess.Popen(command, env=child_env(), stdout=subprocess.PIPE,
                                   stderr=secondary, text=True)
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        out, _ = process.communicate(timeout=120)
    finally:
        os.close(main)
    return process.returncode, out, shown.decode(errors="replace")


def test_verify_shows_a_bar_on_a_terminal_only_and_prints_the_same_result(
    tmp_path: Path,
) -> None:
    paths, _ = found(tmp_path)
    data = ("--data", str(paths.data))
    code, out, bar = run("verify", *data, terminal=True)
    assert code == 0
    assert out.startswith("ok: ")
    assert "verifying the log" in bar
    assert "100%" in bar
    assert run("verify", *data, terminal=False) == (0, out, "")
    quiet = run("verify", *data, "--no-progress", terminal=True)
    assert quiet == (0, out, "")


def test_demo_and_retention_stay_quiet_off_a_terminal(tmp_path: Path) -> None:
    data = ("--data", str(tmp_path / "demo"))
    code, out, err = run("demo", *data, terminal=False)
    assert (code, err) == (0, "")
    assert json.loads(out)["chair"]["token"]
    code, out, err = run("retention", *data, "--dry-run", terminal=False)
    assert (code, out, err) == (0, "nothing past retention\n", "")


def test_demo_shows_its_steps_on_a_terminal(tmp_path: Path) -> None:
    code, out, bar = run("demo", "--data", str(tmp_path / "demo"), terminal=True)
    assert code == 0
    assert json.loads(out)["partners"]
    assert "creating the demo" in bar
    assert f"{DEMO_STEPS}/{DEMO_STEPS}" in bar  # the bar reaches its total
