"""Fixtures of the web page's tests."""

from __future__ import annotations

import pytest

from tests.conftest import Table
from tests.web.support import WebWorld, build_web_world


@pytest.fixture
def web(table: Table) -> WebWorld:
    return build_web_world(table)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from tests.web.browser import SCREENSHOTS, saved

    if saved:
        terminalreporter.write_line(f"web page screenshots ({len(saved)}): {SCREENSHOTS}")
