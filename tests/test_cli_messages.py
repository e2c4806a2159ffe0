"""What the `roundtable` command says when the store is not there: one line, never a
traceback, and what to pass instead."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from roundtable.cli import main
from tests.conftest import postgres_database
from tests.processes import child_env, free_port

COMMANDS = [["serve"], ["verify"], ["checkpoint"], ["retention"], ["project"],
            ["init", "--table", "T", "--chair", "C", "--organisation", "O", "--sector", "s"]]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_postgresql_that_is_down_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    url = f"postgresql://roundtable:hunter2@127.0.0.1:{free_port()}/roundtable"
    assert main([*command, "--data", str(tmp_path / "data"), "--database", url]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("roundtable: cannot reach the PostgreSQL database: ")
    assert "hunter2" not in err


def test_a_postgresql_that_is_down_prints_no_traceback_from_the_console_script(
    tmp_path: Path,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/roundtable"
    done = subprocess.run(
        [sys.executable, "-m", "roundtable.cli", "verify", "--data", str(tmp_path),
         "--database", url], capture_output=True, text=True, env=child_env(), timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] not in ("init", "project")])
def test_a_data_directory_without_a_round_table_says_what_to_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    assert main([*command, "--data", str(tmp_path / "empty")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "holds no round table" in err
    assert "pass --data DIR of an initialised store, or --database postgresql://" in err
    assert "`roundtable init --data DIR" in err


def test_an_empty_database_says_what_to_pass_without_its_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with postgres_database() as url:
        with_password = url.replace("postgresql://postgres@", "postgresql://postgres:hunter2@")
        assert main(["verify", "--data", str(tmp_path), "--database", with_password]) == 1
    err = capsys.readouterr().err
    assert "holds no round table" in err
    assert "postgres:***@127.0.0.1" in err
    assert "hunter2" not in err


def test_the_console_script_is_in_the_environments_bin_as_the_readme_says() -> None:
    """The README runs `.venv/bin/roundtable` (or activates `.venv`): the script is installed
    beside the environment's interpreter."""
    script = Path(sys.executable).parent / "roundtable"
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "serve" in done.stdout
