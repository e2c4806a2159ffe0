"""Fixtures of the audit-trail tests: the scene of `support.py`, fresh or shared by a module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.audit_trail.support import Scene, build_scene
from tests.conftest import Table, make_table


@pytest.fixture
def scene(table: Table) -> Iterator[Scene]:
    """A scene of its own, for tests that write, tamper or restart."""
    # Entering the client keeps one event loop for every request of the test (faster).
    with table.client:
        yield build_scene(table)


@pytest.fixture(scope="module")
def shared_scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """One scene for a module's read-only tests."""
    table = make_table(tmp_path_factory.mktemp("shared"))
    try:
        with table.client:
            yield build_scene(table)
    finally:
        table.built.close()
